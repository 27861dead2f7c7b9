// A database path in a fresh temporary directory, removed with the object.
#ifndef DMARCQ_TESTS_SUPPORT_TEMP_DB_H_
#define DMARCQ_TESTS_SUPPORT_TEMP_DB_H_

#include <filesystem>
#include <random>
#include <string>

namespace dmarcq::testing {

class TempDb {
 public:
  TempDb() {
    std::random_device device;
    dir_ = std::filesystem::temp_directory_path() /
           ("dmarcq-test-" + std::to_string(device()) + std::to_string(device()));
    std::filesystem::create_directories(dir_);
  }
  ~TempDb() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string path() const { return (dir_ / "test.db").string(); }

 private:
  std::filesystem::path dir_;
};

}  // namespace dmarcq::testing

#endif  // DMARCQ_TESTS_SUPPORT_TEMP_DB_H_

// The doctest implementation and main(), compiled once and linked into every test
// binary. The locale is set as dmarcq's main sets it (UTF-8 archive member names).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <clocale>

int main(int argc, char** argv) {
  std::setlocale(LC_CTYPE, "C.UTF-8");
  return doctest::Context(argc, argv).run();
}

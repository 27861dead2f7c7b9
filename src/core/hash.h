// Content hashes identify documents and inputs already seen, so that a re-import can
// skip them without parsing. SHA-256 because report bytes come from strangers: a weak
// hash would let a forged document shadow a genuine one.
#ifndef DMARCQ_CORE_HASH_H_
#define DMARCQ_CORE_HASH_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace dmarcq::core {

// Lower-case hex SHA-256 of `bytes` (64 characters).
std::string sha256_hex(std::string_view bytes);

// The first eight bytes of the SHA-256 of `bytes`, big-endian, as a signed integer
// (SQLite's integer type): a lookup key that strangers cannot collide cheaply.
std::int64_t sha256_key64(std::string_view bytes);
// The first 128 bits of the SHA-256 of `bytes`, as two 64-bit halves (the first is
// sha256_key64).
std::pair<std::int64_t, std::int64_t> sha256_key128(std::string_view bytes);

// SHA-256 of bytes that arrive in pieces: a file too large to be held whole.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  // Lower-case hex of everything given to update(), as sha256_hex would return for it
  // whole. Ends the hash: call it once.
  std::string hex_digest();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace dmarcq::core

#endif  // DMARCQ_CORE_HASH_H_

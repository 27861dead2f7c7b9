#include "core/hash.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>

using dmarcq::core::sha256_hex;

TEST_CASE("hash: SHA-256 test vectors (FIPS 180-2)") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("hash: the 64- and 128-bit keys are the leading bits of the SHA-256") {
  // SHA-256("abc") = ba7816bf8f01cfea 414140de5dae2223 b00361a396177a9c b410ff61f20015ad
  const auto [high, low] = dmarcq::core::sha256_key128("abc");
  CHECK(static_cast<std::uint64_t>(high) == 0xba7816bf8f01cfeaULL);
  CHECK(static_cast<std::uint64_t>(low) == 0x414140de5dae2223ULL);
  CHECK(dmarcq::core::sha256_key64("abc") == high);
}

TEST_CASE("hash: one reused context per thread gives every call its own digest") {
  // The context is reused between calls and threads have their own: a state left over
  // from the previous (longer) input must not leak into the next.
  const std::string million(1000000, 'a');
  CHECK(sha256_hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string other;
  std::thread thread([&] { other = sha256_hex("abc"); });
  thread.join();
  CHECK(other == sha256_hex("abc"));
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

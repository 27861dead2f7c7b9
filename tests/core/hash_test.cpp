#include <doctest/doctest.h>

#include "core/hash.h"

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

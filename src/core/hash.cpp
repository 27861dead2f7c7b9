#include "core/hash.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace dmarcq::core {

namespace {

constexpr unsigned kDigestBytes = 32;

// OpenSSL 3's one-shot SHA256() fetches the algorithm and allocates a context on every
// call, which cost more than hashing a record's fact key itself: the algorithm is
// fetched once and each thread keeps one context.
const EVP_MD* sha256_algorithm() {
  static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> algorithm(
      EVP_MD_fetch(nullptr, "SHA256", nullptr), &EVP_MD_free);
  return algorithm.get();
}

// OpenSSL fails only when it cannot allocate or has no SHA-256 at all; a hash left
// unset would silently merge documents, so that is fatal.
[[noreturn]] void fail() { throw std::runtime_error("OpenSSL cannot compute SHA-256"); }

void sha256(std::string_view bytes, unsigned char (&digest)[kDigestBytes]) {
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(
      EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned size = 0;
  if (context == nullptr || sha256_algorithm() == nullptr ||
      EVP_DigestInit_ex(context.get(), sha256_algorithm(), nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest, &size) != 1 || size != kDigestBytes) {
    fail();
  }
}

std::string to_hex(const unsigned char (&digest)[kDigestBytes]) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * kDigestBytes, '0');
  for (unsigned i = 0; i < kDigestBytes; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[kDigestBytes];
  sha256(bytes, digest);
  return to_hex(digest);
}

std::pair<std::int64_t, std::int64_t> sha256_key128(std::string_view bytes) {
  unsigned char digest[kDigestBytes];
  sha256(bytes, digest);
  std::uint64_t high = 0, low = 0;
  for (int i = 0; i < 8; ++i) high = (high << 8) | digest[i];
  for (int i = 8; i < 16; ++i) low = (low << 8) | digest[i];
  return {static_cast<std::int64_t>(high), static_cast<std::int64_t>(low)};
}

std::int64_t sha256_key64(std::string_view bytes) { return sha256_key128(bytes).first; }

struct Sha256::Context {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> evp{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  if (context_->evp == nullptr || sha256_algorithm() == nullptr ||
      EVP_DigestInit_ex(context_->evp.get(), sha256_algorithm(), nullptr) != 1) {
    fail();
  }
}

Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) {
  if (EVP_DigestUpdate(context_->evp.get(), bytes.data(), bytes.size()) != 1) fail();
}

std::string Sha256::hex_digest() {
  unsigned char digest[kDigestBytes];
  unsigned size = 0;
  if (EVP_DigestFinal_ex(context_->evp.get(), digest, &size) != 1 || size != kDigestBytes) fail();
  return to_hex(digest);
}

}  // namespace dmarcq::core

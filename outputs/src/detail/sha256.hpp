#pragma once
// SHA-256 (Nettle) with the framing the integrity checksums use
// (docs/hdf5-schema.md, "Integrity"): unsigned integers as 8 little-endian
// bytes, byte strings as their length then their bytes. Internal to
// innosim::outputs.

#include <nettle/sha2.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace innosim::detail {

// Copyable: a copy hashes on from where the original is (the digest of a
// prefix while more follows: hex() of a copy).
class Sha256 {
 public:
  Sha256() { sha256_init(&ctx_); }
  void bytes(const void* p, std::size_t n) {
    if (n > 0) sha256_update(&ctx_, n, static_cast<const std::uint8_t*>(p));
  }
  void u64(std::uint64_t x) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(x >> (8 * i));
    bytes(b, sizeof b);
  }
  void str(std::string_view s) {
    u64(s.size());
    bytes(s.data(), s.size());
  }
  // Lower-case hex of the digest; the object starts again afterwards.
  std::string hex() {
    std::uint8_t md[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx_, SHA256_DIGEST_SIZE, md);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (const std::uint8_t b : md) {
      out.push_back(digits[b >> 4]);
      out.push_back(digits[b & 15]);
    }
    return out;
  }

 private:
  sha256_ctx ctx_;
};

}  // namespace innosim::detail

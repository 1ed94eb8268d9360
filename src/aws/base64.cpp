#include "aws/base64.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <climits>

namespace lease::aws {

namespace {

[[nodiscard]] bool is_base64_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3), '\0');
  if (!bytes.empty()) {
    // EVP_EncodeBlock writes 4 characters per 3 bytes, padded, plus a NUL: room for it is the +1 below.
    text.resize(text.size() + 1);
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes.data(),
                                        static_cast<int>(bytes.size()));
    text.resize(static_cast<std::size_t>(written));
  }
  return text;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  // EVP_DecodeBlock is lenient (it skips whitespace, accepts '=' mid-text and counts padding as zero
  // bytes), so the shape is checked here first and the padding taken off its result.
  if (text.size() % 4 != 0 || text.size() > INT_MAX) return std::nullopt;
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  const std::string_view body = text.substr(0, text.size() - padding);
  if (!std::all_of(body.begin(), body.end(), is_base64_char)) return std::nullopt;
  std::vector<std::uint8_t> bytes(3 * (text.size() / 4));
  if (text.empty()) return bytes;
  const int decoded = EVP_DecodeBlock(bytes.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (decoded < 0 || static_cast<std::size_t>(decoded) != bytes.size()) return std::nullopt;
  bytes.resize(bytes.size() - padding);
  return bytes;
}

}  // namespace lease::aws

#pragma once
// Standard base64 (RFC 4648 section 4, with '=' padding), as DynamoDB carries B and BS values.
// Internal header (not installed). Stateless functions: safe to call from any thread.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lease::aws {

/// Base64 text of `bytes`, padded with '=' to a multiple of 4 characters.
[[nodiscard]] std::string base64_encode(std::span<const std::uint8_t> bytes);

/// The bytes of padded base64 `text`, or nullopt when it is not strict base64: a length that is not a
/// multiple of 4, a character outside [A-Za-z0-9+/], whitespace, or '=' anywhere but the last one or two places.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace lease::aws

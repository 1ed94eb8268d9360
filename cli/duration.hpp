#pragma once
// Durations on the command line ("30s", "500ms", "2m", "1h", a bare number = seconds) and in output.

#include <chrono>
#include <string>
#include <string_view>

namespace lease::cli {

/// Parses a non-negative duration: a decimal number with an optional unit ms, s, m or h (no unit:
/// seconds), rounded to milliseconds. Throws UsageError naming `option` and the text otherwise.
[[nodiscard]] std::chrono::milliseconds parse_duration(std::string_view text, std::string_view option);

/// Same, and the result must be positive (e.g. a lease duration).
[[nodiscard]] std::chrono::milliseconds parse_positive_duration(std::string_view text, std::string_view option);

/// A short human form: "450ms", "12.3s", "4m05s", "1h02m"; negative values get a leading '-'.
[[nodiscard]] std::string format_duration(std::chrono::nanoseconds duration);

/// An instant as UTC ISO 8601 with milliseconds: "2024-05-01T12:00:00.123Z".
[[nodiscard]] std::string format_time(std::chrono::system_clock::time_point time);

}  // namespace lease::cli

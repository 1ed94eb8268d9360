#include "duration.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <ctime>

#include "exit_codes.hpp"

namespace lease::cli {

namespace {

struct Unit {
  std::string_view suffix;
  double milliseconds;
};

// Longest suffix first, so "ms" is not read as "m" followed by junk.
constexpr std::array kUnits{Unit{"ms", 1.0}, Unit{"s", 1e3}, Unit{"m", 60e3}, Unit{"h", 3600e3}};

std::string two_digits(long long value) { return (value < 10 ? "0" : "") + std::to_string(value); }

}  // namespace

std::chrono::milliseconds parse_duration(std::string_view text, std::string_view option) {
  auto bad = [&] {
    return UsageError(std::string(option) + ": '" + std::string(text) +
                      "' is not a duration (examples: 30s, 500ms, 2m, 1h; a bare number is seconds)");
  };
  double factor = 1e3;
  std::string_view number = text;
  for (const auto& unit : kUnits) {
    if (number.ends_with(unit.suffix)) {
      number.remove_suffix(unit.suffix.size());
      factor = unit.milliseconds;
      break;
    }
  }
  double value = 0;
  auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || error != std::errc() || end != number.data() + number.size() || !std::isfinite(value) ||
      value < 0 || value * factor > 1e15) {
    throw bad();
  }
  return std::chrono::milliseconds(std::llround(value * factor));
}

std::chrono::milliseconds parse_positive_duration(std::string_view text, std::string_view option) {
  auto duration = parse_duration(text, option);
  if (duration <= std::chrono::milliseconds::zero()) {
    throw UsageError(std::string(option) + " must be positive (got '" + std::string(text) + "')");
  }
  return duration;
}

std::string format_duration(std::chrono::nanoseconds duration) {
  using namespace std::chrono;
  if (duration < nanoseconds::zero()) return "-" + format_duration(-duration);
  const auto ms = duration_cast<milliseconds>(duration).count();
  if (ms < 1000) return std::to_string(ms) + "ms";
  if (ms < 60'000) return std::to_string(ms / 1000) + "." + std::to_string(ms / 100 % 10) + "s";
  const auto s = ms / 1000;
  if (s < 3600) return std::to_string(s / 60) + "m" + two_digits(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + two_digits(s / 60 % 60) + "m";
}

std::string format_time(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  std::array<char, 32> text{};
  const auto length = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &utc);
  const auto millis = ((ms % 1000) + 1000) % 1000;
  return std::string(text.data(), length) + "." + std::string(millis < 100 ? (millis < 10 ? "00" : "0") : "") +
         std::to_string(millis) + "Z";
}

}  // namespace lease::cli

#pragma once
/// \file
/// The injected logger. The library logs nothing unless a logger is given.
///
/// Thread-safety: the library may call a logger from any of its threads, concurrently; a logger you
/// inject must be safe to call that way. Messages never contain secrets (keys, tokens, signatures).

#include <functional>
#include <string_view>

namespace lease {

/// Severity of a log message.
enum class LogLevel { debug, info, warn, error };

/// A sink for log lines. Empty (the default) means "log nothing".
using Logger = std::function<void(LogLevel level, std::string_view message)>;

/// Name of a level ("debug", "info", "warn", "error").
[[nodiscard]] constexpr std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "unknown";
}

}  // namespace lease

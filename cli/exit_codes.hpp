#pragma once
// The `lease` tool's exit codes (part of its contract: scripts depend on them) and the tool's own
// error for bad input found after parsing.

#include <stdexcept>
#include <string>

namespace lease::cli {

/// Exit codes of every command. `run` otherwise exits with its command's status.
enum ExitCode : int {
  kSuccess = 0,      ///< done
  kNotObtained = 1,  ///< no lease was free (after waiting, if asked)
  kUsage = 2,        ///< usage error, bad input, missing table, bad configuration
  kLeaseLost = 3,    ///< the lease is not (or no longer) held by this lessee and token
  kAwsError = 4,     ///< AWS or network error after the library's retries
};

/// Bad input the parser could not catch (a malformed duration, an unreadable file). Exit code 2.
/// Thread-safety: an immutable value.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A command ended with a non-zero exit code and one message for stderr (e.g. "lease lost").
/// Thread-safety: an immutable value.
class CommandFailure : public std::runtime_error {
 public:
  CommandFailure(int exit_code, const std::string& message) : std::runtime_error(message), exit_code_(exit_code) {}
  [[nodiscard]] int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

}  // namespace lease::cli

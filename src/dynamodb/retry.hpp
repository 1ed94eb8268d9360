#pragma once
// When to retry a failed DynamoDB call: capped exponential backoff with full jitter, bounded in
// attempts and in total time. Internal header (not installed).

#include <chrono>
#include <cstdint>
#include <optional>

#include "lease/client_options.hpp"
#include "lease/error.hpp"

namespace lease::dynamodb {

/// Decides whether and when to retry. Immutable and thread-safe: the caller supplies the clock
/// reading and the randomness, so one policy can serve every thread.
class RetryPolicy {
 public:
  /// Throws lease::InvalidArgument unless max_attempts >= 1 and every delay is >= 0.
  explicit RetryPolicy(lease::RetryOptions options);

  /// The delay before the next attempt, or nullopt to give up: the error is not retryable,
  /// `attempts_made` (the first included) reached max_attempts, or `elapsed` (since the first
  /// attempt started) plus the delay would pass max_total. Full jitter: uniform in
  /// [0, min(max_delay, base_delay * 2^(attempts_made-1))], drawn from `random`.
  [[nodiscard]] std::optional<std::chrono::milliseconds> next_delay(const lease::Error& error, int attempts_made,
                                                                    std::chrono::steady_clock::duration elapsed,
                                                                    std::uint64_t random) const;

  /// The upper bound of the backoff after `attempts_made` attempts (before jitter).
  [[nodiscard]] std::chrono::milliseconds backoff_cap(int attempts_made) const noexcept;

  [[nodiscard]] const lease::RetryOptions& options() const noexcept { return options_; }

 private:
  lease::RetryOptions options_;
};

}  // namespace lease::dynamodb

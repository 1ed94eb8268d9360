#include "dynamodb/retry.hpp"

#include <algorithm>

namespace lease::dynamodb {

RetryPolicy::RetryPolicy(lease::RetryOptions options) : options_(options) {
  if (options_.max_attempts < 1) throw lease::InvalidArgument("retry max_attempts must be at least 1");
  if (options_.base_delay.count() < 0 || options_.max_delay.count() < 0 || options_.max_total.count() < 0) {
    throw lease::InvalidArgument("retry delays must not be negative");
  }
}

std::chrono::milliseconds RetryPolicy::backoff_cap(int attempts_made) const noexcept {
  const auto base = static_cast<std::uint64_t>(options_.base_delay.count());
  const auto limit = static_cast<std::uint64_t>(options_.max_delay.count());
  const int doublings = std::max(attempts_made, 1) - 1;
  std::uint64_t cap = base;
  for (int i = 0; i < doublings && cap > 0 && cap < limit; ++i) cap *= 2;  // stops before overflowing
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(cap, limit)));
}

std::optional<std::chrono::milliseconds> RetryPolicy::next_delay(const lease::Error& error, int attempts_made,
                                                                 std::chrono::steady_clock::duration elapsed,
                                                                 std::uint64_t random) const {
  if (!error.retryable() || attempts_made >= options_.max_attempts) return std::nullopt;
  const auto cap = static_cast<std::uint64_t>(backoff_cap(attempts_made).count());
  const std::chrono::milliseconds delay(static_cast<std::int64_t>(random % (cap + 1)));
  if (elapsed + delay > options_.max_total) return std::nullopt;
  return delay;
}

}  // namespace lease::dynamodb

#pragma once
/// \file
/// The two clocks of the lease algorithms (see README "Guarantees"):
/// - the wall clock, only for the value written to `LeaseUntil` and for a taker's expiry test;
/// - the local elapsed clock (CLOCK_BOOTTIME: keeps counting while the process or machine is
///   suspended), for the holder's own view of how long its lease is still valid.
///
/// Tests inject their own clock to simulate skew. Thread-safety: implementations must be safe to call
/// from any thread; `SystemClock` is.

#include <chrono>
#include <memory>

namespace lease {

class Clock {
 public:
  virtual ~Clock() = default;
  /// Wall-clock time (shared meaning across machines, trusted only up to the skew allowance).
  [[nodiscard]] virtual std::chrono::system_clock::time_point wall_now() const = 0;
  /// Monotonic local time that includes suspension (CLOCK_BOOTTIME). Never compare across machines.
  [[nodiscard]] virtual std::chrono::nanoseconds elapsed_now() const = 0;
};

/// The real clocks: system_clock and CLOCK_BOOTTIME (steady_clock where that is absent).
class SystemClock final : public Clock {
 public:
  [[nodiscard]] std::chrono::system_clock::time_point wall_now() const override;
  [[nodiscard]] std::chrono::nanoseconds elapsed_now() const override;
  /// A shared instance.
  [[nodiscard]] static std::shared_ptr<const Clock> instance();
};

}  // namespace lease

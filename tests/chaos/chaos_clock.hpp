#pragma once
// The clocks of the chaos run. CLOCK_BOOTTIME is the library's local elapsed clock and is one clock
// for the whole machine, so the times that different processes of one run record can be compared;
// CLOCK_REALTIME is recorded next to it for people reading the logs. Thread-safe.

#include <chrono>
#include <cstdint>

namespace lease::chaos {

inline constexpr std::int64_t kNsPerMs = 1'000'000;

/// CLOCK_BOOTTIME in nanoseconds.
[[nodiscard]] std::int64_t boot_ns() noexcept;
/// CLOCK_REALTIME in nanoseconds since the Unix epoch.
[[nodiscard]] std::int64_t real_ns() noexcept;

/// Milliseconds as nanoseconds.
[[nodiscard]] constexpr std::int64_t ms_to_ns(std::int64_t ms) noexcept { return ms * kNsPerMs; }
[[nodiscard]] constexpr std::int64_t ms_to_ns(std::chrono::milliseconds ms) noexcept { return ms.count() * kNsPerMs; }

}  // namespace lease::chaos

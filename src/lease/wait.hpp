#pragma once
// The waiting loop shared by Pool::wait_until_obtained and LockClient::acquire: retry an attempt with
// capped, doubling, fully jittered pauses until it yields, the wait budget ends or a stop is requested.
// Errors thrown by the attempt (anything but contention) reach the caller at once.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <random>
#include <stop_token>

#include "lease/error.hpp"
#include "lease/lease.hpp"
#include "lease/options.hpp"

namespace lease::detail {

/// Sleeps up to `d` or until `stop` is requested. Returns false when stopped.
bool sleep_unless_stopped(std::chrono::nanoseconds d, const std::stop_token& stop);

template <class Attempt>
std::optional<Lease> wait_for_lease(const WaitOptions& wait, const std::stop_token& stop, std::mt19937_64& rng,
                                    Attempt&& attempt) {
  using namespace std::chrono;
  if (wait.max_wait < milliseconds::zero()) throw InvalidArgument("max_wait must not be negative");
  if (wait.min_poll <= milliseconds::zero() || wait.max_poll < wait.min_poll) {
    throw InvalidArgument("poll interval must be positive and min_poll <= max_poll");
  }
  const auto start = steady_clock::now();
  const auto until = start + wait.max_wait;
  auto cap = wait.min_poll;
  for (;;) {
    if (auto held = attempt()) return held;
    const auto now = steady_clock::now();
    if (now >= until || stop.stop_requested()) return std::nullopt;
    std::uniform_int_distribution<std::int64_t> jitter(cap.count() / 2, cap.count());
    auto pause = std::min<nanoseconds>(milliseconds(jitter(rng)), until - now);
    if (wait.progress) wait.progress(duration_cast<milliseconds>(now - start));
    if (!sleep_unless_stopped(pause, stop)) return std::nullopt;
    cap = std::min(cap * 2, wait.max_poll);
  }
}

}  // namespace lease::detail

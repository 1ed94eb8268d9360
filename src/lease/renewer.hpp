#pragma once
// Renewer: one per store; keeps every lease the store handed out alive with heartbeats. A small set of
// worker threads takes due renewals from one schedule (earliest first), so a slow request holds up
// only its own worker, never the others. It starts `RenewerOptions::threads` workers; when every
// worker is busy and heartbeats start late (thousands of leases on a slow link), it adds workers, up
// to a fixed cap (max_threads()), and never removes them before it is destroyed. Thread-safe. Internal.

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

#include "lease/clock.hpp"
#include "lease/lease_core.hpp"
#include "lease/logger.hpp"
#include "lease/options.hpp"

namespace lease::detail {

/// What every renewer of the process has done so far (for benchmarks and diagnostics). Lateness is
/// how long after its scheduled time a heartbeat started: the renewer falling behind, not the network.
struct RenewerStats {
  /// Upper bounds (ms, exclusive) of the lateness histogram's buckets; the last bucket is open.
  static constexpr std::array<std::int64_t, 11> bucket_limits_ms{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000};
  std::uint64_t renewals = 0;                 // heartbeats started
  std::uint64_t failures = 0;                 // of those, ended in an error (then retried or lost)
  std::chrono::nanoseconds max_lateness{0};   // worst lateness
  std::chrono::nanoseconds total_lateness{0}; // sum of lateness (mean = total / renewals)
  std::chrono::nanoseconds max_request{0};    // slowest heartbeat request (renewal round trip)
  std::array<std::uint64_t, bucket_limits_ms.size() + 1> lateness_histogram{};  // counts per bucket
  /// Lateness at percentile `p` (0..100), as the upper bound of its histogram bucket (the maximum for
  /// the open last bucket); zero when there were no renewals.
  [[nodiscard]] std::chrono::nanoseconds lateness_percentile(double p) const;
};

/// A snapshot of the counters summed over every renewer of the process. Thread-safe; cheap (relaxed
/// atomic counters, updated once per heartbeat).
[[nodiscard]] RenewerStats renewer_stats();

class Renewer {
 public:
  Renewer(RenewerOptions options, std::shared_ptr<const Clock> clock);
  ~Renewer();
  Renewer(const Renewer&) = delete;
  Renewer& operator=(const Renewer&) = delete;

  /// Schedules heartbeats for `core` (its period must be positive). Starts the threads on first use.
  void add(const std::shared_ptr<LeaseCore>& core);
  /// Number of leases scheduled.
  [[nodiscard]] std::size_t size() const;
  /// Worker threads running now.
  [[nodiscard]] std::size_t threads() const;
  /// The most worker threads it will run: max(RenewerOptions::threads, 16).
  [[nodiscard]] std::size_t max_threads() const noexcept;
  /// A heartbeat that starts this late while no worker is idle adds a worker.
  static constexpr std::chrono::milliseconds grow_after{20};

 private:
  struct Entry {
    std::chrono::nanoseconds due;
    std::weak_ptr<LeaseCore> core;
    bool operator>(const Entry& other) const { return due > other.due; }
  };
  void run();
  void schedule(std::chrono::nanoseconds due, std::weak_ptr<LeaseCore> core);
  /// Adds an entry (mutex_ held) and wakes the workers when it is the new earliest one.
  void push(Entry entry);
  std::chrono::nanoseconds next_heartbeat(const LeaseCore& core) const;

  RenewerOptions options_;
  std::shared_ptr<const Clock> clock_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> schedule_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;       // workers waiting for a due heartbeat
  bool timed_waiter_ = false;  // one idle worker sleeps until the earliest heartbeat is due
  bool stopping_ = false;
};

}  // namespace lease::detail

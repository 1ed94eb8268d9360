#pragma once
// Renewer: one per store; keeps every lease the store handed out alive with heartbeats. A fixed set of
// worker threads takes due renewals from one schedule (earliest first), so a slow request holds up
// only its own worker, never the others. Thread-safe. Internal.

#include <chrono>
#include <condition_variable>
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

 private:
  struct Entry {
    std::chrono::nanoseconds due;
    std::weak_ptr<LeaseCore> core;
    bool operator>(const Entry& other) const { return due > other.due; }
  };
  void run();
  void schedule(std::chrono::nanoseconds due, std::weak_ptr<LeaseCore> core);
  std::chrono::nanoseconds next_heartbeat(const LeaseCore& core) const;

  RenewerOptions options_;
  std::shared_ptr<const Clock> clock_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> schedule_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

}  // namespace lease::detail

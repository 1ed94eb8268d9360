#include "lease/renewer.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>

#include "lease/error.hpp"
#include "lease/row_store.hpp"

namespace lease::detail {

using std::chrono::nanoseconds;

namespace {

/// The process-wide counters behind renewer_stats(); relaxed atomics, one update per heartbeat.
struct StatsCounters {
  std::atomic<std::uint64_t> renewals{0};
  std::atomic<std::uint64_t> failures{0};
  std::atomic<std::int64_t> max_lateness_ns{0};
  std::atomic<std::int64_t> total_lateness_ns{0};
  std::atomic<std::int64_t> max_request_ns{0};
  std::array<std::atomic<std::uint64_t>, RenewerStats::bucket_limits_ms.size() + 1> histogram{};
};

StatsCounters& counters() {
  static StatsCounters instance;
  return instance;
}

void raise_to(std::atomic<std::int64_t>& max, std::int64_t value) {
  std::int64_t seen = max.load(std::memory_order_relaxed);
  while (value > seen && !max.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

void record_heartbeat(nanoseconds lateness, nanoseconds request, bool failed) {
  auto& c = counters();
  const std::int64_t late_ns = std::max<std::int64_t>(lateness.count(), 0);
  c.renewals.fetch_add(1, std::memory_order_relaxed);
  if (failed) c.failures.fetch_add(1, std::memory_order_relaxed);
  c.total_lateness_ns.fetch_add(late_ns, std::memory_order_relaxed);
  raise_to(c.max_lateness_ns, late_ns);
  raise_to(c.max_request_ns, request.count());
  const auto& limits = RenewerStats::bucket_limits_ms;
  const auto bucket = static_cast<std::size_t>(
      std::upper_bound(limits.begin(), limits.end(), late_ns / 1'000'000) - limits.begin());
  c.histogram[bucket].fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

nanoseconds RenewerStats::lateness_percentile(double p) const {
  if (renewals == 0) return nanoseconds::zero();
  const auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(renewals)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_limits_ms.size(); ++i) {
    seen += lateness_histogram[i];
    if (seen >= std::max<std::uint64_t>(rank, 1)) {
      return std::min<nanoseconds>(std::chrono::milliseconds(bucket_limits_ms[i]), max_lateness);
    }
  }
  return max_lateness;
}

RenewerStats renewer_stats() {
  const auto& c = counters();
  RenewerStats stats;
  stats.renewals = c.renewals.load(std::memory_order_relaxed);
  stats.failures = c.failures.load(std::memory_order_relaxed);
  stats.max_lateness = nanoseconds(c.max_lateness_ns.load(std::memory_order_relaxed));
  stats.total_lateness = nanoseconds(c.total_lateness_ns.load(std::memory_order_relaxed));
  stats.max_request = nanoseconds(c.max_request_ns.load(std::memory_order_relaxed));
  for (std::size_t i = 0; i < stats.lateness_histogram.size(); ++i) {
    stats.lateness_histogram[i] = c.histogram[i].load(std::memory_order_relaxed);
  }
  return stats;
}

Renewer::Renewer(RenewerOptions options, std::shared_ptr<const Clock> clock)
    : options_(options), clock_(std::move(clock)) {
  if (options_.threads == 0) throw InvalidArgument("renewer threads must be at least 1");
}

Renewer::~Renewer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    // The last reference to a store can drop on one of our own threads (a lease destroyed while its
    // renewal runs); that thread cannot join itself, and it exits on its own after `stopping_`.
    if (thread.get_id() == std::this_thread::get_id()) {
      thread.detach();
    } else if (thread.joinable()) {
      thread.join();
    }
  }
}

std::size_t Renewer::size() const {
  std::lock_guard lock(mutex_);
  return schedule_.size();
}

nanoseconds Renewer::next_heartbeat(const LeaseCore& core) const {
  // Jitter in [0.8, 1.0] of the period keeps leases taken together from renewing in lockstep.
  std::uniform_real_distribution<double> jitter(0.8, 1.0);
  auto delay =
      nanoseconds(static_cast<std::int64_t>(static_cast<double>(core.period.count()) * jitter(RowStore::rng())));
  return clock_->elapsed_now() + delay;
}

void Renewer::add(const std::shared_ptr<LeaseCore>& core) {
  auto due = next_heartbeat(*core);
  std::lock_guard lock(mutex_);
  if (threads_.empty()) {
    for (std::size_t i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { run(); });
  }
  push(Entry{due, core});
}

void Renewer::push(Entry entry) {
  // Only a new earliest heartbeat changes how long the timed waiter must sleep; any other one is
  // picked up in turn, so it wakes nobody (no wake-ups for nothing at 1 000 heartbeats a second).
  const bool earliest = schedule_.empty() || entry.due < schedule_.top().due;
  schedule_.push(std::move(entry));
  if (earliest) wake_.notify_all();
}

void Renewer::schedule(nanoseconds due, std::weak_ptr<LeaseCore> core) {
  std::lock_guard lock(mutex_);
  if (!stopping_) push(Entry{due, std::move(core)});
}

std::size_t Renewer::threads() const {
  std::lock_guard lock(mutex_);
  return threads_.size();
}

std::size_t Renewer::max_threads() const noexcept { return std::max<std::size_t>(options_.threads, 16); }

void Renewer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // One idle worker (the timed waiter) sleeps until the earliest heartbeat is due; the others
    // sleep until woken, so a due heartbeat wakes one thread, not all of them.
    if (schedule_.empty() || timed_waiter_) {
      ++idle_;
      wake_.wait(lock);
      --idle_;
      continue;
    }
    auto wait = schedule_.top().due - clock_->elapsed_now();
    if (wait > nanoseconds::zero()) {
      // Bounded waits: the elapsed clock (BOOTTIME) and the condition variable's clock differ
      // across a suspension, so re-check at least once a second.
      ++idle_;
      timed_waiter_ = true;
      wake_.wait_for(lock, std::min<nanoseconds>(wait, std::chrono::seconds(1)));
      timed_waiter_ = false;
      --idle_;
      continue;
    }
    Entry entry = schedule_.top();
    schedule_.pop();
    // Hand over: another idle worker takes the next heartbeat (if due) or becomes the timed waiter.
    if (!schedule_.empty() && idle_ > 0) wake_.notify_one();
    // Behind schedule with every worker busy: one more worker (up to the cap) takes the backlog.
    if (-wait > grow_after && idle_ == 0 && threads_.size() < max_threads()) {
      threads_.emplace_back([this] { run(); });
    }
    lock.unlock();

    if (auto core = entry.core.lock(); core && core->active.load()) {
      bool keep_going = false;
      nanoseconds next{0};
      const nanoseconds started = clock_->elapsed_now();
      try {
        keep_going = core->store->renew(*core);
        next = next_heartbeat(*core);
        record_heartbeat(started - entry.due, clock_->elapsed_now() - started, false);
      } catch (const std::exception& e) {
        record_heartbeat(started - entry.due, clock_->elapsed_now() - started, true);
        // Outcome unknown: the deadline stays at the last confirmed one. Retry soon, but give up
        // (lost: expired) once that deadline has passed.
        nanoseconds now = clock_->elapsed_now();
        nanoseconds deadline;
        {
          std::lock_guard core_lock(core->m);
          deadline = core->deadline;
          if (core->state == LeaseState::held) core->state = LeaseState::uncertain;
        }
        core->store->log(LogLevel::warn, "renewal of '" + core->key.hash + "' failed (" + e.what() +
                                             "); retrying until the lease's local deadline");
        if (now >= deadline) {
          core->active = false;
          core->mark_lost(LossReason::expired);
        } else {
          keep_going = true;
          auto retry =
              std::clamp<nanoseconds>(core->period / 5, std::chrono::milliseconds(50), std::chrono::seconds(1));
          next = std::min(now + retry, deadline);
        }
      }
      if (keep_going && core->active.load()) schedule(next, entry.core);
    }
    lock.lock();
  }
}

}  // namespace lease::detail

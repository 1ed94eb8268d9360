#include "lease/renewer.hpp"

#include <algorithm>
#include <random>

#include "lease/error.hpp"
#include "lease/row_store.hpp"

namespace lease::detail {

using std::chrono::nanoseconds;

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
  schedule_.push(Entry{due, core});
  wake_.notify_one();
}

void Renewer::schedule(nanoseconds due, std::weak_ptr<LeaseCore> core) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    schedule_.push(Entry{due, std::move(core)});
  }
  wake_.notify_one();
}

void Renewer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (schedule_.empty()) {
      wake_.wait(lock);
      continue;
    }
    auto wait = schedule_.top().due - clock_->elapsed_now();
    if (wait > nanoseconds::zero()) {
      // Bounded waits: the elapsed clock (BOOTTIME) and the condition variable's clock differ
      // across a suspension, so re-check at least once a second.
      wake_.wait_for(lock, std::min<nanoseconds>(wait, std::chrono::seconds(1)));
      continue;
    }
    Entry entry = schedule_.top();
    schedule_.pop();
    lock.unlock();

    if (auto core = entry.core.lock(); core && core->active.load()) {
      bool keep_going = false;
      nanoseconds next{0};
      try {
        keep_going = core->store->renew(*core);
        next = next_heartbeat(*core);
      } catch (const std::exception& e) {
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

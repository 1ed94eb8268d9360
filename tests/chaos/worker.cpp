#include "worker.hpp"

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "chaos_clock.hpp"
#include "event_log.hpp"
#include "fence.hpp"
#include "lease/client.hpp"
#include "lease/error.hpp"
#include "lease/lock.hpp"
#include "lease/pool.hpp"

namespace lease::chaos {

namespace {

using std::chrono::milliseconds;
using nlohmann::json;

/// What one holding shares between the worker, its lease's on_lost callback (renewer thread) and a
/// watcher thread: whether on_lost came, and the latest local deadline seen. Thread-safe.
class HoldingState {
 public:
  void set_lost() {
    {
      std::lock_guard lock(mutex_);
      lost_ = true;
    }
    cv_.notify_all();
  }
  bool wait_lost(milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [this] { return lost_; });
  }
  void saw_deadline(std::int64_t deadline) {
    std::int64_t seen = latest_deadline_.load();
    while (deadline > seen && !latest_deadline_.compare_exchange_weak(seen, deadline)) {
    }
  }
  [[nodiscard]] std::int64_t latest_deadline() const { return latest_deadline_.load(); }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool lost_ = false;
  std::atomic<std::int64_t> latest_deadline_{0};
};

/// The holder's local deadline (CLOCK_BOOTTIME ns), from remaining(); empty once it is not valid.
/// The bound is tight unless the process was stopped between the two clock readings: then read
/// again, and after three tries take the lower bound (never claim more validity than it had).
std::optional<std::int64_t> deadline_of(const lease::Lease& lease) {
  std::int64_t before = 0, left = 0;
  for (int i = 0; i < 3; ++i) {
    before = boot_ns();
    left = lease.remaining().count();
    const std::int64_t after = boot_ns();
    if (left <= 0) return std::nullopt;
    if (after - before < kNsPerMs) return after + left;
  }
  return before + left;
}

/// Samples the lease's deadline every 20 ms while it runs, so the log knows the holder's deadline
/// even while the worker's own thread is stuck in a slow write. Stopped (joined) on destruction,
/// which must come before the lease is released or moved.
class DeadlineWatcher {
 public:
  DeadlineWatcher(const lease::Lease& held, HoldingState& state)
      : thread_([&held, &state](std::stop_token stop) {
          std::mutex mutex;
          std::condition_variable_any cv;
          std::unique_lock lock(mutex);
          while (!stop.stop_requested()) {
            if (auto deadline = deadline_of(held)) state.saw_deadline(*deadline);
            cv.wait_for(lock, stop, milliseconds(20), [] { return false; });  // wakes early on stop
          }
        }) {}

 private:
  std::jthread thread_;
};

lease::ClientOptions client_options(const std::string& endpoint) {
  lease::ClientOptions options;
  options.endpoint_url = endpoint;
  options.region = "us-east-1";
  options.credentials = lease::StaticCredentials{"chaos", "chaos", ""};
  options.connect_timeout = milliseconds(1'000);
  options.request_timeout = milliseconds(2'000);
  options.retry.max_total = milliseconds(4'000);
  return options;
}

/// One worker's state. Not thread-safe (the lost callbacks only touch the log and a LossSignal).
class Worker {
 public:
  Worker(const WorkerOptions& options, std::stop_token stop)
      : options_(options),
        config_(options.config),
        stop_(std::move(stop)),
        log_(std::make_shared<EventLog>(options.log_path)),
        lessee_(options.id + "@" + std::to_string(::getpid())),
        client_(client_options(options.endpoint)),
        pool_(client_, config_.pool_table,
              {.hash_key = "id", .max_clock_skew = milliseconds(config_.skew_ms)}),
        locks_(client_, config_.lock_table, {.hash_key = "id", .max_clock_skew = milliseconds(config_.skew_ms)}),
        fence_(client_, config_.fence_table),
        rng_(options.seed) {}

  int run() {
    log_->write({{"ev", "start"}, {"w", options_.id}, {"pid", ::getpid()}, {"role", options_.role}});
    const std::int64_t until = boot_ns() + options_.max_run.count() * 1'000'000'000;
    for (int attempt = 1; !stop_.stop_requested() && boot_ns() < until; ++attempt) {
      auto state = std::make_shared<HoldingState>();
      const milliseconds duration(uniform(config_.lease_min_ms, config_.lease_max_ms));
      std::string key;
      std::optional<lease::Lease> held;
      try {
        held = obtain(attempt, duration, state, key);
      } catch (const lease::Error& e) {  // the proxy's faults: try again shortly
        log_->write({{"ev", "oerr"}, {"a", attempt}, {"code", e.code()}, {"msg", e.what()}});
        std::this_thread::sleep_for(milliseconds(100));
        continue;
      }
      if (held) hold(*held, key, attempt, *state, duration);
    }
    log_->write({{"ev", "exit"}});
    return 0;
  }

 private:
  std::int64_t uniform(std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, std::max(low, high))(rng_);
  }

  std::optional<lease::Lease> obtain(int attempt, milliseconds duration, const std::shared_ptr<HoldingState>& state,
                                     std::string& key) {
    lease::LeaseRequest request{
        .lessee = lessee_,
        .duration = duration,
        .heartbeat = true,
        .on_lost = [log = log_, state, attempt](const std::string&, lease::LossReason why) {
          log->write({{"ev", "lost"},
                      {"a", attempt},
                      {"reason", std::string(lease::to_string(why))},
                      {"dl", state->latest_deadline()}});
          state->set_lost();
        }};
    lease::WaitOptions wait{.max_wait = milliseconds(2'000),
                            .min_poll = milliseconds(std::min(50, config_.max_poll_ms)),
                            .max_poll = milliseconds(config_.max_poll_ms)};
    std::optional<lease::Lease> held;
    if (options_.role == "lock") {
      const auto names = config_.lock_names();
      const auto& lock = names.at(static_cast<std::size_t>(uniform(0, static_cast<std::int64_t>(names.size()) - 1)));
      held = locks_.acquire({.key = lock, .lease = request}, wait, stop_);
      key = lock_key(lock);
    } else {
      held = pool_.wait_until_obtained(request, wait, stop_);
      if (held) key = pool_key(held->key());
    }
    if (held) {
      const auto until = std::chrono::duration_cast<std::chrono::nanoseconds>(held->lease_until().time_since_epoch());
      log_->write({{"ev", "acq"},
                   {"a", attempt},
                   {"key", key},
                   {"tok", held->token()},
                   {"d", duration.count()},
                   {"dl", deadline_of(*held).value_or(0)},
                   {"lu", until.count()}});
    }
    return held;
  }

  void hold(lease::Lease& held, const std::string& key, int attempt, HoldingState& state, milliseconds duration) {
    const std::int64_t hold_until = boot_ns() + ms_to_ns(uniform(config_.hold_min_ms, config_.hold_max_ms));
    bool lost = false;
    {
      DeadlineWatcher watcher(held, state);
      lost = work(held, key, attempt, state, hold_until);
    }
    // The library promises one on_lost call per lost lease; give its renewer time to make it.
    if (lost && !state.wait_lost(duration + milliseconds(3'000))) log_->write({{"ev", "nolost"}, {"a", attempt}});
    json release{{"ev", "rb"}, {"a", attempt}};
    if (!lost) release["dl"] = state.latest_deadline();  // it checked validity just before
    log_->write(std::move(release));
    try {
      const bool released = held.release();
      log_->write({{"ev", "re"}, {"a", attempt}, {"ok", released}});
    } catch (const lease::Error& e) {
      log_->write({{"ev", "re"}, {"a", attempt}, {"ok", false}, {"err", e.code() + ": " + e.what()}});
    }
  }

  // Fenced writes while the lease is valid, until `hold_until`. Returns true when the lease was lost.
  bool work(const lease::Lease& held, const std::string& key, int attempt, HoldingState& state,
            std::int64_t hold_until) {
    for (int write = 1;; ++write) {
      const auto deadline = deadline_of(held);
      if (!deadline) {
        auto reason = held.loss_reason();
        log_->write({{"ev", "invalid"},
                     {"a", attempt},
                     {"state", std::string(lease::to_string(held.state()))},
                     {"reason", reason ? std::string(lease::to_string(*reason)) : ""},
                     {"dl", state.latest_deadline()}});
        return true;
      }
      state.saw_deadline(*deadline);
      if (stop_.stop_requested() || boot_ns() >= hold_until) return false;
      const std::string wid = options_.id + "." + std::to_string(attempt) + "." + std::to_string(write);
      log_->write({{"ev", "wb"}, {"a", attempt}, {"key", key}, {"tok", held.token()}, {"wid", wid}, {"dl", *deadline}});
      // The work whose result is written: a pause that lands here makes this a stale write, which
      // only the token can stop.
      std::this_thread::sleep_for(milliseconds(uniform(0, config_.write_ms / 2)));
      std::string error;
      const auto outcome = fence_.write(key, held.token(), wid, &error);
      json done{{"ev", "we"}, {"a", attempt}, {"wid", wid}, {"out", std::string(to_string(outcome))}};
      if (outcome == FenceOutcome::unknown) done["err"] = error;
      log_->write(std::move(done));
      std::this_thread::sleep_for(milliseconds(uniform(config_.write_ms / 4, config_.write_ms / 2)));
    }
  }

  const WorkerOptions& options_;
  const RunConfig& config_;
  std::stop_token stop_;
  std::shared_ptr<EventLog> log_;
  std::string lessee_;
  lease::Client client_;
  lease::Pool pool_;
  lease::LockClient locks_;
  Fence fence_;
  std::mt19937_64 rng_;
};

}  // namespace

int run_worker(const WorkerOptions& options, std::stop_token stop) {
  Worker worker(options, std::move(stop));
  return worker.run();
}

}  // namespace lease::chaos

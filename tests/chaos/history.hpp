#pragma once
// The history of a chaos run as the workers logged it: every holding of a lease and every fenced
// write, rebuilt from the workers' event logs (see worker.hpp for the events).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lease::chaos {

/// One acquisition of a key by a worker. Times are CLOCK_BOOTTIME ns.
struct Holding {
  std::string worker;                          ///< "w3"
  std::int64_t attempt = 0;                    ///< the worker's attempt number
  std::string key;                             ///< "pool/row-1", "lock/lock-2"
  std::int64_t token = 0;                      ///< fencing token
  std::int64_t duration_ns = 0;                ///< lease duration asked for
  std::int64_t start = 0;                      ///< obtain returned the lease
  std::int64_t valid_until = 0;                ///< latest local deadline the holder saw (0: never valid)
  std::optional<std::int64_t> release_begin;   ///< it stopped using the lease and called release()
  std::optional<std::int64_t> release_end;     ///< release() returned or threw
  bool release_ok = false;                     ///< release() returned true
  std::optional<std::int64_t> invalid_at;      ///< it saw valid() false while holding
  std::optional<std::int64_t> lost_at;         ///< on_lost was called
  std::string lost_reason;                     ///< on_lost's reason
  bool waited_in_vain = false;                 ///< it waited for on_lost and none came

  /// The end of its validity as the holder acted on it: release, or its last local deadline.
  [[nodiscard]] std::int64_t end() const noexcept;
  /// Its log ended while it held the lease (the worker was killed, or crashed).
  [[nodiscard]] bool log_ended() const noexcept { return !release_begin.has_value(); }
};

/// One fenced write attempt.
struct WriteAttempt {
  std::string worker;
  std::string key;
  std::string write_id;
  std::int64_t token = 0;
  std::int64_t at = 0;   ///< just after the validity check that allowed it
  std::string outcome;   ///< "accepted", "fenced", "unknown"; empty when the log ends first
};

/// Everything the workers logged.
struct History {
  std::vector<Holding> holdings;                     ///< in log order per worker
  std::vector<WriteAttempt> writes;
  std::map<std::string, std::size_t> obtain_errors;  ///< by error code
  std::size_t stray_events = 0;                      ///< events naming an attempt that has no acquisition
};

/// Rebuilds the history from the workers' events, fed one at a time, each worker's in log order.
/// Not thread-safe.
class HistoryBuilder {
 public:
  HistoryBuilder();
  ~HistoryBuilder();
  HistoryBuilder(const HistoryBuilder&) = delete;
  HistoryBuilder& operator=(const HistoryBuilder&) = delete;

  void add(const std::string& worker, const nlohmann::json& event);
  [[nodiscard]] History take() &&;

 private:
  struct Worker;
  History history_;
  std::map<std::string, std::unique_ptr<Worker>> workers_;
};

/// The history of each worker's events (worker id -> its events in log order).
[[nodiscard]] History build_history(const std::map<std::string, std::vector<nlohmann::json>>& worker_events);

}  // namespace lease::chaos

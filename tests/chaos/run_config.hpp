#pragma once
// The settings of one chaos run, shared by the orchestrator (which writes them to config.json in
// the run's folder), the workers (which get theirs on the command line) and the checker.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lease::chaos {

/// Settings of a chaos run. A value type.
struct RunConfig {
  std::uint64_t seed = 0;    ///< seeds the fault schedule and every worker (printed; replay with --seed)
  int seconds = 60;          ///< workload time: faults, then the quiet period
  int quiet_seconds = 12;    ///< final period without faults (liveness is checked in it)
  int workers = 8;           ///< worker processes at any time
  int lock_workers = 2;      ///< of those, workers that take named locks (the others take pool rows)
  int rows = 4;              ///< pool rows
  int locks = 3;             ///< named locks
  int lease_min_ms = 1000;   ///< each acquisition asks for a duration in [min, max]
  int lease_max_ms = 2000;
  int skew_ms = 200;         ///< max_clock_skew of pools and lock clients
  int max_poll_ms = 250;     ///< longest pause between obtain attempts ("one poll")
  int write_ms = 100;        ///< pause between fenced writes of a holder
  int hold_min_ms = 300;     ///< a holder keeps a lease for a time in [min, max], then releases it
  int hold_max_ms = 4000;
  int slack_ms = 1000;       ///< liveness allowance for request round trips on a loaded machine
  std::string pool_table = "chaos-pool";
  std::string lock_table = "chaos-locks";
  std::string fence_table = "chaos-fence";

  /// "row-1".."row-N".
  [[nodiscard]] std::vector<std::string> row_names() const;
  /// "lock-1".."lock-N".
  [[nodiscard]] std::vector<std::string> lock_names() const;
  /// Every key of the history: "pool/row-1", ..., "lock/lock-1", ...
  [[nodiscard]] std::vector<std::string> history_keys() const;
  /// Liveness bound: a free pool row is obtained within this after faults stop.
  [[nodiscard]] std::int64_t liveness_bound_ns() const;
};

/// History key of a pool row ("pool/row-1") and of a named lock ("lock/lock-1"); the fence table
/// uses the same keys.
[[nodiscard]] std::string pool_key(const std::string& row);
[[nodiscard]] std::string lock_key(const std::string& lock);
[[nodiscard]] bool is_pool_key(const std::string& key);

// JSON (config.json): missing fields keep their defaults.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RunConfig, seed, seconds, quiet_seconds, workers, lock_workers, rows,
                                                locks, lease_min_ms, lease_max_ms, skew_ms, max_poll_ms, write_ms,
                                                hold_min_ms, hold_max_ms, slack_ms, pool_table, lock_table,
                                                fence_table)

}  // namespace lease::chaos

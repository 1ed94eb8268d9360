#pragma once
// The chaos run's checker: reads a finished run's history and tells whether the lease library kept
// its guarantees through the faults.

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "run_data.hpp"

namespace lease::chaos {

/// One broken guarantee, with its evidence (workers, tokens, times since the run began).
struct Violation {
  std::string check;   ///< "overlap", "token", "fence", "loss", "validity", "liveness", "attributes", "restart",
                       ///< "worker"
  std::string detail;
};

/// What the checker counted and found. A value type.
struct Report {
  std::size_t pool_acquisitions = 0;
  std::size_t lock_acquisitions = 0;
  std::map<std::string, std::size_t> obtain_errors;  ///< by error code
  std::size_t writes_accepted = 0;
  std::size_t writes_fenced = 0;                      ///< stale holders fenced out
  std::size_t writes_unknown = 0;
  std::map<std::string, std::size_t> faults;          ///< by kind
  std::map<std::string, std::size_t> losses;          ///< on_lost calls by reason
  std::int64_t worst_detection_ns = 0;                ///< on_lost after the holder's deadline (or its resume)
  std::string worst_detection;                        ///< which holding
  std::size_t paused_holders = 0;
  std::size_t paused_reported = 0;
  std::size_t partitioned_holders = 0;
  std::size_t partitioned_reported = 0;
  std::int64_t worst_quiet_wait_ns = -1;              ///< longest a pool row stayed free after faults stopped
  std::string worst_quiet_wait;
  std::int64_t liveness_bound_ns = 0;
  std::size_t restarts_checked = 0;
  std::size_t bad_lines = 0;
  std::vector<Violation> violations;

  [[nodiscard]] bool ok() const noexcept { return violations.empty(); }
  /// The summary: counts, then every violation.
  void print(std::ostream& out) const;
};

/// Checks a run:
/// - overlap: no two holders' validity intervals of one key overlap;
/// - token: tokens per key only rise (in the order of acquisition), and the row keeps the highest;
/// - fence: the resource accepted writes in rising token order (each carried the highest token seen
///   so far), never more than were sent and never fewer than were acknowledged;
/// - loss: every holder that saw its lease invalid got on_lost, and every holder paused or
///   partitioned for longer than its lease reported the loss;
/// - validity: no holder's deadline reached past a pause's or partition's start + its lease (a
///   renewal whose outcome was unknown extended nothing);
/// - liveness: after faults stop, no pool row stays free longer than lease duration + skew
///   allowance + one poll + slack;
/// - attributes: no user attribute of any row changed;
/// - restart: every row and fence record survived each restart of DynamoDB Local;
/// - worker: no worker exited on its own.
[[nodiscard]] Report check_run(const RunData& run);

}  // namespace lease::chaos

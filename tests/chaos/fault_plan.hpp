#pragma once
// The seeded fault schedule of a chaos run.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "run_config.hpp"

namespace lease::chaos {

/// The faults the orchestrator injects.
enum class FaultKind {
  kill,         ///< SIGKILL a worker, start a new one in its place
  pause,        ///< SIGSTOP a worker for longer than its lease, then SIGCONT
  latency,      ///< the proxy delays every chunk
  flaky,        ///< the proxy resets connections at random
  drop,         ///< the proxy closes every connection (FIN)
  reset,        ///< the proxy resets every connection (RST)
  blackhole,    ///< the proxy stalls all traffic
  ddb_pause,    ///< SIGSTOP DynamoDB Local, then SIGCONT
  ddb_restart,  ///< stop DynamoDB Local and start it again on its database file
};
inline constexpr std::array kAllFaultKinds{FaultKind::kill,  FaultKind::pause,     FaultKind::latency,
                                           FaultKind::flaky, FaultKind::drop,      FaultKind::reset,
                                           FaultKind::blackhole, FaultKind::ddb_pause, FaultKind::ddb_restart};
[[nodiscard]] std::string_view to_string(FaultKind kind) noexcept;

/// One scheduled fault.
struct Fault {
  FaultKind kind = FaultKind::drop;
  std::chrono::milliseconds gap{0};     ///< quiet time before it starts
  std::chrono::milliseconds length{0};  ///< how long it lasts (0: instantaneous)
  std::size_t victim = 0;               ///< worker slot (kill, pause)
  int latency_ms = 0;                   ///< latency
  int jitter_ms = 0;                    ///< latency
  double probability = 0;               ///< flaky
};

/// Draws faults from a seeded generator: kinds come from a shuffled deck holding every kind (kill and
/// pause twice), so each round of the deck injects every kind; lengths are drawn around the lease
/// duration, some shorter and some longer. The same seed and config give the same faults.
/// Not thread-safe.
class FaultPlan {
 public:
  FaultPlan(std::uint64_t seed, const RunConfig& config);
  [[nodiscard]] Fault next();

 private:
  int uniform(int low, int high);

  RunConfig config_;
  std::mt19937_64 rng_;
  std::vector<FaultKind> deck_;
};

}  // namespace lease::chaos

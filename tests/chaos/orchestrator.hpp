#pragma once
// The chaos run's orchestrator: DynamoDB Local, the fault proxy and the workers, a seeded fault
// schedule, a quiet period, then the checker.

#include <string>

#include "run_config.hpp"

namespace lease::chaos {

/// Where a run keeps its files and finds its programs.
struct RunPaths {
  std::string dir;         ///< the run folder (wiped at the start): logs, snapshots, DynamoDB Local state
  std::string db_dir;      ///< DynamoDB Local's database folder (empty: <dir>/db); wiped at the start too
  std::string bin_dir;     ///< where chaos_worker and chaos_proxy are
  std::string source_dir;  ///< the project (for scripts/dynamodb-local)
};

/// Exit codes of run_chaos.
inline constexpr int kRunClean = 0;        ///< no violation
inline constexpr int kRunViolations = 1;   ///< the checker found violations
inline constexpr int kRunFailed = 2;       ///< setup or infrastructure failure (no verdict)
inline constexpr int kRunInterrupted = 130;

/// Runs the chaos run `config` describes and prints its progress and the checker's report to
/// stdout. Every process it starts is stopped before it returns, whatever happens. Call from the
/// main thread (children die with the thread that started them).
int run_chaos(const RunConfig& config, const RunPaths& paths);

/// Asks a running run_chaos to stop early (async-signal-safe: for SIGINT/SIGTERM handlers).
void request_interrupt() noexcept;

}  // namespace lease::chaos

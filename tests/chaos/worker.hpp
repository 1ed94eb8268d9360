#pragma once
// The chaos worker: a process that takes pool rows (or named locks) through the public lease API,
// performs fenced writes while its own view says the lease is valid, and logs every step.

#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>

#include "run_config.hpp"

namespace lease::chaos {

/// What one worker process does.
struct WorkerOptions {
  std::string id;                          ///< "w3"; with the pid it makes the lessee
  std::string role = "pool";               ///< "pool": takes pool rows; "lock": takes named locks
  std::string endpoint;                    ///< DynamoDB (through the fault proxy)
  std::string log_path;                    ///< its event log
  std::uint64_t seed = 0;                  ///< its random choices
  RunConfig config;                        ///< tables, lease, hold and write timings
  std::chrono::seconds max_run{4 * 3600};  ///< stops by itself after this (a bound, not a plan)
};

/// Loops until `stop` is requested or `max_run` passes: obtain (heartbeats on); while valid, check
/// validity, work a little, write the result to the fence with the token; release after a random
/// hold time; on a loss, wait (bounded) for on_lost, then
/// release. Event log, one JSON line each ("a" is the acquisition attempt):
///   start {w,pid,role} · acq {a,key,tok,d,dl,lu} · wb {a,key,tok,wid,dl} · we {a,wid,out[,err]} ·
///   invalid {a,state,reason,dl} · lost {a,reason,dl} · nolost {a} · rb {a[,dl]} · re {a,ok[,err]} ·
///   oerr {code,msg} · exit
/// `dl` is the holder's local deadline (CLOCK_BOOTTIME ns) as remaining() shows it: at that check
/// (acq, wb), or the latest one seen (invalid, lost, rb), sampled every 20 ms by a watcher thread
/// while the worker holds the lease.
/// Returns the process exit code. Throws only on a bug (an error that is not a lease::Error).
int run_worker(const WorkerOptions& options, std::stop_token stop);

}  // namespace lease::chaos

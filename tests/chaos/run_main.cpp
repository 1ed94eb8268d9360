// chaos_run: the chaos run (see docs/chaos.md).
//   chaos_run [--seconds 60] [--workers 8] [--rows 4] [--locks 3] [--seed N] [--dir DIR] ...
// Exit status: 0 no violation, 1 violations, 2 the run itself failed, 130 interrupted.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>

#include "args.hpp"
#include "orchestrator.hpp"

namespace {

extern "C" void on_interrupt(int) { lease::chaos::request_interrupt(); }

const char* const kUsage =
    "usage: chaos_run [--seconds 60] [--quiet-seconds 12] [--workers 8] [--lock-workers 2] [--rows 4]\n"
    "                 [--locks 3] [--seed N] [--dir DIR] [--db-dir DIR] [--lease-min-ms 1000]\n"
    "                 [--lease-max-ms 2000] [--skew-ms 200] [--max-poll-ms 250] [--slack-ms 1000]\n"
    "                 [--write-ms 100] [--hold-min-ms 300] [--hold-max-ms 4000] [--source-dir DIR]\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace lease::chaos;
  RunConfig config;
  RunPaths paths;
  try {
    Args args(argc, argv, {"help"});
    if (args.flag("help")) {
      std::cout << kUsage;
      return 0;
    }
    auto number = [&](const char* name, int fallback) { return static_cast<int>(args.get_int(name, fallback)); };
    config.seconds = number("seconds", config.seconds);
    config.quiet_seconds = number("quiet-seconds", config.quiet_seconds);
    config.workers = number("workers", config.workers);
    config.lock_workers = number("lock-workers", config.lock_workers);
    config.rows = number("rows", config.rows);
    config.locks = number("locks", config.locks);
    config.lease_min_ms = number("lease-min-ms", config.lease_min_ms);
    config.lease_max_ms = number("lease-max-ms", config.lease_max_ms);
    config.skew_ms = number("skew-ms", config.skew_ms);
    config.max_poll_ms = number("max-poll-ms", config.max_poll_ms);
    config.slack_ms = number("slack-ms", config.slack_ms);
    config.write_ms = number("write-ms", config.write_ms);
    config.hold_min_ms = number("hold-min-ms", config.hold_min_ms);
    config.hold_max_ms = number("hold-max-ms", config.hold_max_ms);
    config.seed = static_cast<std::uint64_t>(args.get_int("seed", static_cast<std::int64_t>(std::random_device{}() % 1'000'000'000)));
    paths.dir = std::filesystem::absolute(args.get("dir", "chaos-run")).string();
    paths.db_dir = args.get("db-dir", "");
    paths.source_dir = args.get("source-dir", LEASE_SOURCE_DIR);
    paths.bin_dir = std::filesystem::read_symlink("/proc/self/exe").parent_path().string();
    args.check_all_known();
    if (config.seconds <= config.quiet_seconds || config.quiet_seconds < 1) {
      throw std::invalid_argument("--seconds must exceed --quiet-seconds, which must be at least 1");
    }
    if (config.workers < 1 || config.lock_workers < 0 || config.lock_workers >= config.workers || config.rows < 1 ||
        (config.lock_workers > 0 && config.locks < 1)) {
      throw std::invalid_argument("need at least one pool worker, one row, and a lock for lock workers");
    }
    if (config.lease_min_ms < 100 || config.lease_max_ms < config.lease_min_ms || config.skew_ms < 0 ||
        config.max_poll_ms < 1 || config.write_ms < 2 || config.hold_max_ms < config.hold_min_ms) {
      throw std::invalid_argument("bad timing options (lease >= 100 ms, min <= max)");
    }
  } catch (const std::exception& e) {
    std::cerr << "chaos_run: " << e.what() << "\n" << kUsage;
    return 2;
  }
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGHUP, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return run_chaos(config, paths);
}

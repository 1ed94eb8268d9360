#include "orchestrator.hpp"

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <thread>

#include "chaos_clock.hpp"
#include "checker.hpp"
#include "ddb_process.hpp"
#include "event_log.hpp"
#include "fault_plan.hpp"
#include "fence.hpp"
#include "process.hpp"
#include "proxy.hpp"
#include "run_data.hpp"
#include "tables.hpp"

namespace lease::chaos {

namespace {

using std::chrono::milliseconds;
using nlohmann::json;

std::atomic<bool> interrupted{false};

/// Thrown out of any wait once an interrupt was requested.
struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

// An estimate for scheduling only: how long a restart of DynamoDB Local takes.
constexpr milliseconds kRestartEstimate{12'000};
// How long workers get to release and exit at the end before they are killed.
constexpr milliseconds kStopGrace{20'000};

/// One run: owns DynamoDB Local, the proxy and the worker processes, and stops them all when it is
/// destroyed, however run() ended. Not thread-safe (its children die with the thread that made them).
class Orchestrator {
 public:
  Orchestrator(RunConfig config, RunPaths paths)
      : config_(std::move(config)),
        paths_(std::move(paths)),
        ddb_(paths_.source_dir + "/scripts/dynamodb-local", paths_.dir + "/ddb", paths_.db_dir) {}

  int run() {
    prepare_dir();
    say("seed " + std::to_string(config_.seed) + ", " + std::to_string(config_.workers) + " workers (" +
        std::to_string(config_.lock_workers) + " on named locks), " + std::to_string(config_.rows) + " pool rows, " +
        std::to_string(config_.locks) + " locks, " + std::to_string(config_.seconds) + " s; run folder " + paths_.dir);
    ddb_.start();
    say("DynamoDB Local at " + ddb_.endpoint() + " (database " + paths_.db_dir + ")");
    create_tables(direct_client(), config_);
    write_json_file(paths_.dir + "/rows-initial.json", rows_to_json(snapshot_rows(direct_client(), config_)));
    start_proxy();

    origin_ = boot_ns();
    log_->write({{"ev", "begin"}, {"bt", origin_}, {"seed", config_.seed}});
    for (std::size_t slot = 0; slot < static_cast<std::size_t>(config_.workers); ++slot) spawn_worker(slot);
    inject_faults(origin_ + ms_to_ns(milliseconds((config_.seconds - config_.quiet_seconds) * 1000)));

    const std::int64_t quiet = boot_ns();
    log_->write({{"ev", "quiet"}, {"bt", quiet}});
    say("faults stopped; quiet period");
    wait_until(std::max(origin_ + ms_to_ns(config_.seconds * 1000), quiet + ms_to_ns(config_.quiet_seconds * 1000)));
    log_->write({{"ev", "stop"}});
    stop_workers();
    save_final_state();
    stop_services();

    const Report report = check_run(load_run(paths_.dir));
    std::cout << "chaos: seed " << config_.seed << ": checked " << paths_.dir << "\n";
    report.print(std::cout);
    std::cout << (report.ok() ? "chaos: PASS" : "chaos: FAIL (replay the fault schedule with --seed " +
                                                    std::to_string(config_.seed) + ")")
              << std::endl;
    return report.ok() ? kRunClean : kRunViolations;
  }

 private:
  struct Slot {
    std::string id;
    std::string role;
    Child child;
  };

  void say(const std::string& line) const {
    char stamp[32] = "setup";
    if (origin_ != 0) std::snprintf(stamp, sizeof stamp, "t=%.1fs", static_cast<double>(boot_ns() - origin_) / 1e9);
    std::cout << "chaos: " << stamp << ": " << line << std::endl;
  }

  void prepare_dir() {
    // A DynamoDB Local left running in this folder by an interrupted run goes first.
    ddb_.stop();
    std::filesystem::remove_all(paths_.dir);
    std::filesystem::remove_all(paths_.db_dir);
    std::filesystem::create_directories(paths_.dir);
    write_json_file(paths_.dir + "/config.json", json(config_));
    log_ = std::make_unique<EventLog>(paths_.dir + "/run.log");
  }

  [[nodiscard]] lease::Client direct_client() const {
    lease::ClientOptions options;
    options.endpoint_url = ddb_.endpoint();
    options.region = "us-east-1";
    options.credentials = lease::StaticCredentials{"chaos", "chaos", ""};
    return lease::Client(options);
  }

  void start_proxy() {
    const std::string port_file = paths_.dir + "/proxy.port", control_file = paths_.dir + "/proxy.control";
    proxy_ = Child::spawn({paths_.bin_dir + "/chaos_proxy", "--upstream-port", std::to_string(ddb_.port()),
                           "--port-file", port_file, "--control-port-file", control_file, "--seed",
                           std::to_string(config_.seed)},
                          paths_.dir + "/proxy.out");
    for (int i = 0; i < 200 && !std::filesystem::exists(port_file); ++i) {
      if (!proxy_.running()) break;
      pause_ms(50);
    }
    std::ifstream port(port_file), control(control_file);
    if (!(port >> proxy_port_) || !(control >> proxy_control_)) {
      throw std::runtime_error("the fault proxy did not start; see " + paths_.dir + "/proxy.out");
    }
  }

  std::string proxy(const std::string& command) {
    std::string reply = proxy_command(proxy_control_, command);
    if (!reply.starts_with("ok")) throw std::runtime_error("proxy: '" + command + "': " + reply);
    return reply;
  }

  void spawn_worker(std::size_t slot) {
    if (slots_.size() <= slot) slots_.resize(slot + 1);
    Slot& s = slots_[slot];
    s.id = "w" + std::to_string(++spawned_);
    s.role = slot < static_cast<std::size_t>(config_.lock_workers) ? "lock" : "pool";
    const auto seed = config_.seed * 1'000'003 + static_cast<std::uint64_t>(spawned_);
    s.child = Child::spawn({paths_.bin_dir + "/chaos_worker", "--config", paths_.dir + "/config.json", "--id", s.id,
                            "--role", s.role, "--endpoint", "http://127.0.0.1:" + std::to_string(proxy_port_),
                            "--log", paths_.dir + "/" + s.id + ".log", "--seed", std::to_string(seed),
                            "--max-seconds", std::to_string(config_.seconds + 600)},
                           paths_.dir + "/" + s.id + ".out");
    log_->write({{"ev", "spawn"}, {"w", s.id}, {"slot", slot}, {"pid", s.child.pid()}, {"role", s.role}});
  }

  // A worker that exited without being told to is a finding; another takes its place.
  void watch_workers() {
    for (std::size_t slot = 0; slot < slots_.size(); ++slot) {
      Slot& s = slots_[slot];
      if (s.child.running()) continue;
      const std::string status = describe_status(s.child.status().value_or(0));
      log_->write({{"ev", "exit"}, {"w", s.id}, {"status", status}, {"unexpected", true}});
      say("worker " + s.id + " exited on its own (" + status + "); starting another");
      spawn_worker(slot);
    }
  }

  // The first slot from `preferred` on whose worker holds a lease now (by the tail of its log),
  // else `preferred`: kills and pauses are most telling when they hit a holder.
  [[nodiscard]] std::size_t holder_slot(std::size_t preferred) const {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      const std::size_t slot = (preferred + i) % slots_.size();
      std::ifstream log(paths_.dir + "/" + slots_[slot].id + ".log", std::ios::ate);
      const auto size = static_cast<std::streamoff>(log.tellg());
      log.seekg(std::max<std::streamoff>(0, size - 16 * 1024));
      std::string line, last;  // the last of acq/wb/rb: holding unless it is rb
      while (std::getline(log, line)) {
        for (const char* ev : {"\"ev\":\"acq\"", "\"ev\":\"wb\"", "\"ev\":\"rb\""}) {
          if (line.find(ev) != std::string::npos) last = ev;
        }
      }
      if (!last.empty() && last.find("rb") == std::string::npos) return slot;
    }
    return preferred;
  }

  static void pause_ms(std::int64_t ms) {
    if (interrupted) throw Interrupted();
    std::this_thread::sleep_for(milliseconds(ms));
  }

  // Waits until `until` (CLOCK_BOOTTIME ns), watching the workers.
  void wait_until(std::int64_t until) {
    while (boot_ns() < until) {
      watch_workers();
      pause_ms(std::min<std::int64_t>(50, (until - boot_ns()) / kNsPerMs + 1));
    }
  }

  void wait_for(milliseconds length) { wait_until(boot_ns() + ms_to_ns(length)); }

  void inject_faults(std::int64_t until) {
    // A fault that would run past `until` is skipped and the next one drawn, so a long fault near
    // the end leaves room for short ones.
    FaultPlan plan(config_.seed, config_);
    for (int draws = 0; draws < 100'000 && boot_ns() + ms_to_ns(milliseconds(1'000)) < until; ++draws) {
      const Fault fault = plan.next();
      const milliseconds length = fault.kind == FaultKind::ddb_restart ? kRestartEstimate : fault.length;
      if (boot_ns() + ms_to_ns(fault.gap + length) >= until) continue;
      wait_for(fault.gap);
      inject(fault);
    }
    wait_until(until);
  }

  void inject(const Fault& fault) {
    json event{{"ev", "fault"}, {"kind", std::string(to_string(fault.kind))}, {"bt", boot_ns()}};
    std::string what = std::string(to_string(fault.kind));
    switch (fault.kind) {
      case FaultKind::kill: {
        const std::size_t victim = holder_slot(fault.victim);
        Slot& s = slots_[victim];
        event["w"] = s.id;
        what += " " + s.id;
        s.child.kill();
        spawn_worker(victim);
        break;
      }
      case FaultKind::pause: {
        Slot& s = slots_[holder_slot(fault.victim)];
        event["w"] = s.id;
        what += " " + s.id + " for " + std::to_string(fault.length.count()) + " ms";
        s.child.signal(SIGSTOP);
        wait_for(fault.length);
        s.child.signal(SIGCONT);
        break;
      }
      case FaultKind::latency:
        event["ms"] = fault.latency_ms;
        event["jitter"] = fault.jitter_ms;
        what += " " + std::to_string(fault.latency_ms) + "+" + std::to_string(fault.jitter_ms) + " ms for " +
                std::to_string(fault.length.count()) + " ms";
        proxy("latency " + std::to_string(fault.latency_ms) + " " + std::to_string(fault.jitter_ms));
        wait_for(fault.length);
        proxy("heal");
        break;
      case FaultKind::flaky:
        event["p"] = fault.probability;
        what += " p=" + std::to_string(fault.probability) + " for " + std::to_string(fault.length.count()) + " ms";
        proxy("flaky " + std::to_string(fault.probability));
        wait_for(fault.length);
        proxy("heal");
        break;
      case FaultKind::drop:
      case FaultKind::reset:
        proxy(what);
        break;
      case FaultKind::blackhole:
        what += " for " + std::to_string(fault.length.count()) + " ms";
        proxy("blackhole on");
        wait_for(fault.length);
        proxy("blackhole off");
        break;
      case FaultKind::ddb_pause:
        what += " for " + std::to_string(fault.length.count()) + " ms";
        ddb_.pause();
        wait_for(fault.length);
        ddb_.resume();
        break;
      case FaultKind::ddb_restart:
        // The fault's window is the time nothing could be served: from the moment the old server
        // is gone to the moment the proxy points at the new one.
        event["before"] = durable_summary(direct_client(), config_);
        ddb_.stop();
        event["bt"] = boot_ns();
        ddb_.start();
        proxy("upstream " + std::to_string(ddb_.port()));
        event["end"] = boot_ns();
        event["after"] = durable_summary(direct_client(), config_);
        what += " (now at " + ddb_.endpoint() + ")";
        break;
    }
    if (!event.contains("end")) event["end"] = boot_ns();
    log_->write(std::move(event));
    say("fault " + what);
  }

  void stop_workers() {
    for (auto& s : slots_) s.child.signal(SIGTERM);
    const std::int64_t until = boot_ns() + ms_to_ns(kStopGrace);
    for (auto& s : slots_) {
      const std::int64_t left = std::max<std::int64_t>(0, (until - boot_ns()) / kNsPerMs);
      if (auto status = s.child.wait_for(milliseconds(left))) {
        if (!exited_cleanly(*status)) {
          log_->write({{"ev", "exit"}, {"w", s.id}, {"status", describe_status(*status)}, {"unexpected", true}});
        }
      } else {
        s.child.kill();
        log_->write({{"ev", "killed_at_end"}, {"w", s.id}});
        say("worker " + s.id + " did not stop within " + std::to_string(kStopGrace.count()) + " ms: killed");
      }
    }
  }

  void save_final_state() {
    const auto client = direct_client();
    write_json_file(paths_.dir + "/rows-final.json", rows_to_json(snapshot_rows(client, config_)));
    write_json_file(paths_.dir + "/fence.json", json(Fence(client, config_.fence_table).read_all()));
  }

  void stop_services() {
    proxy_.stop(milliseconds(2'000));
    ddb_.stop();
  }

  RunConfig config_;
  RunPaths paths_;
  std::unique_ptr<EventLog> log_;
  // Declared before the workers: members are destroyed in reverse order, so on any exit the
  // workers go first, then the proxy, then DynamoDB Local.
  DdbLocal ddb_;
  Child proxy_;
  int proxy_port_ = 0;
  int proxy_control_ = 0;
  std::vector<Slot> slots_;
  int spawned_ = 0;
  std::int64_t origin_ = 0;
};

}  // namespace

void request_interrupt() noexcept { interrupted = true; }

int run_chaos(const RunConfig& config, const RunPaths& given) {
  RunPaths paths = given;
  if (paths.db_dir.empty()) paths.db_dir = paths.dir + "/db";
  try {
    Orchestrator orchestrator(config, paths);
    return orchestrator.run();
  } catch (const Interrupted&) {
    std::cout << "chaos: interrupted; every process it started was stopped" << std::endl;
    return kRunInterrupted;
  } catch (const std::exception& e) {
    std::cout << "chaos: run failed (no verdict): " << e.what() << std::endl;
    return kRunFailed;
  }
}

}  // namespace lease::chaos

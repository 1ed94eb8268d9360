// `lease run (--pool | --key KEY) -- CMD [ARGS...]`: hold a lease while a command runs.
//
// The lease heartbeats while the command runs. SIGINT/SIGTERM/SIGHUP are forwarded to the command's
// process group. When the command ends, the lease is released and its status becomes ours. If the
// lease is lost, the command gets SIGTERM, then SIGKILL after --grace, and we exit 3.
#include <algorithm>
#include <csignal>
#include <memory>
#include <stop_token>

#include "child_process.hpp"
#include "commands.hpp"
#include "duration.hpp"
#include "error_report.hpp"
#include "exit_codes.hpp"
#include "take_lease.hpp"
#include "wake_pipe.hpp"

namespace lease::cli {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

struct RunOptions {
  bool pool = false;
  std::string key;
  std::string lessee;
  std::string duration;
  std::string wait = "0s";
  std::string grace = "5s";
  std::vector<std::string> command;
};

bool is_forwarded(int signal) { return signal == SIGINT || signal == SIGTERM || signal == SIGHUP; }

// Supervises the running command until it ends; returns our exit code.
int supervise(WakePipe& wake, pid_t child, const Lease& lease, milliseconds grace) {
  bool lost = false;
  std::optional<steady_clock::time_point> kill_at;  // when SIGKILL is due, once the lease is lost
  for (;;) {
    auto timeout = milliseconds(1'000);  // a bounded wait: re-check the child regularly
    if (kill_at) {
      timeout = std::clamp(std::chrono::duration_cast<milliseconds>(*kill_at - steady_clock::now()),
                           milliseconds::zero(), timeout);
    }
    const auto byte = wake.wait(timeout);
    if (auto status = reap_child(child)) return lost ? kLeaseLost : *status;
    if (kill_at && steady_clock::now() >= *kill_at) {
      signal_child(child, SIGKILL);
      kill_at.reset();
    }
    if (!byte) continue;
    if (*byte == WakePipe::kLeaseLost && !lost) {
      lost = true;
      const auto reason = lease.loss_reason();
      print_message("error", "lease lost: '" + lease.key() + "' (" +
                                 std::string(reason ? to_string(*reason) : "unknown") +
                                 "); stopping the command (SIGTERM, then SIGKILL after " + format_duration(grace) +
                                 ")");
      signal_child(child, SIGTERM);
      kill_at = steady_clock::now() + grace;
    } else if (is_forwarded(*byte)) {
      signal_child(child, *byte);
    }
  }
}

int run(CommandContext& context, const RunOptions& options) {
  if (options.pool == !options.key.empty()) throw UsageError("run: give exactly one of --pool and --key KEY");
  TakeRequest request;
  request.table = context.table();
  if (!options.pool) request.key = options.key;
  request.lease.lessee = options.lessee.empty() ? default_lessee() : options.lessee;
  request.lease.duration = parse_positive_duration(options.duration, "--duration");
  request.lease.heartbeat = true;
  request.lease.on_lost = [](const std::string&, LossReason) { WakePipe::notify(WakePipe::kLeaseLost); };
  request.wait = parse_duration(options.wait, "--wait");
  const auto grace = parse_duration(options.grace, "--grace");

  // Declared first, destroyed last: lost callbacks may run until the lease and its store are gone.
  WakePipe wake;
  wake.catch_signals({SIGINT, SIGTERM, SIGHUP, SIGCHLD});
  std::stop_source stop;
  int interrupted = 0;
  auto check_interrupt = [&] {  // an interrupt before the command starts ends the wait, without running it
    bool lost = false;
    while (auto byte = wake.wait(milliseconds(0))) {
      if (is_forwarded(*byte)) interrupted = *byte;
      lost = lost || *byte == WakePipe::kLeaseLost;
    }
    if (lost) WakePipe::notify(WakePipe::kLeaseLost);  // for the supervisor
    if (interrupted != 0) stop.request_stop();
  };
  request.progress = [&](milliseconds) { check_interrupt(); };
  auto client = context.client();
  auto taken = take_lease(client, request, context.logger(), stop.get_token());
  check_interrupt();
  if (interrupted != 0) {  // a lease taken meanwhile is released as `taken` goes
    throw CommandFailure(128 + interrupted, "interrupted before the command started; it was not run");
  }
  if (!taken.lease) throw CommandFailure(kNotObtained, not_obtained_message(request) + "; the command was not run");
  Lease& lease = *taken.lease;

  const pid_t child = start_child(options.command, {{"LEASE_TABLE", request.table},
                                                    {"LEASE_KEY", lease.key()},
                                                    {"LEASE_TOKEN", std::to_string(lease.token())},
                                                    {"LEASE_LESSEE", lease.lessee()}});
  const int status = supervise(wake, child, lease, grace);
  if (status == kLeaseLost) return kLeaseLost;
  if (lease.state() == LeaseState::lost) {
    print_message("error", "lease lost: '" + lease.key() + "' was lost while the command ran");
    return kLeaseLost;
  }
  try {
    lease.release();
  } catch (const Error& e) {  // the command's status matters more; the lease simply expires
    print_message("warning", std::string("could not release '") + lease.key() + "' (it will expire): " + e.what());
  }
  return status;
}

}  // namespace

void add_run_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<RunOptions>();
  auto* command = add_command(app, "run", "Hold a lease while a command runs: lease run --pool -- CMD [ARGS...]",
                              context, [&context, options] { return run(context, *options); });
  command->footer(
      "Takes any free pool row (--pool) or the named lock KEY (--key), then runs CMD with LEASE_TABLE, LEASE_KEY,\n"
      "LEASE_TOKEN and LEASE_LESSEE in its environment while heartbeats renew the lease. SIGINT, SIGTERM and\n"
      "SIGHUP are forwarded to CMD. When CMD ends the lease is released and run exits with CMD's status\n"
      "(128+signal when killed by one). Not obtained: exit 1, CMD is not run. Lease lost: CMD's process group\n"
      "gets SIGTERM, then SIGKILL after --grace, and run exits 3. CMD runs in its own process group (signals\n"
      "reach its children too) and is killed if run itself dies; 127 when CMD is not found.");
  auto* pool = command->add_flag("--pool", options->pool, "take any free pool row");
  auto* key = command->add_option("--key", options->key, "take the named lock KEY");
  pool->excludes(key);
  add_lessee_option(*command, options->lessee, false);
  command->add_option("--duration", options->duration, "lease duration, renewed by heartbeats every third of it")
      ->required();
  command->add_option("--wait", options->wait, "keep trying this long when none is free (default: try once)");
  command->add_option("--grace", options->grace, "after a lost lease, time between SIGTERM and SIGKILL")
      ->capture_default_str();
  command->add_option("CMD", options->command, "the command and its arguments, after --")->required();
}

}  // namespace lease::cli

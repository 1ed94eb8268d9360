// lease_bench_failover: how long work stays stuck when its holder dies. Each trial starts a holder
// process (lease_bench_failover_holder) that obtains the pool's only row with heartbeats, starts a
// worker waiting for a row (Pool::wait_until_obtained, fixed poll period), SIGKILLs the holder at a
// random moment and measures kill -> the worker holds the row. Prints a Markdown table, writes
// failover.csv (summary) and failover_samples.csv (one line per trial); asserts nothing.
//
//   LEASE_BENCH_ENDPOINT=http://127.0.0.1:8000 lease_bench_failover [--out DIR] [--trials 50]
//       [--duration-ms 1000] [--skew-ms 200] [--poll-ms 200] [--holder PATH] [--seed N]
//
// Goal (issue 6): p99 <= 1.1 x duration + skew allowance + one poll period.

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "dynamodb/client.hpp"
#include "lease/pool.hpp"

extern char** environ;

namespace {

using lease::bench::fixed;
using lease::bench::percentile;
using lease::bench::ResultTable;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Settings {
  std::string endpoint;
  std::string out_dir = "bench-results";
  std::string holder;  // path of lease_bench_failover_holder
  int trials = 50;
  milliseconds duration{1'000};
  milliseconds skew{200};
  milliseconds poll{200};
  std::uint64_t seed = 6;
};

/// One trial's figures, in milliseconds.
struct Trial {
  double failover = 0;  // SIGKILL -> the waiting worker holds the row
  double lapse = 0;     // SIGKILL -> the row is free by the worker's rule (last LeaseUntil + skew)
};

/// A holder process with its stdout on a pipe. Killed (SIGKILL) and reaped on destruction.
class HolderProcess {
 public:
  HolderProcess(const Settings& s, const std::string& table, const std::string& lessee) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    const std::string duration = std::to_string(s.duration.count());
    std::vector<char*> argv{const_cast<char*>(s.holder.c_str()), const_cast<char*>(s.endpoint.c_str()),
                            const_cast<char*>(table.c_str()), const_cast<char*>(duration.c_str()),
                            const_cast<char*>(lessee.c_str()), nullptr};
    const int rc = ::posix_spawn(&pid_, s.holder.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_ = fds[0];
    if (rc != 0) {
      ::close(out_);
      throw std::runtime_error("could not start " + s.holder);
    }
  }
  ~HolderProcess() {
    kill();
    ::close(out_);
  }
  HolderProcess(const HolderProcess&) = delete;
  HolderProcess& operator=(const HolderProcess&) = delete;

  /// Waits up to `timeout` for the holder's "held ..." line; false when it exited or timed out.
  bool wait_until_held(milliseconds timeout) {
    const auto until = SteadyClock::now() + timeout;
    std::string line;
    while (SteadyClock::now() < until) {
      pollfd p{out_, POLLIN, 0};
      const auto left = std::chrono::duration_cast<milliseconds>(until - SteadyClock::now());
      if (::poll(&p, 1, static_cast<int>(std::max<long long>(left.count(), 1))) <= 0) continue;
      char c = 0;
      if (::read(out_, &c, 1) != 1) return false;
      if (c == '\n') return line.rfind("held ", 0) == 0;
      line += c;
    }
    return false;
  }
  /// SIGKILL and reap (once).
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
};

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The row's LeaseUntil (ns since the epoch) as stored now.
std::int64_t stored_lease_until(const lease::Client& client, const std::string& table) {
  lease::dynamodb::GetItemRequest get;
  get.table_name = table;
  get.key = {{"id", lease::AttributeValue::string(lease::bench::row_key(0))}};
  get.consistent_read = true;
  const auto result = client.impl()->get_item(get);
  if (!result.item) return 0;
  return result.item->at(lease::AttributeNames{}.lease_until).as_int64();
}

Trial run_trial(const Settings& s, const lease::Client& client, lease::Pool& pool, const std::string& table, int n,
                std::mt19937_64& rng) {
  HolderProcess holder(s, table, "holder-" + std::to_string(n));
  if (!holder.wait_until_held(std::chrono::seconds(30))) throw std::runtime_error("the holder did not obtain the row");

  lease::LeaseRequest request{.lessee = "waiter", .duration = std::chrono::seconds(10), .heartbeat = false};
  const lease::WaitOptions wait{.max_wait = std::chrono::seconds(30), .min_poll = s.poll, .max_poll = s.poll};
  auto waiter = std::async(std::launch::async, [&] {
    auto held = pool.wait_until_obtained(request, wait);
    return std::make_pair(SteadyClock::now(), std::move(held));
  });
  // A random moment in the holder's life: anywhere within its heartbeat cycle.
  std::uniform_int_distribution<std::int64_t> moment(0, s.duration.count());
  std::this_thread::sleep_for(milliseconds(moment(rng)));
  const auto killed_at = SteadyClock::now();
  const std::int64_t killed_wall = wall_ns();
  holder.kill();
  const std::int64_t last_until = stored_lease_until(client, table);  // the dead holder's final renewal
  auto [held_at, held] = waiter.get();
  if (!held) throw std::runtime_error("the waiting worker did not obtain the row within 30 s");
  held->release();
  Trial t;
  t.failover = std::chrono::duration<double, std::milli>(held_at - killed_at).count();
  t.lapse = static_cast<double>(last_until + std::chrono::nanoseconds(s.skew).count() - killed_wall) / 1e6;
  return t;
}

Settings parse(int argc, char** argv) {
  Settings s;
  s.holder = (std::filesystem::path(argv[0]).parent_path() / "lease_bench_failover_holder").string();
  s.endpoint = lease::bench::parse_flags(argc, argv, [&](const std::string& flag, const std::string& value) {
    if (flag == "--out") s.out_dir = value;
    else if (flag == "--trials") s.trials = std::stoi(value);
    else if (flag == "--duration-ms") s.duration = milliseconds(std::stoll(value));
    else if (flag == "--skew-ms") s.skew = milliseconds(std::stoll(value));
    else if (flag == "--poll-ms") s.poll = milliseconds(std::stoll(value));
    else if (flag == "--holder") s.holder = value;
    else if (flag == "--seed") s.seed = std::stoull(value);
    else return false;
    return true;
  });
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  return lease::bench::guarded_main("lease_bench_failover", [&] {
    const Settings s = parse(argc, argv);
    const lease::Client client = lease::bench::local_client(s.endpoint);
    const std::string table = lease::bench::create_free_pool(client, "bench-failover", 1);
    lease::Pool pool(client, table, {.max_clock_skew = s.skew});

    std::mt19937_64 rng(s.seed);
    std::vector<double> failover, lapse;
    ResultTable samples({"trial", "failover ms", "lapse ms", "failover / duration"});
    const double d = static_cast<double>(s.duration.count());
    for (int n = 1; n <= s.trials; ++n) {
      const Trial t = run_trial(s, client, pool, table, n, rng);
      failover.push_back(t.failover);
      lapse.push_back(t.lapse);
      samples.add({std::to_string(n), fixed(t.failover, 1), fixed(t.lapse, 1), fixed(t.failover / d, 3)});
      if (n % 10 == 0) std::cerr << "  failover: " << n << "/" << s.trials << " trials\n";
    }
    client.impl()->delete_table(table);

    const double goal = 1.1 * d + static_cast<double>(s.skew.count() + s.poll.count());
    const double p99 = percentile(failover, 99);
    ResultTable summary({"trials", "duration ms", "skew ms", "poll ms", "p50 ms", "p90 ms", "p99 ms", "max ms",
                         "p50 x duration", "p99 x duration", "lapse p50 ms", "goal p99 <= ms", "goal met"});
    summary.add({std::to_string(s.trials), std::to_string(s.duration.count()), std::to_string(s.skew.count()),
                 std::to_string(s.poll.count()), fixed(percentile(failover, 50), 0), fixed(percentile(failover, 90), 0),
                 fixed(p99, 0), fixed(percentile(failover, 100), 0), fixed(percentile(failover, 50) / d, 2),
                 fixed(p99 / d, 2), fixed(percentile(lapse, 50), 0), fixed(goal, 0), p99 <= goal ? "yes" : "NO"});
    std::cout << "\n## Failover: holder SIGKILLed at a random moment -> a waiting worker holds the row\n\n";
    summary.print_markdown(std::cout);
    std::cout << "\nlapse = last LeaseUntil the dead holder wrote + skew allowance - kill time (when the row became"
                 " free);\nthe rest of the failover is the waiter's poll and its Query + UpdateItem.\n";
    std::filesystem::create_directories(s.out_dir);
    const bool saved =
        summary.save_csv(s.out_dir + "/failover.csv") && samples.save_csv(s.out_dir + "/failover_samples.csv");
    return saved ? 0 : 1;
  });
}

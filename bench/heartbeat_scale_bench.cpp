// lease_bench_heartbeat_scale: one process holds many leases (10 000 by default, 30 s duration, the
// default heartbeat period) for a while (3 minutes by default) and reports whether its renewer keeps
// up: leases lost, worst and p99 heartbeat lateness (from the renewer's own counters), requests per
// second, client CPU (getrusage), resident memory (/proc/self/status) and threads (/proc/self/task).
// Prints a Markdown table and writes heartbeat_scale.csv; asserts nothing.
//
//   LEASE_BENCH_ENDPOINT=http://127.0.0.1:8000 lease_bench_heartbeat_scale [--out DIR] [--leases 10000]
//       [--seconds 180] [--duration-s 30] [--renewer-threads N] [--obtain-threads 4]

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "dynamodb/client.hpp"
#include "lease/pool.hpp"
#include "lease/renewer.hpp"

namespace {

using lease::bench::fixed;
using lease::bench::ResultTable;
using SteadyClock = std::chrono::steady_clock;

struct Settings {
  std::string endpoint;
  std::string out_dir = "bench-results";
  std::size_t leases = 10'000;
  double seconds = 180;
  std::chrono::seconds duration{30};
  std::size_t renewer_threads = 0;  // 0: the library's default
  int obtain_threads = 4;
};

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

/// Process CPU time (user + system) in seconds.
double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

/// A "VmRSS"/"VmHWM" line of /proc/self/status, in MiB.
double status_mib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;  // kB
  }
  return 0;
}

std::size_t thread_count() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

/// Obtains `s.leases` leases with heartbeats from `s.obtain_threads` threads (each its own lessee).
std::vector<lease::Lease> obtain_all(const Settings& s, lease::Pool& pool, std::atomic<std::size_t>& lost) {
  std::mutex mutex;
  std::vector<lease::Lease> held;
  held.reserve(s.leases);
  std::atomic<std::int64_t> remaining{static_cast<std::int64_t>(s.leases)};  // signed: may go below 0
  const auto start = SteadyClock::now();
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < s.obtain_threads; ++t) {
      threads.emplace_back([&, t] {
        lease::LeaseRequest request{.lessee = "scale-" + std::to_string(t), .duration = s.duration};
        request.on_lost = [&lost](const std::string&, lease::LossReason) { ++lost; };
        while (remaining.fetch_sub(1) > 0) {
          std::optional<lease::Lease> lease;
          while (!lease && seconds_since(start) < 600) lease = pool.obtain(request);
          if (!lease) return;
          std::lock_guard lock(mutex);
          held.push_back(std::move(*lease));
        }
      });
    }
  }
  return held;
}

Settings parse(int argc, char** argv) {
  Settings s;
  s.endpoint = lease::bench::parse_flags(argc, argv, [&](const std::string& flag, const std::string& value) {
    if (flag == "--out") s.out_dir = value;
    else if (flag == "--leases") s.leases = std::stoul(value);
    else if (flag == "--seconds") s.seconds = std::stod(value);
    else if (flag == "--duration-s") s.duration = std::chrono::seconds(std::stoll(value));
    else if (flag == "--renewer-threads") s.renewer_threads = std::stoul(value);
    else if (flag == "--obtain-threads") s.obtain_threads = std::stoi(value);
    else return false;
    return true;
  });
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  return lease::bench::guarded_main("lease_bench_heartbeat_scale", [&] {
    const Settings s = parse(argc, argv);
    const lease::Client client = lease::bench::local_client(s.endpoint, /*report_capacity=*/false);
    const std::string table = lease::bench::create_free_pool(client, "bench-heartbeat", s.leases);
    lease::PoolOptions options;
    if (s.renewer_threads > 0) options.renewer.threads = s.renewer_threads;
    const std::size_t renewer_threads = options.renewer.threads;
    lease::Pool pool(client, table, options);

    std::atomic<std::size_t> lost{0};
    const auto obtain_start = SteadyClock::now();
    std::vector<lease::Lease> held = obtain_all(s, pool, lost);
    const double obtain_s = seconds_since(obtain_start);
    std::cerr << "  heartbeat scale: holding " << held.size() << " leases (obtained in " << fixed(obtain_s, 0)
              << " s); measuring for " << fixed(s.seconds, 0) << " s\n";

    const auto renewer_before = lease::detail::renewer_stats();
    const auto requests_before = client.impl()->stats().requests;
    const double cpu_before = cpu_seconds();
    const auto start = SteadyClock::now();
    std::size_t max_threads = thread_count();
    double min_remaining_s = 1e9;
    while (seconds_since(start) < s.seconds) {
      std::this_thread::sleep_for(std::chrono::seconds(5));
      max_threads = std::max(max_threads, thread_count());
      for (const auto& lease : held) {
        min_remaining_s = std::min(min_remaining_s, std::chrono::duration<double>(lease.remaining()).count());
      }
    }
    const double window = seconds_since(start);
    const double cpu = cpu_seconds() - cpu_before;
    const auto requests = client.impl()->stats().requests - requests_before;
    auto renewer = lease::detail::renewer_stats();
    lease::detail::RenewerStats window_stats = renewer;  // counts within the window; max stays whole-run
    window_stats.renewals -= renewer_before.renewals;
    for (std::size_t i = 0; i < window_stats.lateness_histogram.size(); ++i) {
      window_stats.lateness_histogram[i] -= renewer_before.lateness_histogram[i];
    }
    std::size_t invalid = 0;
    for (const auto& lease : held) invalid += lease.valid() ? 0 : 1;

    const double period_ms = std::chrono::duration<double, std::milli>(s.duration).count() / 3;
    auto ms = [](std::chrono::nanoseconds d) { return std::chrono::duration<double, std::milli>(d).count(); };
    const std::uint64_t renewals = renewer.renewals - renewer_before.renewals;
    const double worst_ms = ms(renewer.max_lateness);
    ResultTable result({"leases held", "seconds", "renewer threads at start", "leases lost", "heartbeats",
                        "heartbeat failures", "lateness mean ms", "lateness p99 ms (<=)", "worst lateness ms (whole run)",
                        "worst / period", "slowest renewal ms", "min remaining validity s", "requests/s",
                        "client CPU % of a core", "CPU us/request", "RSS MiB", "peak RSS MiB", "threads",
                        "goal met"});
    const bool goal = lost.load() == 0 && invalid == 0 && worst_ms < 0.1 * period_ms;
    result.add({std::to_string(held.size()), fixed(window, 0), std::to_string(renewer_threads),
                std::to_string(std::max<std::size_t>(lost.load(), invalid)), std::to_string(renewals),
                std::to_string(renewer.failures - renewer_before.failures),
                fixed(renewals ? ms(renewer.total_lateness - renewer_before.total_lateness) /
                                     static_cast<double>(renewals)
                               : 0,
                      1),
                fixed(ms(window_stats.lateness_percentile(99)), 0), fixed(worst_ms, 0), fixed(worst_ms / period_ms, 3),
                fixed(ms(renewer.max_request), 0), fixed(min_remaining_s, 1),
                fixed(static_cast<double>(requests) / window, 0), fixed(100 * cpu / window, 1),
                fixed(requests ? cpu * 1e6 / static_cast<double>(requests) : 0, 0), fixed(status_mib("VmRSS"), 0),
                fixed(status_mib("VmHWM"), 0), std::to_string(max_threads), goal ? "yes" : "NO"});
    std::cout << "\n## Heartbeat scale: one process holds " << held.size() << " leases ("
              << s.duration.count() << " s duration, default period " << fixed(period_ms / 1000, 0) << " s)\n\n";
    result.print_markdown(std::cout);
    std::cout << "\nLateness: heartbeat start - its scheduled time (renewer counters; mean and p99 over the window,\n"
                 "worst over the whole run including the obtain phase); goal: no lease lost, worst lateness < 10% of the period, a fixed number of threads.\n";

    for (auto& lease : held) lease.keep();  // the table is dropped next: no need for 10 000 releases
    held.clear();
    client.impl()->delete_table(table);
    std::filesystem::create_directories(s.out_dir);
    return result.save_csv(s.out_dir + "/heartbeat_scale.csv") ? 0 : 1;
  });
}

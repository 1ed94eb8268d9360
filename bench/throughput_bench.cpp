// lease_bench_throughput: obtain + release cycles per second under contention, beside the server's
// raw limit measured in the same run. For 1, 4 and 16 workers over 16 and 1 000 free rows:
// - lease: each worker (its own Pool and lessee) loops Pool::obtain + Lease::release;
// - raw: the same number of workers send (half the time before the lease run, half after), through the bare transport (no marshalling, no signing
//   per call), pre-signed conditional UpdateItem calls shaped like a take and a release of the same
//   rows; raw cycles/s = raw calls/s / the lease's requests per cycle.
// Prints a Markdown table, writes throughput.csv; asserts nothing.
//
//   LEASE_BENCH_ENDPOINT=http://127.0.0.1:8000 lease_bench_throughput [--out DIR] [--seconds 5]
//       [--workers 1,4,16] [--rows 16,1000]
//
// Goal (issue 6): lease cycles/s >= 0.9 x the raw limit.

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/curl_transport.hpp"
#include "aws/endpoint.hpp"
#include "aws/sigv4.hpp"
#include "bench_support.hpp"
#include "dynamodb/client.hpp"
#include "lease/pool.hpp"

namespace {

using lease::bench::fixed;
using lease::bench::ResultTable;
using SteadyClock = std::chrono::steady_clock;

struct Settings {
  std::string endpoint;
  std::string out_dir = "bench-results";
  double seconds = 5;
  std::vector<int> workers{1, 4, 16};
  std::vector<std::size_t> rows{16, 1'000};
};

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

/// Runs `body(worker)` on `workers` threads until `seconds` pass; returns the elapsed seconds.
template <class Body>
double run_for(int workers, double seconds, Body body) {
  const auto start = SteadyClock::now();
  std::atomic<bool> stop{false};
  {
    std::vector<std::jthread> threads;
    for (int w = 0; w < workers; ++w) threads.emplace_back([&, w] { body(w, stop); });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
  }
  return seconds_since(start);
}

/// What the lease layer achieved.
struct LeaseRun {
  double cycles_per_s = 0;
  double requests_per_cycle = 0;
  double empty_share = 0;  // obtains that found no free row
};

LeaseRun run_lease(const lease::Client& client, const std::string& table, int workers, double seconds) {
  std::vector<std::unique_ptr<lease::Pool>> pools;
  for (int w = 0; w < workers; ++w) {
    pools.push_back(std::make_unique<lease::Pool>(client, table));
    (void)pools.back()->uses_index();  // describe before measuring
  }
  std::atomic<std::uint64_t> cycles{0};
  std::atomic<std::uint64_t> empty{0};
  const auto before = client.impl()->stats().requests;
  const double elapsed = run_for(workers, seconds, [&](int w, const std::atomic<bool>& stop) {
    const lease::LeaseRequest request{
        .lessee = "worker-" + std::to_string(w), .duration = std::chrono::seconds(60), .heartbeat = false};
    auto& pool = *pools[static_cast<std::size_t>(w)];
    while (!stop) {
      if (auto held = pool.obtain(request)) {
        held->release();
        ++cycles;
      } else {
        ++empty;
      }
    }
  });
  const double requests = static_cast<double>(client.impl()->stats().requests - before);
  const double n = static_cast<double>(cycles.load());
  return {n / elapsed, n > 0 ? requests / n : 0,
          n + static_cast<double>(empty.load()) > 0 ? static_cast<double>(empty.load()) / (n + static_cast<double>(empty.load())) : 0};
}

/// A signed UpdateItem request (DynamoDB Local does not check signatures, so it can be resent).
lease::aws::HttpRequest signed_update(const lease::aws::Endpoint& endpoint, const nlohmann::json& body) {
  lease::aws::HttpRequest request;
  request.headers = {{"Host", endpoint.host},
                     {"Content-Type", "application/x-amz-json-1.0"},
                     {"X-Amz-Target", "DynamoDB_20120810.UpdateItem"}};
  request.body = body.dump();
  (void)lease::aws::sign(request, {"AKIDBENCH", "bench-secret", ""},
                         {.region = "us-east-1", .service = "dynamodb", .time = std::chrono::system_clock::now()});
  return request;
}

/// A take of row `key` (conditional on the row being free) and its release (conditional on holding it),
/// with the attribute writes of the lease layer's own take and release.
std::pair<lease::aws::HttpRequest, lease::aws::HttpRequest> take_and_release(const lease::aws::Endpoint& endpoint,
                                                                             const std::string& table,
                                                                             const std::string& key,
                                                                             const std::string& lessee) {
  const nlohmann::json names = {{"#p", "ProcessID"}, {"#u", "LeaseUntil"}, {"#t", "LeaseToken"}};
  const nlohmann::json row = {{"id", {{"S", key}}}};
  const nlohmann::json take = {
      {"TableName", table},
      {"Key", row},
      {"UpdateExpression", "SET #p = :me, #u = :until, #t = #t + :one"},
      {"ConditionExpression", "attribute_exists(id) AND (attribute_not_exists(#p) OR #u < :now)"},
      {"ExpressionAttributeNames", names},
      {"ExpressionAttributeValues",
       {{":me", {{"S", lessee}}}, {":until", {{"N", "9000000000000000000"}}}, {":one", {{"N", "1"}}},
        {":now", {{"N", "8000000000000000000"}}}}},
      {"ReturnValues", "ALL_NEW"}};
  const nlohmann::json release = {{"TableName", table},
                                  {"Key", row},
                                  {"UpdateExpression", "SET #u = :zero REMOVE #p"},
                                  {"ConditionExpression", "#p = :me"},
                                  {"ExpressionAttributeNames", {{"#p", "ProcessID"}, {"#u", "LeaseUntil"}}},
                                  {"ExpressionAttributeValues", {{":me", {{"S", lessee}}}, {":zero", {{"N", "0"}}}}}};
  return {signed_update(endpoint, take), signed_update(endpoint, release)};
}

/// Raw UpdateItem calls per second at `workers` concurrency: worker w alternates a take and a
/// release of its own rows (w, w + workers, ...), so the rows end free.
double run_raw(const Settings& s, const std::string& table, std::size_t rows, int workers, double seconds) {
  const auto endpoint = lease::aws::parse_endpoint(s.endpoint);
  lease::aws::CurlTransport transport(lease::aws::TransportOptions{});
  std::atomic<std::uint64_t> calls{0};
  const double elapsed = run_for(workers, seconds, [&](int w, const std::atomic<bool>& stop) {
    const std::string lessee = "raw-" + std::to_string(w);
    std::vector<std::pair<lease::aws::HttpRequest, lease::aws::HttpRequest>> mine;
    for (std::size_t i = static_cast<std::size_t>(w) % rows; i < rows && mine.size() < 8; i += static_cast<std::size_t>(workers)) {
      mine.push_back(take_and_release(endpoint, table, lease::bench::row_key(i), lessee));
    }
    for (std::size_t n = 0; !stop; ++n) {
      const auto& [take, release] = mine[n % mine.size()];
      (void)transport.send(endpoint.url, take);  // a failed condition (shared row) still is a full round trip
      (void)transport.send(endpoint.url, release);
      calls += 2;
    }
  });
  return static_cast<double>(calls.load()) / elapsed;
}

Settings parse(int argc, char** argv) {
  Settings s;
  s.endpoint = lease::bench::parse_flags(argc, argv, [&](const std::string& flag, const std::string& value) {
    if (flag == "--out") {
      s.out_dir = value;
    } else if (flag == "--seconds") {
      s.seconds = std::stod(value);
    } else if (flag == "--workers") {
      s.workers.clear();
      for (std::size_t n : lease::bench::parse_list(value)) s.workers.push_back(static_cast<int>(n));
    } else if (flag == "--rows") {
      s.rows = lease::bench::parse_list(value);
    } else {
      return false;
    }
    return true;
  });
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  return lease::bench::guarded_main("lease_bench_throughput", [&] {
    const Settings s = parse(argc, argv);
    const lease::Client client = lease::bench::local_client(s.endpoint, /*report_capacity=*/false);
    ResultTable result({"free rows", "workers", "lease cycles/s", "requests/cycle", "empty obtains",
                        "raw UpdateItem/s", "raw limit cycles/s", "lease / raw", "goal >= 0.9"});
    for (std::size_t rows : s.rows) {
      const std::string table = lease::bench::create_free_pool(client, "bench-throughput-" + std::to_string(rows), rows);
      (void)run_raw(s, table, rows, 4, 1);  // warm-up: DynamoDB Local's JIT, the table's first writes
      for (int workers : s.workers) {
        // Raw halves before and after the lease run, so drift in a shared machine's load hits both alike.
        const double raw_before = run_raw(s, table, rows, workers, s.seconds / 2);
        const LeaseRun lease_run = run_lease(client, table, workers, s.seconds);
        const double raw_calls = (raw_before + run_raw(s, table, rows, workers, s.seconds / 2)) / 2;
        const double raw_cycles = lease_run.requests_per_cycle > 0 ? raw_calls / lease_run.requests_per_cycle : 0;
        const double ratio = raw_cycles > 0 ? lease_run.cycles_per_s / raw_cycles : 0;
        result.add({std::to_string(rows), std::to_string(workers), fixed(lease_run.cycles_per_s, 0),
                    fixed(lease_run.requests_per_cycle, 2), fixed(100 * lease_run.empty_share, 1) + "%",
                    fixed(raw_calls, 0), fixed(raw_cycles, 0), fixed(ratio, 2), ratio >= 0.9 ? "yes" : "NO"});
        std::cerr << "  throughput: " << rows << " rows, " << workers << " workers: done\n";
      }
      client.impl()->delete_table(table);
    }
    std::cout << "\n## Throughput: obtain + release cycles per second beside the raw UpdateItem limit ("
              << fixed(s.seconds, 0) << " s each)\n\n";
    result.print_markdown(std::cout);
    std::cout << "\nraw: pre-signed conditional UpdateItem calls (take, release) through the bare transport at the\n"
                 "same concurrency; raw limit cycles/s = raw calls/s / the lease's requests per cycle.\n";
    std::filesystem::create_directories(s.out_dir);
    return result.save_csv(s.out_dir + "/throughput.csv") ? 0 : 1;
  });
}

// lease_bench_obtain: what one Pool::obtain costs, measured against DynamoDB Local. Prints Markdown
// tables and writes them as CSV; asserts nothing. Scenario measurements, so a plain main().
//
// 1. Cost per obtain at 1 000, 10 000 and 100 000 rows with 1% free: the indexed path, the fallback
//    scan (same rows, table without the index) and the original Go library's algorithm (first scan
//    page of keys, rows tried in order). Requests, consumed capacity, latency, share of misses.
// 2. Contention: 1, 4 and 16 workers (each its own Pool and lessee) doing obtain+release cycles over
//    16 and over 1 000 free rows: obtain latency and conditional failures per successful obtain.
//
//   LEASE_BENCH_ENDPOINT=http://127.0.0.1:8000 lease_bench_obtain [--out DIR] [--budget SECONDS]
//       [--sizes 1000,10000,100000] [--obtains 30] [--contention-seconds 5]
// scripts/bench starts DynamoDB Local, sets the endpoint, and runs this.

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "dynamodb/client.hpp"
#include "dynamodb/errors.hpp"
#include "lease/pool.hpp"

namespace {

using lease::AttributeValue;
using lease::bench::fixed;
using lease::bench::percentile;
using lease::bench::ResultTable;
using lease::dynamodb::Operation;
using SteadyClock = std::chrono::steady_clock;

struct Settings {
  std::string endpoint;
  std::string out_dir = "bench-results";
  double budget_s = 300;  // the whole run; the 100 000-row load stops early to stay within it
  std::vector<std::size_t> sizes{1'000, 10'000, 100'000};
  int obtains = 30;
  double contention_s = 5;
};

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// ---- one obtain, measured ------------------------------------------------------------------------

/// What one obtain sent and how long it took.
struct Sample {
  bool found = false;
  double query = 0, update = 0, scan = 0;  // attempts of each operation
  double rcu = 0, wcu = 0;                 // consumed capacity as reported
  double ms = 0;
  [[nodiscard]] double requests() const { return query + update + scan; }
  [[nodiscard]] double failed_writes() const { return update - (found ? 1 : 0); }
};

/// Runs `obtain` (true when it took a row) and reads the client's counters around it. Only for a
/// single thread using the client at a time.
Sample measure(const lease::Client& client, const std::function<bool()>& obtain) {
  const auto before = client.impl()->stats();
  const auto start = SteadyClock::now();
  Sample s;
  s.found = obtain();
  s.ms = seconds_since(start) * 1e3;
  const auto after = client.impl()->stats();
  auto delta = [&](Operation op) { return static_cast<double>(after.attempts_of(op) - before.attempts_of(op)); };
  s.query = delta(Operation::query);
  s.update = delta(Operation::update_item);
  s.scan = delta(Operation::scan);
  s.rcu = after.read_capacity_units - before.read_capacity_units;
  s.wcu = after.write_capacity_units - before.write_capacity_units;
  return s;
}

double mean_of(const std::vector<Sample>& samples, double (*field)(const Sample&)) {
  double sum = 0;
  for (const auto& s : samples) sum += field(s);
  return samples.empty() ? 0 : sum / static_cast<double>(samples.size());
}

std::vector<double> column(const std::vector<Sample>& samples, double (*field)(const Sample&)) {
  std::vector<double> values;
  for (const auto& s : samples) values.push_back(field(s));
  return values;
}

// ---- the three ways to obtain --------------------------------------------------------------------

lease::LeaseRequest bench_request(const std::string& lessee) {
  lease::LeaseRequest request;
  request.lessee = lessee;
  request.duration = std::chrono::seconds(60);
  request.heartbeat = false;  // nothing but the obtain and the release is counted
  return request;
}

/// Obtains through a Pool and releases each row after its measurement.
std::vector<Sample> run_pool(const lease::Client& client, const std::string& table, int obtains) {
  lease::Pool pool(client, table);
  (void)pool.uses_index();  // describe the table before measuring
  std::vector<Sample> samples;
  for (int i = 0; i < obtains; ++i) {
    std::optional<lease::Lease> held;
    samples.push_back(measure(client, [&] {
      held = pool.obtain(bench_request("bench-pool"));
      return held.has_value();
    }));
    if (held) held->release();
  }
  return samples;
}

/// Reported write capacity of a take, a renewal and a release (kCycles of each, averaged): with the
/// index, every write that changes LeaseUntil (its sort key) also rewrites the row's index entry.
void measure_lease_writes(const lease::Client& client, const std::string& table, std::size_t rows,
                          const std::string& path, ResultTable& writes) {
  constexpr int kCycles = 5;
  lease::Pool pool(client, table);
  (void)pool.uses_index();
  std::vector<Sample> takes, renewals, releases;
  for (int i = 0; i < kCycles; ++i) {
    std::optional<lease::Lease> held;
    takes.push_back(measure(client, [&] { return (held = pool.obtain(bench_request("bench-writes"))).has_value(); }));
    if (!held) continue;
    renewals.push_back(measure(client, [&] { return held->renew(); }));
    releases.push_back(measure(client, [&] { return held->release(); }));
  }
  auto wcu = [](const std::vector<Sample>& samples) {
    return fixed(mean_of(samples, [](const Sample& s) { return s.wcu; }), 1);
  };
  writes.add({std::to_string(rows), path, wcu(takes), wcu(renewals), wcu(releases)});
}

/// The original's Scan: the keys of the first page only (up to 1 MB read); it never reads further.
lease::dynamodb::ScanResult first_key_page(lease::dynamodb::Client& db, const std::string& table) {
  lease::dynamodb::ScanRequest scan;
  scan.table_name = table;
  scan.projection_expression = "id";
  scan.return_consumed_capacity = lease::dynamodb::ReturnConsumedCapacity::total;
  return db.scan(scan);
}

/// The original Go library's ObtainLease: the first Scan page of keys, each row tried in order with
/// its conditional UpdateItem. Returns the key taken.
std::optional<std::string> original_obtain(lease::dynamodb::Client& db, const std::string& table,
                                           const std::string& me) {
  const auto page = first_key_page(db, table);
  const auto now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (const auto& item : page.items) {
    lease::dynamodb::UpdateItemRequest update;
    update.table_name = table;
    update.key = {{"id", item.at("id")}};
    update.update_expression = "SET ProcessID=:me, LeaseUntil=:until";
    update.condition_expression = "attribute_exists(id) AND (LeaseUntil < :now OR ProcessID = :me)";
    update.expression_attribute_values = {{":me", AttributeValue::string(me)},
                                          {":until", AttributeValue::number(now + 60'000'000'000)},
                                          {":now", AttributeValue::number(now)}};
    update.return_consumed_capacity = lease::dynamodb::ReturnConsumedCapacity::total;
    try {
      (void)db.update_item(update);
      return item.at("id").as_string();
    } catch (const lease::dynamodb::ConditionalCheckFailed&) {
    }
  }
  return std::nullopt;
}

std::vector<Sample> run_original(const lease::Client& client, const std::string& table, int obtains) {
  auto& db = *client.impl();
  std::vector<Sample> samples;
  for (int i = 0; i < obtains; ++i) {
    std::optional<std::string> key;
    samples.push_back(measure(client, [&] {
      key = original_obtain(db, table, "bench-original");
      return key.has_value();
    }));
    if (!key) continue;
    lease::dynamodb::UpdateItemRequest release;  // free it again, as the pool's release does
    release.table_name = table;
    release.key = {{"id", AttributeValue::string(*key)}};
    release.update_expression = "SET LeaseUntil = :zero REMOVE ProcessID";
    release.expression_attribute_values = {{":zero", AttributeValue::number(0)}};
    (void)db.update_item(release);
  }
  return samples;
}

/// How many of the free rows the original can ever obtain: those whose keys are in its first Scan
/// page (it never reads further). Adds a row to `reach`.
void measure_original_reach(lease::dynamodb::Client& db, const std::string& table, const std::vector<bool>& free_mask,
                            std::size_t rows, ResultTable& reach) {
  const auto page = first_key_page(db, table);
  std::size_t free_in_page = 0;
  for (const auto& item : page.items) {
    const std::string& key = item.at("id").as_string();  // "row-0000042"
    const std::size_t i = std::stoul(key.substr(key.find('-') + 1));
    if (i < free_mask.size() && free_mask[i]) ++free_in_page;
  }
  std::size_t free_total = 0;
  for (std::size_t i = 0; i < rows; ++i) free_total += free_mask[i] ? 1 : 0;
  reach.add(
      {std::to_string(rows), std::to_string(page.items.size()), std::to_string(free_in_page),
       std::to_string(free_total),
       fixed(free_total ? 100.0 * static_cast<double>(free_in_page) / static_cast<double>(free_total) : 0, 1) + "%"});
}

// ---- scenario 1: cost per obtain by table size ---------------------------------------------------

ResultTable cost_table() {
  return ResultTable({"rows", "path", "obtains", "miss share", "requests/obtain p50", "requests/obtain p99", "Query",
                      "UpdateItem", "Scan", "failed cond. writes", "RCU reported", "WCU reported", "latency p50 ms",
                      "latency p99 ms"});
}

void add_cost_row(ResultTable& table, std::size_t rows, const std::string& path, const std::vector<Sample>& samples) {
  std::size_t misses = 0;
  for (const auto& s : samples) misses += s.found ? 0 : 1;
  const auto requests = column(samples, [](const Sample& s) { return s.requests(); });
  const auto latency = column(samples, [](const Sample& s) { return s.ms; });
  table.add(
      {std::to_string(rows), path, std::to_string(samples.size()),
       fixed(samples.empty() ? 0 : 100.0 * static_cast<double>(misses) / static_cast<double>(samples.size()), 0) + "%",
       fixed(percentile(requests, 50), 0), fixed(percentile(requests, 99), 0),
       fixed(mean_of(samples, [](const Sample& s) { return s.query; }), 2),
       fixed(mean_of(samples, [](const Sample& s) { return s.update; }), 2),
       fixed(mean_of(samples, [](const Sample& s) { return s.scan; }), 2),
       fixed(mean_of(samples, [](const Sample& s) { return s.failed_writes(); }), 2),
       fixed(mean_of(samples, [](const Sample& s) { return s.rcu; }), 1),
       fixed(mean_of(samples, [](const Sample& s) { return s.wcu; }), 1), fixed(percentile(latency, 50), 1),
       fixed(percentile(latency, 99), 1)});
  std::cerr << "  " << rows << " rows, " << path << ": done\n";
}

std::string unique_table(const std::string& what) { return "bench-" + what + "-" + std::to_string(::getpid()); }

/// Creates a pool table (with or without the index) and loads rows into it; returns the rows written.
std::size_t make_table(const lease::Client& client, const std::string& name, bool with_index,
                       const lease::bench::RowSpec& spec, const std::vector<bool>& mask, double deadline_s,
                       ResultTable& loads) {
  lease::TableSpec table;
  table.with_index = with_index;
  lease::create_table(client, name, table);
  const auto start = SteadyClock::now();
  const std::size_t written = lease::bench::load_rows(client, name, spec, mask, 2, deadline_s);
  const double took = seconds_since(start);
  loads.add({std::to_string(spec.rows), with_index ? "with index" : "without index", std::to_string(written),
             fixed(took, 1), fixed(static_cast<double>(written) / took, 0),
             written < spec.rows ? "stopped at the time budget" : ""});
  return written;
}

void drop_table(const lease::Client& client, const std::string& name) {
  try {
    client.impl()->delete_table(name);
  } catch (const lease::Error& e) {
    std::cerr << "could not delete " << name << ": " << e.what() << "\n";
  }
}

/// Every table the run prints and saves.
struct Report {
  ResultTable costs = cost_table();
  ResultTable loads{{"rows asked", "table", "rows loaded", "seconds", "rows/s", "note"}};
  ResultTable writes{{"rows", "table", "WCU per take", "WCU per renewal", "WCU per release"}};
  ResultTable reach{{"rows", "keys in first page", "free rows in it", "free rows", "free rows reachable"}};
  ResultTable contention{{"free rows", "workers", "obtains", "empty share", "obtains/s", "latency p50 ms",
                          "latency p99 ms", "Query/obtain", "failed cond. writes per success", "retries"}};
};

void run_costs(const lease::Client& client, const Settings& settings, SteadyClock::time_point run_start,
               double reserve_s, Report& report) {
  auto& loads = report.loads;
  auto& costs = report.costs;
  for (std::size_t rows : settings.sizes) {
    lease::bench::RowSpec spec{.rows = rows, .free_rows = rows / 100};
    const auto mask = lease::bench::free_row_mask(spec);
    // Time left for this size, keeping the contention scenario's share; loading gets 2/3 of it.
    const double left = settings.budget_s - reserve_s - seconds_since(run_start);
    if (left < 10) {
      std::cerr << "skipping " << rows << " rows: time budget used up\n";
      loads.add({std::to_string(rows), "-", "0", "0", "-", "skipped: time budget used up"});
      continue;
    }
    std::cerr << "scenario 1: " << rows << " rows\n";
    const std::string indexed = unique_table("idx-" + std::to_string(rows));
    const std::string plain = unique_table("noidx-" + std::to_string(rows));
    const std::size_t loaded = make_table(client, indexed, true, spec, mask, left / 3, loads);
    spec.rows = loaded;  // the same prefix in both tables, so both see the same rows
    make_table(client, plain, false, spec, mask, 0, loads);
    add_cost_row(costs, loaded, "indexed (Query + UpdateItem)", run_pool(client, indexed, settings.obtains));
    add_cost_row(costs, loaded, "fallback scan (no index)", run_pool(client, plain, settings.obtains));
    add_cost_row(costs, loaded, "original Go algorithm", run_original(client, plain, settings.obtains));
    measure_original_reach(*client.impl(), plain, mask, loaded, report.reach);
    measure_lease_writes(client, indexed, loaded, "indexed", report.writes);
    measure_lease_writes(client, plain, loaded, "no index", report.writes);
    drop_table(client, indexed);
    drop_table(client, plain);
  }
}

// ---- scenario 2: contention ----------------------------------------------------------------------

/// `workers` threads, each with its own Pool and lessee, obtain and release for `seconds`.
void run_contention(const lease::Client& client, const std::string& table, std::size_t rows, int workers,
                    double seconds, ResultTable& out) {
  std::vector<std::unique_ptr<lease::Pool>> pools;
  for (int w = 0; w < workers; ++w) {
    pools.push_back(std::make_unique<lease::Pool>(client, table));
    (void)pools.back()->uses_index();  // describe before measuring
  }
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(workers));
  std::atomic<std::uint64_t> taken{0};
  std::atomic<std::uint64_t> empty{0};
  const auto before = client.impl()->stats();
  const auto start = SteadyClock::now();
  {
    std::vector<std::jthread> threads;
    for (int w = 0; w < workers; ++w) {
      threads.emplace_back([&, w] {
        const auto request = bench_request("worker-" + std::to_string(w));
        auto& pool = *pools[static_cast<std::size_t>(w)];
        while (seconds_since(start) < seconds) {
          const auto t0 = SteadyClock::now();
          auto held = pool.obtain(request);
          latencies[static_cast<std::size_t>(w)].push_back(seconds_since(t0) * 1e3);
          if (!held) {
            ++empty;
            continue;
          }
          ++taken;
          held->release();
        }
      });
    }
  }
  const double elapsed = seconds_since(start);
  const auto after = client.impl()->stats();
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const double calls = static_cast<double>(all.size());
  const double successes = static_cast<double>(taken.load());
  const double updates =
      static_cast<double>(after.attempts_of(Operation::update_item) - before.attempts_of(Operation::update_item));
  const double queries =
      static_cast<double>(after.attempts_of(Operation::query) - before.attempts_of(Operation::query));
  // Every success is one take and one release; every other UpdateItem attempt failed its condition.
  const double failed = updates - 2 * successes;
  out.add({std::to_string(rows), std::to_string(workers), fixed(calls, 0),
           fixed(calls > 0 ? 100.0 * static_cast<double>(empty.load()) / calls : 0, 1) + "%", fixed(calls / elapsed, 0),
           fixed(percentile(all, 50), 1), fixed(percentile(all, 99), 1), fixed(calls > 0 ? queries / calls : 0, 2),
           fixed(successes > 0 ? failed / successes : 0, 3), std::to_string(after.retries - before.retries)});
  std::cerr << "  " << rows << " free rows, " << workers << " workers: done\n";
}

void run_contentions(const lease::Client& client, const Settings& settings, ResultTable& out) {
  for (std::size_t rows : {std::size_t{16}, std::size_t{1'000}}) {
    std::cerr << "scenario 2: " << rows << " free rows\n";
    lease::bench::RowSpec spec{.rows = rows, .free_rows = rows};
    const std::string table = unique_table("contention-" + std::to_string(rows));
    lease::create_table(client, table);
    (void)lease::bench::load_rows(client, table, spec, lease::bench::free_row_mask(spec), 2, 0);
    for (int workers : {1, 4, 16}) run_contention(client, table, rows, workers, settings.contention_s, out);
    drop_table(client, table);
  }
}

// ---- main ----------------------------------------------------------------------------------------

Settings parse(int argc, char** argv) {
  Settings s;
  s.endpoint = lease::bench::parse_flags(argc, argv, [&](const std::string& flag, const std::string& value) {
    if (flag == "--out")
      s.out_dir = value;
    else if (flag == "--budget")
      s.budget_s = std::stod(value);
    else if (flag == "--sizes")
      s.sizes = lease::bench::parse_list(value);
    else if (flag == "--obtains")
      s.obtains = std::stoi(value);
    else if (flag == "--contention-seconds")
      s.contention_s = std::stod(value);
    else
      return false;
    return true;
  });
  return s;
}

void print_notes(const Settings& s, double elapsed) {
  std::cout << "\nNotes:\n"
            << "- DynamoDB Local (in memory) on this machine (" << std::thread::hardware_concurrency()
            << " cores, shared with the client); absolute latencies are local, not AWS's.\n"
            << "- Requests count HTTP attempts by operation (retries included). p99 of " << s.obtains
            << " samples is the nearest rank, i.e. about the maximum.\n"
            << "- RCU/WCU are the ConsumedCapacity DynamoDB Local reported (asked for on every item request by\n"
            << "  the bench's transport; the lease layer does not ask). A failed conditional write reports none,\n"
            << "  yet on AWS it is billed like a successful one (>= 1 WCU each): see the \"failed cond. writes\"\n"
            << "  column for those.\n"
            << "- 1% of rows free, spread by a fixed-seed shuffle; the others held by another lessee for 10 days.\n"
            << "  Each obtained row is released after its measurement. Whole run: " << fixed(elapsed, 0) << " s.\n";
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Settings settings = parse(argc, argv);
    const auto run_start = SteadyClock::now();
    const lease::Client client = lease::bench::local_client(settings.endpoint);
    Report report;
    run_costs(client, settings, run_start, /*reserve_s=*/6 * (settings.contention_s + 3), report);
    run_contentions(client, settings, report.contention);

    const std::string obtains = std::to_string(settings.obtains);
    const std::string seconds = fixed(settings.contention_s, 0);
    const struct {
      std::string title;
      const ResultTable& table;
      std::string csv;
    } sections[] = {
        {"Requests and capacity per obtain (1% of rows free, " + obtains + " obtains each)", report.costs,
         "obtain_cost.csv"},
        {"Original Go algorithm: free rows within its first Scan page (the only ones it can obtain)", report.reach,
         "original_reach.csv"},
        {"Write capacity per lease operation (reported by DynamoDB Local)", report.writes, "lease_writes.csv"},
        {"Loading (BatchWriteItem, 2 threads)", report.loads, "load.csv"},
        {"Contention: obtain + release cycles for " + seconds + " s (indexed table, all rows free)", report.contention,
         "contention.csv"},
    };
    std::filesystem::create_directories(settings.out_dir);
    bool saved = true;
    for (const auto& section : sections) {
      std::cout << "\n## " << section.title << "\n\n";
      section.table.print_markdown(std::cout);
      saved = section.table.save_csv(settings.out_dir + "/" + section.csv) && saved;
    }
    print_notes(settings, seconds_since(run_start));
    std::cout << "\nCSV files in " << settings.out_dir << (saved ? "" : " (some could not be written)") << "\n";
    return saved ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "lease_bench_obtain: " << e.what() << "\n";
    return 1;
  }
}

// lease_bench_chart DIR: draws the SVG charts of a results folder from its CSV files:
// - obtain_cost.svg from obtain_cost.csv (lease_bench_obtain): requests per obtain against rows, by path;
// - failover.svg from failover_samples.csv and failover.csv (lease_bench_failover): the distribution
//   of failover times with the lease duration, the p99 and the goal bound marked.
// A chart whose CSV is missing is skipped. Prints the files written.

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "chart.hpp"

namespace {

using Table = std::vector<std::vector<std::string>>;

/// The index of `name` in the header row, or -1.
int column(const Table& table, const std::string& name) {
  if (table.empty()) return -1;
  for (std::size_t i = 0; i < table[0].size(); ++i) {
    if (table[0][i] == name) return static_cast<int>(i);
  }
  return -1;
}

double field(const std::vector<std::string>& row, int index) {
  if (index < 0 || static_cast<std::size_t>(index) >= row.size()) return 0;
  try {
    return std::stod(row[static_cast<std::size_t>(index)]);
  } catch (...) {
    return 0;
  }
}

bool cost_chart(const std::string& dir) {
  const Table costs = lease::bench::read_csv(dir + "/obtain_cost.csv");
  const int rows = column(costs, "rows"), path = column(costs, "path");
  const int parts[] = {column(costs, "Query"), column(costs, "UpdateItem"), column(costs, "Scan")};
  if (costs.size() < 2 || rows < 0 || path < 0) return false;
  lease::bench::LineChart chart{"Requests per obtain against table size (1% free)", "rows in the table",
                                "requests per obtain (mean)", {}};
  std::map<std::string, std::size_t> series;
  for (std::size_t r = 1; r < costs.size(); ++r) {
    const auto& row = costs[r];
    if (static_cast<std::size_t>(path) >= row.size()) continue;
    auto [it, added] = series.emplace(row[static_cast<std::size_t>(path)], chart.series.size());
    if (added) chart.series.push_back({row[static_cast<std::size_t>(path)], {}, {}});
    double requests = 0;
    for (int p : parts) requests += field(row, p);
    chart.series[it->second].x.push_back(field(row, rows));
    chart.series[it->second].y.push_back(requests);
  }
  return lease::bench::write_file(dir + "/obtain_cost.svg", lease::bench::line_chart_svg(chart));
}

bool failover_chart(const std::string& dir) {
  const Table samples = lease::bench::read_csv(dir + "/failover_samples.csv");
  const Table summary = lease::bench::read_csv(dir + "/failover.csv");
  const int ms = column(samples, "failover ms");
  if (samples.size() < 2 || ms < 0 || summary.size() < 2) return false;
  lease::bench::Histogram chart{"Failover time: holder SIGKILLed -> another worker holds the row",
                                "milliseconds after the kill", {}, 50, {}};
  for (std::size_t r = 1; r < samples.size(); ++r) chart.values.push_back(field(samples[r], ms));
  const auto& s = summary[1];
  chart.markers = {{field(s, column(summary, "duration ms")), "lease duration"},
                   {field(s, column(summary, "p99 ms")), "p99"},
                   {field(s, column(summary, "goal p99 <= ms")), "goal: 1.1 d + skew + poll"}};
  return lease::bench::write_file(dir + "/failover.svg", lease::bench::histogram_svg(chart));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: lease_bench_chart RESULTS_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  if (cost_chart(dir)) std::printf("%s/obtain_cost.svg\n", dir.c_str());
  if (failover_chart(dir)) std::printf("%s/failover.svg\n", dir.c_str());
  return 0;
}

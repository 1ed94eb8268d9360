#pragma once
// Small SVG charts of benchmark results (bench-only code): a log-log line chart (cost against table
// size) and a histogram with marker lines (failover time distribution), plus a CSV reader for the
// files the benchmarks write. Pure functions of their input; thread-safe.

#include <string>
#include <vector>

namespace lease::bench {

/// One named line of a LineChart.
struct Series {
  std::string name;
  std::vector<double> x;  // same length as y; values > 0 (log axes)
  std::vector<double> y;
};

/// A line chart with logarithmic x and y axes.
struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<Series> series;
};

/// A vertical line drawn across a histogram (e.g. the goal bound).
struct Marker {
  double x = 0;
  std::string label;
};

/// A histogram of `values` in bins of `bin_width`, with marker lines.
struct Histogram {
  std::string title;
  std::string x_label;
  std::vector<double> values;
  double bin_width = 1;
  std::vector<Marker> markers;
};

[[nodiscard]] std::string line_chart_svg(const LineChart& chart);
[[nodiscard]] std::string histogram_svg(const Histogram& chart);

/// A CSV file as rows of fields (RFC 4180 quoting); empty when it cannot be read.
[[nodiscard]] std::vector<std::vector<std::string>> read_csv(const std::string& path);
/// Writes `text` to `path`; false when it cannot.
bool write_file(const std::string& path, const std::string& text);

}  // namespace lease::bench

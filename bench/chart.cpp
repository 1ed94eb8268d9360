#include "chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace lease::bench {

namespace {

constexpr double kWidth = 720, kHeight = 420;
constexpr double kLeft = 70, kRight = 200, kTop = 40, kBottom = 55;  // margins; the legend sits on the right
constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

std::string format(const char* pattern, auto... args) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, pattern, args...);
  return buffer;
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

/// The opening of a chart: canvas, title, plot frame and axis labels.
std::string frame(const std::string& title, const std::string& x_label, const std::string& y_label) {
  std::string svg = format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
      "font-family=\"sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
      kWidth, kHeight, kWidth, kHeight);
  svg += format("<text x=\"%.0f\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>\n", kLeft,
                escape(title).c_str());
  svg += format("<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#999\"/>\n", kLeft,
                kTop, kWidth - kLeft - kRight, kHeight - kTop - kBottom);
  svg += format("<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" text-anchor=\"middle\">%s</text>\n",
                (kLeft + kWidth - kRight) / 2, kHeight - 12, escape(x_label).c_str());
  svg += format("<text x=\"16\" y=\"%.0f\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 %.0f)\">"
                "%s</text>\n",
                (kTop + kHeight - kBottom) / 2, (kTop + kHeight - kBottom) / 2, escape(y_label).c_str());
  return svg;
}

std::string number(double v) {
  if (v >= 1000 && std::fmod(v, 1000) == 0) return format("%.0fk", v / 1000);
  return format(v < 10 && std::fmod(v, 1) != 0 ? "%.1f" : "%.0f", v);
}

/// Maps [lo, hi] (log10 when `log`) onto [from, to].
struct Axis {
  double lo, hi, from, to;
  bool log;
  [[nodiscard]] double at(double v) const {
    const double t = log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (v - lo) / (hi - lo);
    return from + t * (to - from);
  }
};

/// Powers of ten covering [lo, hi].
std::vector<double> decades(double lo, double hi) {
  std::vector<double> ticks;
  for (double t = std::pow(10, std::floor(std::log10(lo))); t <= hi * 1.0001; t *= 10) ticks.push_back(t);
  return ticks;
}

}  // namespace

std::string line_chart_svg(const LineChart& chart) {
  double xmin = 1e300, xmax = 0, ymin = 1e300, ymax = 0;
  for (const auto& s : chart.series) {
    for (double x : s.x) xmin = std::min(xmin, x), xmax = std::max(xmax, x);
    for (double y : s.y) ymin = std::min(ymin, y), ymax = std::max(ymax, y);
  }
  if (xmax <= 0 || ymax <= 0) return frame(chart.title + " (no data)", chart.x_label, chart.y_label) + "</svg>\n";
  xmin = std::pow(10, std::floor(std::log10(std::max(xmin, 1e-9))));
  xmax = std::pow(10, std::ceil(std::log10(xmax * 1.0001)));
  ymin = std::pow(10, std::floor(std::log10(std::max(ymin, 1e-9))));
  ymax = std::pow(10, std::ceil(std::log10(ymax * 1.0001)));
  if (xmax <= xmin) xmax = xmin * 10;
  if (ymax <= ymin) ymax = ymin * 10;
  const Axis ax{xmin, xmax, kLeft, kWidth - kRight, true};
  const Axis ay{ymin, ymax, kHeight - kBottom, kTop, true};
  std::string svg = frame(chart.title, chart.x_label, chart.y_label);
  for (double t : decades(xmin, xmax)) {
    svg += format("<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#eee\"/>"
                  "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n",
                  ax.at(t), kTop, ax.at(t), kHeight - kBottom, ax.at(t), kHeight - kBottom + 16, number(t).c_str());
  }
  for (double t : decades(ymin, ymax)) {
    svg += format("<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                  "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>\n",
                  kLeft, ay.at(t), kWidth - kRight, ay.at(t), kLeft - 6, ay.at(t) + 4, number(t).c_str());
  }
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const auto& s = chart.series[i];
    const char* color = kColors[i % std::size(kColors)];
    std::string points;
    for (std::size_t k = 0; k < std::min(s.x.size(), s.y.size()); ++k) {
      points += format("%.1f,%.1f ", ax.at(s.x[k]), ay.at(std::max(s.y[k], ymin)));
      svg += format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n", ax.at(s.x[k]),
                    ay.at(std::max(s.y[k], ymin)), color);
    }
    svg += format("<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n", points.c_str(), color);
    const double ly = kTop + 14 + 20 * static_cast<double>(i);
    svg += format("<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                  "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">%s</text>\n",
                  kWidth - kRight + 12, ly - 10, color, kWidth - kRight + 30, ly, escape(s.name).c_str());
  }
  return svg + "</svg>\n";
}

std::string histogram_svg(const Histogram& chart) {
  if (chart.values.empty() || chart.bin_width <= 0) return frame(chart.title + " (no data)", chart.x_label, "trials") + "</svg>\n";
  double hi = *std::max_element(chart.values.begin(), chart.values.end());
  for (const auto& m : chart.markers) hi = std::max(hi, m.x);
  const double lo = 0;
  const auto bins = static_cast<std::size_t>(std::ceil((hi - lo) / chart.bin_width)) + 1;
  std::vector<int> counts(bins, 0);
  for (double v : chart.values) ++counts[std::min(bins - 1, static_cast<std::size_t>((v - lo) / chart.bin_width))];
  const int top = *std::max_element(counts.begin(), counts.end());
  const Axis ax{lo, lo + static_cast<double>(bins) * chart.bin_width, kLeft, kWidth - kRight, false};
  const Axis ay{0, static_cast<double>(top) * 1.1, kHeight - kBottom, kTop, false};
  std::string svg = frame(chart.title, chart.x_label, "trials");
  const double step = chart.bin_width * std::max(1.0, std::ceil(static_cast<double>(bins) / 10));
  for (double t = lo; t <= ax.hi; t += step) {
    svg += format("<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n", ax.at(t),
                  kHeight - kBottom + 16, number(t).c_str());
  }
  for (int t = 0; t <= top; t += std::max(1, top / 5)) {
    svg += format("<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%d</text>\n", kLeft - 6,
                  ay.at(t) + 4, t);
  }
  for (std::size_t b = 0; b < bins; ++b) {
    if (counts[b] == 0) continue;
    const double x0 = ax.at(lo + static_cast<double>(b) * chart.bin_width);
    const double x1 = ax.at(lo + static_cast<double>(b + 1) * chart.bin_width);
    svg += format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#1f77b4\"/>\n", x0 + 1,
                  ay.at(counts[b]), std::max(x1 - x0 - 2, 1.0), ay.at(0) - ay.at(counts[b]));
  }
  for (std::size_t i = 0; i < chart.markers.size(); ++i) {
    const auto& m = chart.markers[i];
    const char* color = kColors[(i + 1) % std::size(kColors)];
    svg += format("<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"%s\" stroke-width=\"2\" "
                  "stroke-dasharray=\"5,3\"/>\n",
                  ax.at(m.x), kTop, ax.at(m.x), kHeight - kBottom, color);
    const double ly = kTop + 14 + 20 * static_cast<double>(i);
    svg += format("<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                  "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">%s</text>\n",
                  kWidth - kRight + 12, ly - 5, color, kWidth - kRight + 30, ly, escape(m.label).c_str());
  }
  return svg + "</svg>\n";
}

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.emplace_back();
      } else {
        fields.back() += c;
      }
    }
    rows.push_back(std::move(fields));
  }
  return rows;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace lease::bench

// lease_demo_report: the summary and the timeline picture of ./scripts/demo.
//
// Reads the event log the demo's workers and the script append to, one event a line (times are
// nanoseconds since the Unix epoch, from one machine's clock):
//   row KEY | worker NAME | begin NS | finish NS
//   start WORKER KEY TOKEN NS | end WORKER KEY TOKEN NS     (one `lease run` of WORKER on row KEY)
//   stop WORKER KEY TOKEN NS                                 (that run's command was stopped by SIGTERM)
//   kill WORKER NS                                           (the script SIGKILLed WORKER's process group)
//   free KEY NS                  (when the killed worker's row became free to take: its expiry + skew allowance)
// and prints rows done per worker, the failover time (kill -> next start on the killed row), and the
// check that no row was ever held by two workers at once: per row, runs sorted by start have strictly
// increasing tokens and intervals that do not overlap. Writes an SVG timeline when asked.
//
//   lease_demo_report --log FILE [--svg FILE]
//
// Exit: 0 check passed, 1 check failed (two holders at once), 2 bad usage or unreadable log.
// Colours on stdout only when it is a terminal (and NO_COLOR is unset).

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

// ---- the recorded demo -------------------------------------------------------------------------

// How a run ended: its command finished the row; it was SIGTERMed (lease lost, or the demo ending);
// its worker was SIGKILLed; it never ended in the log (cut at the end of the demo).
enum class RunEnd { finished, stopped, killed, cut };

// One `lease run` of a worker on a row.
struct Run {
  std::string worker;
  std::string key;
  long long token = 0;
  std::int64_t start = 0;
  std::int64_t end = 0;
  RunEnd how = RunEnd::cut;
};

struct Kill {
  std::string worker;
  std::int64_t at = 0;
};

// Everything the log says.
struct Demo {
  std::vector<std::string> rows;     // lanes, in the order declared
  std::vector<std::string> workers;  // legend, in the order declared
  std::int64_t begin = 0;
  std::int64_t finish = 0;
  std::optional<Kill> kill;
  std::map<std::string, std::int64_t> free_at;  // row -> when its dead holder's lease lapsed
  std::vector<Run> runs;
};

void add_unique(std::vector<std::string>& names, const std::string& name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

// Parses the log; throws std::runtime_error naming the line of a malformed event.
Demo read_log(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  Demo demo;
  std::map<std::string, std::size_t> open;  // worker -> its run without an end yet
  std::int64_t latest = 0;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream words(line);
    std::string event;
    if (!(words >> event)) continue;
    Run run;
    std::string name;
    std::int64_t at = 0;
    bool ok = false;
    if (event == "row" || event == "worker") {
      ok = static_cast<bool>(words >> name);
      if (ok) add_unique(event == "row" ? demo.rows : demo.workers, name);
    } else if (event == "begin" || event == "finish") {
      ok = static_cast<bool>(words >> at);
      (event == "begin" ? demo.begin : demo.finish) = at;
    } else if (event == "free") {
      ok = static_cast<bool>(words >> name >> at);
      demo.free_at[name] = at;
    } else if (event == "kill") {
      ok = static_cast<bool>(words >> name >> at);
      demo.kill = Kill{name, at};
    } else if (event == "start" || event == "end" || event == "stop") {
      ok = static_cast<bool>(words >> run.worker >> run.key >> run.token >> at);
      if (ok && event == "start") {
        run.start = at;
        add_unique(demo.rows, run.key);
        add_unique(demo.workers, run.worker);
        open[run.worker] = demo.runs.size();
        demo.runs.push_back(run);
      } else if (ok) {
        auto it = open.find(run.worker);
        ok = it != open.end() && demo.runs[it->second].key == run.key && demo.runs[it->second].token == run.token;
        if (ok) {
          demo.runs[it->second].end = at;
          demo.runs[it->second].how = event == "end" ? RunEnd::finished : RunEnd::stopped;
          open.erase(it);
        }
      }
    }
    if (!ok) throw std::runtime_error(path + ":" + std::to_string(number) + ": malformed event: " + line);
    latest = std::max(latest, at);
  }
  if (demo.finish == 0) demo.finish = latest;
  if (demo.begin == 0) {
    demo.begin = demo.finish;
    for (const auto& run : demo.runs) demo.begin = std::min(demo.begin, run.start);
  }
  for (const auto& [worker, index] : open) {  // runs that never ended
    Run& run = demo.runs[index];
    const bool killed = demo.kill && demo.kill->worker == worker && run.start <= demo.kill->at;
    run.end = killed ? demo.kill->at : demo.finish;
    run.how = killed ? RunEnd::killed : RunEnd::cut;
  }
  return demo;
}

// ---- what it shows -----------------------------------------------------------------------------

// The check: two runs on one row that break the rules, described.
std::vector<std::string> overlaps(const Demo& demo, const std::map<std::string, std::vector<const Run*>>& by_row) {
  std::vector<std::string> problems;
  auto at = [&](std::int64_t t) { return std::to_string((t - demo.begin) / 1'000'000) + " ms"; };
  for (const auto& [key, runs] : by_row) {
    for (std::size_t i = 1; i < runs.size(); ++i) {
      const Run& a = *runs[i - 1];
      const Run& b = *runs[i];
      std::string why;
      if (b.token <= a.token) why = "token did not increase";
      if (b.start < a.end) why += std::string(why.empty() ? "" : ", ") + "held at the same time";
      if (why.empty()) continue;
      problems.push_back(key + ": " + a.worker + " (token " + std::to_string(a.token) + ", " + at(a.start) + " to " +
                         at(a.end) + ") and " + b.worker + " (token " + std::to_string(b.token) + ", from " +
                         at(b.start) + "): " + why);
    }
  }
  return problems;
}

// The killed worker's run and the next run on its row, if any.
struct Failover {
  const Run* killed = nullptr;
  const Run* next = nullptr;
  std::optional<std::int64_t> free_at;  // when the killed run's lease lapsed, if recorded
};

Failover find_failover(const Demo& demo, const std::map<std::string, std::vector<const Run*>>& by_row) {
  Failover failover;
  for (const auto& run : demo.runs)
    if (run.how == RunEnd::killed) failover.killed = &run;
  if (failover.killed == nullptr) return failover;
  if (const auto it = demo.free_at.find(failover.killed->key); it != demo.free_at.end()) {
    failover.free_at = std::max(it->second, failover.killed->end);
  }
  for (const Run* run : by_row.at(failover.killed->key))
    if (run->start >= failover.killed->end) {
      failover.next = run;
      break;
    }
  return failover;
}

// ---- the terminal summary ----------------------------------------------------------------------

// ANSI styling, or nothing when stdout is not a terminal.
class Style {
 public:
  Style() : on_(::isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr) {}
  [[nodiscard]] std::string operator()(std::string_view code, const std::string& text) const {
    return on_ ? "\033[" + std::string(code) + "m" + text + "\033[0m" : text;
  }
  [[nodiscard]] std::string worker(std::size_t index, const std::string& text) const {
    static constexpr std::string_view codes[] = {"38;5;68", "38;5;208", "38;5;71", "38;5;133", "38;5;73"};
    return (*this)(codes[index % std::size(codes)], text);
  }

 private:
  bool on_;
};

std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", seconds);
  return text;
}

double seconds_between(std::int64_t from, std::int64_t to) { return static_cast<double>(to - from) / 1e9; }

void print_summary(const Demo& demo, const Failover& failover, const std::vector<std::string>& problems,
                   const std::string& svg) {
  const Style style;
  std::map<std::string, int> done;
  std::map<std::string, bool> row_done;
  for (const auto& run : demo.runs) {
    if (run.how != RunEnd::finished) continue;
    ++done[run.worker];
    row_done[run.key] = true;
  }
  std::printf("\n%s\n", style("1", "Summary").c_str());
  std::printf("  rows done      %zu of %zu, in %s\n", row_done.size(), demo.rows.size(),
              format_seconds(seconds_between(demo.begin, demo.finish)).c_str());
  for (std::size_t i = 0; i < demo.workers.size(); ++i) {
    const auto& worker = demo.workers[i];
    std::string line = "  " + style.worker(i, worker) +
                       std::string(15 - std::min<std::size_t>(worker.size(), 14), ' ') + std::to_string(done[worker]) +
                       (done[worker] == 1 ? " row" : " rows");
    if (failover.killed != nullptr && failover.killed->worker == worker) {
      line += "  (killed with SIGKILL at " + format_seconds(seconds_between(demo.begin, failover.killed->end)) +
              " while holding " + failover.killed->key + ", token " + std::to_string(failover.killed->token) + ")";
    }
    std::printf("%s\n", line.c_str());
  }
  if (failover.next != nullptr) {
    std::printf("  failover       %s from the kill until %s took %s (token %lld)\n",
                style("1", format_seconds(seconds_between(failover.killed->end, failover.next->start))).c_str(),
                failover.next->worker.c_str(), failover.next->key.c_str(), failover.next->token);
    if (failover.free_at && *failover.free_at <= failover.next->start) {
      std::printf(
          "                 = %s until the dead worker's lease lapsed (the expiry its last heartbeat wrote "
          "+ 1 s clock-skew allowance)\n"
          "                 + %s until a worker asked the pool for a free row and got this one\n",
          format_seconds(seconds_between(failover.killed->end, *failover.free_at)).c_str(),
          format_seconds(seconds_between(*failover.free_at, failover.next->start)).c_str());
    }
  } else if (failover.killed != nullptr) {
    std::printf("  failover       none: nobody took %s after the kill before the demo ended\n",
                failover.killed->key.c_str());
  }
  if (problems.empty()) {
    std::printf(
        "  check          %s: no row was held by two workers at once (%zu runs; per row, tokens strictly "
        "increase with start time and intervals never overlap)\n",
        style("1;32", "OK").c_str(), demo.runs.size());
  } else {
    std::printf("  check          %s: a row was held by two workers at once\n", style("1;31", "FAILED").c_str());
    for (const auto& problem : problems) std::printf("                 %s\n", problem.c_str());
  }
  if (!svg.empty()) std::printf("  timeline       %s\n", svg.c_str());
}

// ---- the SVG timeline --------------------------------------------------------------------------

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// printf into a std::string.
template <class... Args>
std::string format(const char* pattern, Args... args) {
  const int size = std::snprintf(nullptr, 0, pattern, args...);
  std::string text(static_cast<std::size_t>(size) + 1, '\0');
  std::snprintf(text.data(), text.size(), pattern, args...);
  text.pop_back();
  return text;
}

constexpr const char* kWorkerColours[] = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948"};
constexpr const char* kKillColour = "#d62728";

std::string timeline_svg(const Demo& demo, const Failover& failover, bool check_ok) {
  constexpr double width = 980, left = 86, right = 28, top = 84, lane = 28, bar = 18;
  const double plot = width - left - right;
  const double span = std::max(1.0, std::ceil(seconds_between(demo.begin, demo.finish)));
  const double bottom = top + lane * static_cast<double>(demo.rows.size());
  const bool faded = std::any_of(demo.runs.begin(), demo.runs.end(),
                                 [](const Run& r) { return r.how == RunEnd::stopped || r.how == RunEnd::cut; });
  const double height = bottom + (faded ? 84 : 62);
  auto x = [&](std::int64_t t) { return left + plot * seconds_between(demo.begin, t) / span; };
  auto lane_y = [&](const std::string& key) {
    const auto it = std::find(demo.rows.begin(), demo.rows.end(), key);
    return top + lane * static_cast<double>(it - demo.rows.begin());
  };
  auto colour = [&](const std::string& worker) {
    const auto it = std::find(demo.workers.begin(), demo.workers.end(), worker);
    return kWorkerColours[static_cast<std::size_t>(it - demo.workers.begin()) % std::size(kWorkerColours)];
  };

  std::string svg = format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
      "font-family=\"Helvetica, Arial, sans-serif\">\n",
      width, height, width, height);
  svg +=
      "<defs><pattern id=\"lapse\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fbeaea\"/>"
      "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#e8a5a5\" stroke-width=\"2.5\"/></pattern></defs>\n";
  svg += format("<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", width, height);

  // Title and subtitle.
  std::size_t rows_done = 0;
  for (const auto& key : demo.rows)
    rows_done += std::any_of(demo.runs.begin(), demo.runs.end(),
                             [&](const Run& r) { return r.key == key && r.how == RunEnd::finished; });
  svg += format(
      "<text x=\"%.0f\" y=\"32\" font-size=\"20\" font-weight=\"bold\" fill=\"#222\">"
      "lease demo: %zu workers sharing a pool of %zu rows</text>\n",
      left, demo.workers.size(), demo.rows.size());
  svg += format(
      "<text x=\"%.0f\" y=\"54\" font-size=\"13\" fill=\"#555\">Each bar is one 'lease run' holding a "
      "row; #n is its fencing token. %zu of %zu rows done in %s.</text>\n",
      left, rows_done, demo.rows.size(), format_seconds(seconds_between(demo.begin, demo.finish)).c_str());
  svg += format(
      "<rect x=\"%.1f\" y=\"14\" width=\"250\" height=\"26\" rx=\"13\" fill=\"%s\"/>"
      "<text x=\"%.1f\" y=\"31\" font-size=\"12\" font-weight=\"bold\" fill=\"#fff\" "
      "text-anchor=\"middle\">%s</text>\n",
      width - right - 250, check_ok ? "#2e7d32" : kKillColour, width - right - 125,
      check_ok ? "\u2713 never two holders at once" : "\u2717 a row had two holders at once");

  // Lanes, grid and time axis.
  for (std::size_t i = 0; i < demo.rows.size(); ++i) {
    const double y = top + lane * static_cast<double>(i);
    if (i % 2 == 0)
      svg += format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" fill=\"#f4f5f7\"/>\n", left, y, plot,
                    lane);
    svg += format(
        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#333\" text-anchor=\"end\" "
        "font-family=\"monospace\">%s</text>\n",
        left - 10, y + lane / 2 + 4, xml_escape(demo.rows[i]).c_str());
  }
  const double step = span <= 15 ? 1 : span <= 30 ? 2 : span <= 75 ? 5 : 10;
  for (double s = 0; s <= span + 1e-9; s += step) {
    const double gx = left + plot * s / span;
    svg += format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d9dce1\" stroke-width=\"1\"/>\n", gx,
                  top, gx, bottom);
    svg += format("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#666\" text-anchor=\"middle\">%.0f s</text>\n",
                  gx, bottom + 16, s);
  }

  // The moment of the kill, behind the bars.
  if (failover.killed != nullptr) {
    const double kx = x(failover.killed->end);
    svg += format(
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" "
        "stroke-dasharray=\"5 4\"/>\n",
        kx, top - 8, kx, bottom, kKillColour);
  }

  // The lapse after the kill: the row still held by a dead worker until its lease expired.
  if (failover.killed != nullptr) {
    const double y = lane_y(failover.killed->key) + (lane - bar) / 2;
    const double x0 = x(failover.killed->end);
    const double x1 = failover.next != nullptr ? x(failover.next->start) : left + plot;
    const double lapsed = failover.free_at ? std::min(x1, x(*failover.free_at)) : x1;
    if (lapsed < x1) {  // free, until a worker came for it
      svg += format(
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" fill=\"#fff\" stroke=\"#b8bcc4\" "
          "stroke-dasharray=\"3 3\" rx=\"3\"/>\n",
          lapsed, y + 0.5, x1 - lapsed, bar - 1);
    }
    svg += format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" fill=\"url(#lapse)\" rx=\"3\"/>\n", x0, y,
                  lapsed - x0, bar);
    if (failover.next != nullptr && x1 - x0 > 104) {
      svg += format(
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"96\" height=\"%.0f\" rx=\"7\" fill=\"#fff\" "
          "stroke=\"%s\" stroke-width=\"1\"/>\n",
          (x0 + x1) / 2 - 48, y + 2, bar - 4, kKillColour);
      svg += format(
          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" font-weight=\"bold\" fill=\"%s\" "
          "text-anchor=\"middle\">failover %s</text>\n",
          (x0 + x1) / 2, y + bar / 2 + 4, kKillColour,
          format_seconds(seconds_between(failover.killed->end, failover.next->start)).c_str());
    }
  }

  // The runs.
  for (const auto& run : demo.runs) {
    const double x0 = x(run.start);
    const double w = std::max(2.0, x(run.end) - x0);
    const double y = lane_y(run.key) + (lane - bar) / 2;
    svg += format(
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" rx=\"3\" fill=\"%s\"%s>"
        "<title>%s on %s, token %lld</title></rect>\n",
        x0, y, w, bar, colour(run.worker),
        run.how == RunEnd::stopped || run.how == RunEnd::cut ? " fill-opacity=\"0.45\"" : "",
        xml_escape(run.worker).c_str(), xml_escape(run.key).c_str(), run.token);
    if (w > 26) {
      svg += format("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#fff\" font-weight=\"bold\">#%lld</text>\n",
                    x0 + 5, y + bar / 2 + 4, run.token);
    }
  }

  // The killed run and the takeover.
  if (failover.killed != nullptr) {
    const double kx = x(failover.killed->end);
    const double ky = lane_y(failover.killed->key) + lane / 2;
    svg += format(
        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" font-weight=\"bold\" fill=\"%s\" "
        "text-anchor=\"middle\">SIGKILL %s</text>\n",
        kx, top - 12, kKillColour, xml_escape(failover.killed->worker).c_str());
    svg += format(
        "<path d=\"M%.1f %.1f l10 10 M%.1f %.1f l-10 10\" stroke=\"%s\" stroke-width=\"3\" "
        "stroke-linecap=\"round\"/>\n",
        kx - 5, ky - 5, kx + 5, ky - 5, kKillColour);
    if (failover.next != nullptr) {
      const double tx = x(failover.next->start);
      svg += format(
          "<path d=\"M%.1f %.1f l-7 -12 h14 z\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"1\">"
          "<title>%s takes over %s with token %lld</title></path>\n",
          tx, ky - bar / 2 + 1, xml_escape(failover.next->worker).c_str(), xml_escape(failover.next->key).c_str(),
          failover.next->token);
    }
  }

  // Legend: a symbol drawn at (lx, ly), then its text; items laid out left to right.
  double lx = left;
  const double ly = bottom + 44;
  auto legend = [&](const std::string& symbol, const std::string& text) {
    svg += symbol + format("<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#333\">%s</text>\n", lx + 22, ly,
                           xml_escape(text).c_str());
    lx += 22 + 6.4 * static_cast<double>(text.size()) + 20;
  };
  for (const auto& worker : demo.workers) {
    legend(format("<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" rx=\"3\" fill=\"%s\"/>", lx, ly - 11,
                  colour(worker)),
           worker);
  }
  if (failover.killed != nullptr) {
    legend(format("<path d=\"M%.1f %.1f l10 10 M%.1f %.1f l-10 10\" stroke=\"%s\" stroke-width=\"3\" "
                  "stroke-linecap=\"round\"/>",
                  lx + 2, ly - 9, lx + 12, ly - 9, kKillColour),
           "killed (SIGKILL)");
    legend(
        format("<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"14\" rx=\"3\" fill=\"url(#lapse)\"/>", lx, ly - 11),
        "lease lapsing (holder dead)");
    if (failover.free_at) {
      legend(format("<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"13\" rx=\"3\" fill=\"#fff\" stroke=\"#b8bcc4\" "
                    "stroke-dasharray=\"3 3\"/>",
                    lx, ly - 10.5),
             "free");
    }
    legend(format("<path d=\"M%.1f %.1f l-7 -12 h14 z\" fill=\"#222\"/>", lx + 7, ly + 1), "takeover");
  }
  if (faded) {
    svg += format(
        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#888\">Faded bars: runs stopped before "
        "they finished (lease lost, or the demo ended).</text>\n",
        left, ly + 24);
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace

int main(int argc, char** argv) try {
  std::string log;
  std::string svg;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--log" && i + 1 < argc) {
      log = argv[++i];
    } else if (arg == "--svg" && i + 1 < argc) {
      svg = argv[++i];
    } else {
      std::fprintf(stderr, "usage: lease_demo_report --log FILE [--svg FILE]\n");
      return 2;
    }
  }
  if (log.empty()) {
    std::fprintf(stderr, "usage: lease_demo_report --log FILE [--svg FILE]\n");
    return 2;
  }
  const Demo demo = read_log(log);
  if (demo.runs.empty()) {
    std::fprintf(stderr, "lease_demo_report: %s records no run\n", log.c_str());
    return 2;
  }
  std::map<std::string, std::vector<const Run*>> by_row;
  for (const auto& run : demo.runs) by_row[run.key].push_back(&run);
  for (auto& [key, runs] : by_row)
    std::sort(runs.begin(), runs.end(), [](const Run* a, const Run* b) { return a->start < b->start; });

  const auto problems = overlaps(demo, by_row);
  const auto failover = find_failover(demo, by_row);
  if (!svg.empty()) {
    std::ofstream out(svg);
    out << timeline_svg(demo, failover, problems.empty());
    if (!out) throw std::runtime_error("cannot write " + svg);
  }
  print_summary(demo, failover, problems, svg);
  return problems.empty() ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "lease_demo_report: %s\n", e.what());
  return 2;
}

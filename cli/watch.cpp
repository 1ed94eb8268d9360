// `lease watch`: `lease list`, refreshed every --interval until SIGINT/SIGTERM (then exit 0).
// On a terminal the table is redrawn in place with ANSI escapes; in a pipe each refresh is a plain
// block (or, with --json, one JSON array per line).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "duration.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "row_listing.hpp"
#include "wake_pipe.hpp"

namespace lease::cli {

namespace {

constexpr const char* kHome = "\x1b[H";             // cursor to the top left
constexpr const char* kClearLine = "\x1b[K";        // erase to the end of the line
constexpr const char* kClearBelow = "\x1b[J";       // erase the rest of the screen
constexpr const char* kClearScreen = "\x1b[2J";
constexpr const char* kHideCursor = "\x1b[?25l";
constexpr const char* kShowCursor = "\x1b[?25h";

struct WatchOptions {
  std::string interval = "1s";
};

// Hides the cursor while a live view is on the terminal, and shows it again however we leave.
class CursorGuard {
 public:
  explicit CursorGuard(bool live) : live_(live) {
    if (live_) std::fputs((std::string(kClearScreen) + kHideCursor).c_str(), stdout);
  }
  ~CursorGuard() {
    if (live_) std::fputs(kShowCursor, stdout);
    std::fflush(stdout);
  }
  CursorGuard(const CursorGuard&) = delete;
  CursorGuard& operator=(const CursorGuard&) = delete;

 private:
  bool live_;
};

// The block redrawn in place: every line erased to its end, then everything below it.
std::string redraw(const std::string& block) {
  std::string out = kHome;
  std::size_t start = 0;
  while (start <= block.size()) {
    const auto end = std::min(block.find('\n', start), block.size());
    out.append(block, start, end - start).append(kClearLine).append("\n");
    start = end + 1;
  }
  return out + kClearBelow;
}

int watch(CommandContext& context, const WatchOptions& options) {
  const auto interval = parse_positive_duration(options.interval, "--interval");
  const auto& table = context.table();
  auto pool = context.open_pool();
  WakePipe wake;
  wake.catch_signals({SIGINT, SIGTERM});
  const bool json = context.common.json;
  const bool live = !json && is_terminal(STDOUT_FILENO);
  CursorGuard cursor(live);
  for (;;) {
    const std::string rows = render_rows(*pool, json);
    if (json) {
      print_stdout(rows);
    } else {
      const std::string header = "table '" + table + "' at " + format_time(std::chrono::system_clock::now()) +
                                 " (every " + format_duration(interval) + (live ? ", Ctrl-C to stop)" : ")");
      if (live) {
        std::fputs(redraw(header + "\n" + rows).c_str(), stdout);
        std::fflush(stdout);
      } else {
        print_stdout(header + "\n" + rows + "\n");
      }
    }
    if (wake.wait(interval)) return kSuccess;  // interrupted
  }
}

}  // namespace

void add_watch_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<WatchOptions>();
  auto* command = add_command(app, "watch", "`lease list`, refreshed live until interrupted", context,
                              [&context, options] { return watch(context, *options); });
  command->footer("Redrawn in place on a terminal; repeated blocks in a pipe; with --json one JSON array per "
                  "line. Ctrl-C (SIGINT) or SIGTERM ends it with exit 0.");
  command->add_option("--interval", options->interval, "time between refreshes")->capture_default_str();
}

}  // namespace lease::cli

// The demo: `scripts/demo --short` end to end against DynamoDB Local (its no-overlap check must pass,
// the takeover must happen, nothing it started may survive it), and lease_demo_report's check on
// hand-written logs (it must catch two holders at once).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "support/ddb_local.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// The build folder these tests were built in (<build>/tests/lease_integration_tests).
fs::path build_dir() { return fs::read_symlink("/proc/self/exe").parent_path().parent_path(); }

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A fresh scratch folder for one test.
fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / lease::testing::unique_table_name(name);
  fs::create_directories(dir);
  return dir;
}

// Runs a shell command with stdout and stderr into `dir`/output; returns its exit code.
int run_shell(const std::string& command, const fs::path& dir) {
  const int status = std::system((command + " > '" + (dir / "output").string() + "' 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// True when a running process has `text` in its command line.
bool process_mentions(const std::string& text) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = read_text(entry.path() / "cmdline");
    if (cmdline.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(Demo, ShortRunKillsAWorkerSeesTheTakeoverAndPassesTheNoOverlapCheck) {
  const fs::path dir = scratch("demo");
  const std::string table = lease::testing::unique_table_name("demo");
  const fs::path svg = dir / "timeline.svg";
  const std::string script = lease::testing::source_dir() + "/scripts/demo";
  const int code = run_shell(script + " --short --no-build --build-dir '" + build_dir().string() + "' --endpoint-url " +
                                 lease::testing::ddb_endpoint() + " --table " + table + " --svg '" + svg.string() + "'",
                             dir);
  const std::string output = read_text(dir / "output");
  ASSERT_EQ(code, 0) << output;

  EXPECT_THAT(output, HasSubstr("rows done      6 of 6"));
  EXPECT_THAT(output, HasSubstr("SIGKILL worker-"));
  EXPECT_THAT(output, HasSubstr("took over job-"));
  EXPECT_THAT(output, HasSubstr("(killed with SIGKILL at "));
  EXPECT_THAT(output, HasSubstr("until the dead worker's lease lapsed"));
  EXPECT_THAT(output, HasSubstr("check          OK: no row was held by two workers at once"));
  EXPECT_THAT(output, Not(HasSubstr("\033[")));  // no colours in a pipe

  const std::string picture = read_text(svg);
  EXPECT_THAT(picture, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(picture, HasSubstr(">SIGKILL worker-"));
  EXPECT_THAT(picture, HasSubstr(">failover "));
  EXPECT_THAT(picture, HasSubstr("never two holders at once"));
  EXPECT_THAT(picture, HasSubstr("</svg>"));

  // Every worker (loop, `lease run`, command) it started is gone: their command lines name the
  // demo's work folder, which is per table.
  EXPECT_FALSE(process_mentions("/demo/" + table + "/")) << "a process of the demo survived it";
  fs::remove_all(dir);
  fs::remove_all(build_dir() / "demo" / table);  // the demo's work folder
}

// Runs lease_demo_report on `log` (written to a scratch folder); returns its exit code and output.
std::pair<int, std::string> report_on(const std::string& log) {
  const fs::path dir = scratch("report");
  std::ofstream(dir / "events") << log;
  const int code = run_shell((build_dir() / "tools" / "lease_demo_report").string() + " --log '" +
                                 (dir / "events").string() + "' --svg '" + (dir / "t.svg").string() + "'",
                             dir);
  std::pair<int, std::string> result{code, read_text(dir / "output")};
  fs::remove_all(dir);
  return result;
}

const std::string kHeader = "row a\nrow b\nworker w1\nworker w2\nbegin 1000000000\n";

TEST(DemoReport, AcceptsAHandOverAfterTheKillAndMeasuresTheFailover) {
  const auto [code, output] = report_on(kHeader +
                                        "start w1 a 1 1100000000\n"
                                        "start w2 b 1 1200000000\n"
                                        "kill w1 2000000000\n"
                                        "free a 4000000000\n"
                                        "end w2 b 1 3000000000\n"
                                        "start w2 a 2 4500000000\n"
                                        "end w2 a 2 5000000000\n"
                                        "finish 5500000000\n");
  EXPECT_EQ(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("rows done      2 of 2"));
  EXPECT_THAT(output, HasSubstr("failover       2.5 s from the kill until w2 took a (token 2)"));
  EXPECT_THAT(output, HasSubstr("= 2.0 s until the dead worker's lease lapsed"));
  EXPECT_THAT(output, HasSubstr("check          OK"));
}

// The report on `runs` fails its check (exit 1) and says `why`.
void expect_check_fails(const std::string& runs, const std::string& why) {
  const auto [code, output] = report_on(kHeader + runs);
  EXPECT_EQ(code, 1) << output;
  EXPECT_THAT(output, HasSubstr("check          FAILED: a row was held by two workers at once"));
  EXPECT_THAT(output, HasSubstr(why));
}

TEST(DemoReport, FailsWhenTwoWorkersHeldARowAtOnce) {
  expect_check_fails("start w1 a 1 1100000000\nstart w2 a 2 1500000000\nend w1 a 1 2000000000\nend w2 a 2 3000000000\n",
                     "a: w1 (token 1, 100 ms to 1000 ms) and w2 (token 2, from 500 ms): held at the same time");
}

TEST(DemoReport, FailsWhenATokenDoesNotRiseWithTheNextHolder) {
  expect_check_fails("start w1 a 3 1100000000\nend w1 a 3 2000000000\nstart w2 a 3 2500000000\nend w2 a 3 3000000000\n",
                     "a: w1 (token 3, 100 ms to 1000 ms) and w2 (token 3, from 1500 ms): token did not increase");
}

TEST(DemoReport, RejectsAMalformedLogNamingTheLine) {
  const auto [code, output] = report_on(kHeader + "start w1 a notanumber 1\n");
  EXPECT_EQ(code, 2) << output;
  EXPECT_THAT(output, HasSubstr("events:6: malformed event: start w1 a notanumber 1"));
}

}  // namespace

// Runs each example program once against DynamoDB Local and checks what it printed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "support/ddb_local.hpp"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Finished {
  int exit_code = -1;  // 128 + signal when killed by one
  std::string output;  // stdout and stderr
};

// The example binary `name`, built beside the tests: <build>/examples/<name>.
std::string example_path(const std::string& name) {
  const auto build = std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path();
  return (build / "examples" / name).string();
}

// Runs an example against DynamoDB Local with dummy credentials; waits for it to exit.
Finished run_example(const std::string& name, const std::string& arguments) {
  const std::string path = example_path(name);
  if (!std::filesystem::exists(path)) {
    ADD_FAILURE() << path << " is not built (target lease_example_" << name << ")";
    return {};
  }
  const std::string command = "env AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 " + path +
                              " --endpoint-url " + lease::testing::ddb_endpoint() + " " + arguments + " 2>&1";
  Finished finished;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return finished;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) finished.output.append(buffer, n);
  const int status = ::pclose(pipe);
  finished.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return finished;
}

// Every match of `pattern` in `text`, as its capture groups.
std::vector<std::smatch> matches(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return {std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()};
}

TEST(Examples, WorkerPoolEveryWorkerFinishesRowsAndTokensRisePerRow) {
  const auto table = lease::testing::unique_table_name("ex-pool");
  const auto run = run_example("worker_pool", "--table " + table + " --workers 3 --rows 4 --seconds 2");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("created table " + table + "\n"));

  std::map<std::string, long long> last_token;  // row -> token of its latest take, in print order
  int takes = 0;
  for (const auto& m : matches(run.output, R"((worker-\d): took (job-\d) \(token (\d+), size \d\))")) {
    const long long token = std::stoll(m[3]);
    EXPECT_GT(token, last_token[m[2]]) << "row " << m[2] << " taken again without a higher token:\n" << run.output;
    last_token[m[2]] = token;
    ++takes;
  }
  EXPECT_GE(takes, 3) << run.output;
  for (const std::string worker : {"worker-1", "worker-2", "worker-3"}) {
    const auto finished = matches(run.output, worker + R"( finished (\d+) rows)");
    ASSERT_EQ(finished.size(), 1U) << run.output;
    EXPECT_GE(std::stoi(finished[0][1]), 1) << worker << " finished nothing:\n" << run.output;
  }
  EXPECT_THAT(run.output, HasSubstr("rows finished by 3 workers"));
}

TEST(Examples, LeaderElectionHandsOverWithRisingTokensAndFencesTheHungLeader) {
  const auto table = lease::testing::unique_table_name("ex-lock");
  const auto run = run_example("leader_election", "--table " + table + " --candidates 3");
  ASSERT_EQ(run.exit_code, 0) << run.output;

  const auto succession = matches(run.output, R"(succession: (.*))");
  ASSERT_EQ(succession.size(), 1U) << run.output;
  const std::string line = succession[0][1];
  const auto terms = matches(line, R"(candidate-\d \(token (\d+)\))");
  ASSERT_EQ(terms.size(), 3U) << run.output;
  for (std::size_t i = 1; i < terms.size(); ++i) {
    EXPECT_GT(std::stoll(terms[i][1]), std::stoll(terms[i - 1][1])) << run.output;
  }
  EXPECT_EQ(matches(run.output, R"(candidate-\d: stepped down)").size(), 2U) << run.output;
  EXPECT_THAT(run.output, HasSubstr("hangs without heartbeats"));
  EXPECT_THAT(run.output, HasSubstr("refused by fencing"));
  EXPECT_THAT(run.output, Not(HasSubstr("applied (WRONG)")));
  EXPECT_THAT(run.output, HasSubstr("done: 3 terms, no stale write applied"));
}

}  // namespace

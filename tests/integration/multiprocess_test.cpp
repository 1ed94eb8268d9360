// Mutual exclusion across separate processes: several lease_contender processes (tests/helpers) take
// rows of one pool table in turn; their holding intervals (wall clock) never overlap per row and the
// fencing tokens of each row rise in time order.

#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <vector>

#include "lease/pool.hpp"
#include "support/ddb_local.hpp"
#include "support/lease_fixture.hpp"

extern char** environ;

namespace lease::testing {
namespace {

/// Starts `argv[0]` with `argv`; returns its pid (0 when it could not be started).
pid_t spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return 0;
  return pid;
}

class MultiProcessTest : public LeaseTableTest {};

TEST_F(MultiProcessTest, MutualExclusionAcrossProcesses) {
  constexpr int kProcesses = 4;
  constexpr int kCycles = 8;
  auto table = create();
  {
    Pool pool(client(), table);
    ASSERT_EQ(pool.add_rows({{{"id", S("r0")}}, {{"id", S("r1")}}, {{"id", S("r2")}}}), 3U);
  }
  const std::string endpoint = ddb_endpoint();
  std::vector<std::string> outputs;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    outputs.push_back(::testing::TempDir() + table + "-" + std::to_string(p) + ".txt");
    const pid_t pid = spawn({LEASE_CONTENDER_PATH, endpoint, table, "process-" + std::to_string(p),
                             std::to_string(kCycles), outputs.back()});
    EXPECT_NE(pid, 0) << "could not start " << LEASE_CONTENDER_PATH;
    if (pid != 0) children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "contender " << pid << " failed: status " << status;
  }

  std::vector<Interval> all;
  for (const auto& path : outputs) {
    auto intervals = read_intervals(path);
    EXPECT_FALSE(intervals.empty()) << path;
    all.insert(all.end(), intervals.begin(), intervals.end());
    std::remove(path.c_str());
  }
  EXPECT_GE(all.size(), static_cast<std::size_t>(kProcesses * kCycles / 2));
  expect_exclusive(all);
}

}  // namespace
}  // namespace lease::testing

// The `lease` command-line tool, driven as a subprocess against DynamoDB Local: every command, its
// output and its exit code. Each test uses its own table.
//
// The binary is found next to the test executable's build folder: <dir of this exe>/../cli/lease.

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dynamodb/client.hpp"
#include "lease/error.hpp"
#include "support/ddb_local.hpp"

extern char** environ;

namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr auto kCommandTimeout = seconds(60);  // bound of every wait; never asserted on
constexpr const char* kSecret = "cli-test-secret-never-printed";

/// The built `lease` binary, or empty after failing the test with the reason.
std::string lease_binary() {
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  const auto binary = exe.parent_path() / ".." / "cli" / "lease";
  if (error || !std::filesystem::exists(binary)) {
    ADD_FAILURE() << "the lease binary is missing at " << binary
                  << ": build the lease_cli target (LEASE_BUILD_CLI=ON) before the integration tests";
    return {};
  }
  return std::filesystem::canonical(binary).string();
}

/// The environment of a `lease` child: ours, without anything that would change its connection,
/// plus DynamoDB Local's dummy credentials and region.
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    if (text.starts_with("AWS_") || text.starts_with("LEASE_")) continue;
    env.emplace_back(text);
  }
  env.emplace_back("AWS_ACCESS_KEY_ID=test");
  env.emplace_back(std::string("AWS_SECRET_ACCESS_KEY=") + kSecret);
  env.emplace_back("AWS_REGION=us-east-1");
  env.emplace_back("AWS_CONFIG_FILE=/dev/null");
  env.emplace_back("AWS_SHARED_CREDENTIALS_FILE=/dev/null");
  return env;
}

/// What a finished command did.
struct Result {
  int status = -1;  // exit status, or 128 + signal
  std::string out;
  std::string err;
};

/// A running child with its stdout/stderr captured through pipes.
class Process {
 public:
  Process(const std::vector<std::string>& args, const std::string& input) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    std::vector<std::string> argv_text = args;
    std::vector<std::string> env_text = child_environment();
    auto pointers = [](std::vector<std::string>& strings) {
      std::vector<char*> result;
      for (auto& text : strings) result.push_back(text.data());
      result.push_back(nullptr);
      return result;
    };
    auto argv = pointers(argv_text);
    auto envp = pointers(env_text);
    const int spawned = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    if (spawned != 0) throw std::runtime_error(std::string("posix_spawn: ") + std::strerror(spawned));
    // Small inputs only: they fit in the pipe, so writing before reading cannot block.
    if (!input.empty() && ::write(in[1], input.data(), input.size()) != static_cast<ssize_t>(input.size())) {
      throw std::runtime_error("writing the child's stdin failed");
    }
    ::close(in[1]);
    out_ = out[0];
    err_ = err[0];
    ::fcntl(out_, F_SETFL, O_NONBLOCK);
    ::fcntl(err_, F_SETFL, O_NONBLOCK);
  }

  ~Process() {
    if (!status_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
    ::close(err_);
  }

  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] const std::string& out() const { return result_.out; }

  /// Reads what is there, waiting up to `timeout` for something; true while the child may write more.
  bool pump(milliseconds timeout) {
    pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
    ::poll(fds, 2, static_cast<int>(timeout.count()));
    drain(out_, result_.out);
    drain(err_, result_.err);
    reap();
    return !status_;
  }

  /// Waits (bounded) until the child exits; kills it and fails the test when it does not.
  Result finish(std::chrono::steady_clock::duration timeout = kCommandTimeout) {
    const auto deadline = steady_clock::now() + timeout;
    while (pump(milliseconds(100))) {
      if (steady_clock::now() > deadline) {
        ADD_FAILURE() << "the command did not end in time; killing it. stderr so far: " << result_.err;
        ::kill(pid_, SIGKILL);
      }
    }
    drain(out_, result_.out);  // everything it wrote before exiting is in the pipes now
    drain(err_, result_.err);
    result_.status = *status_;
    return result_;
  }

 private:
  static void drain(int fd, std::string& into) {
    char buffer[4096];
    for (;;) {
      const ssize_t got = ::read(fd, buffer, sizeof buffer);
      if (got <= 0) return;  // EOF or nothing more for now
      into.append(buffer, static_cast<std::size_t>(got));
    }
  }

  void reap() {
    if (status_) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      status_ = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    }
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::optional<int> status_;
  Result result_;
};

/// Waits (bounded) until `done()` holds; false when it never did.
template <class Condition>
bool eventually(Condition done, std::chrono::steady_clock::duration timeout = kCommandTimeout) {
  const auto deadline = steady_clock::now() + timeout;
  while (!done()) {
    if (steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return true;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Error output is exactly one "lease: error: ..." line.
void expect_one_error_line(const Result& result) {
  EXPECT_THAT(result.err, StartsWith("lease: error: "));
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = lease_binary();
    ASSERT_FALSE(binary_.empty());
    endpoint_ = lease::testing::ddb_endpoint();
    table_ = lease::testing::unique_table_name("cli");
    dir_ = std::filesystem::temp_directory_path() / ("lease-cli-" + table_);
    std::filesystem::create_directories(dir_);
  }

  void TearDown() override {
    std::filesystem::remove_all(dir_);
    if (!created_) return;
    try {
      ddb().delete_table(table_);
    } catch (const lease::Error& e) {
      ADD_FAILURE() << "could not delete " << table_ << ": " << e.what();
    }
  }

  /// `lease --endpoint-url E --table T ARGS...`, run to completion.
  Result lease(const std::vector<std::string>& args, const std::string& input = {}) {
    Process process(command(args), input);
    return process.finish();
  }

  /// The same, started in the background.
  std::unique_ptr<Process> start(const std::vector<std::string>& args) {
    return std::make_unique<Process>(command(args), std::string());
  }

  std::vector<std::string> command(const std::vector<std::string>& args) const {
    std::vector<std::string> all{binary_, "--endpoint-url", endpoint_, "--table", table_};
    all.insert(all.end(), args.begin(), args.end());
    return all;
  }

  /// Creates the test's table (and marks it for deletion).
  void create_table(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"table", "create"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto result = lease(args);
    ASSERT_EQ(result.status, 0) << result.err;
    created_ = true;
  }

  /// Creates the table and adds rows with these keys.
  void create_rows(const std::vector<std::string>& keys) {
    ASSERT_NO_FATAL_FAILURE(create_table());
    std::vector<std::string> args{"add"};
    args.insert(args.end(), keys.begin(), keys.end());
    const auto result = lease(args);
    ASSERT_EQ(result.status, 0) << result.err;
  }

  json list_rows() {
    const auto result = lease({"list", "--json"});
    EXPECT_EQ(result.status, 0) << result.err;
    return json::parse(result.out);
  }

  json row(const std::string& key) {
    for (const auto& entry : list_rows()) {
      if (entry["key"] == key) return entry;
    }
    ADD_FAILURE() << "no row " << key;
    return json::object();
  }

  lease::dynamodb::Client& ddb() {
    if (!ddb_) {
      lease::ClientOptions options;
      options.endpoint_url = endpoint_;
      options.region = "us-east-1";
      options.credentials = lease::StaticCredentials{"test", "test", ""};
      ddb_ = std::make_unique<lease::dynamodb::Client>(options);
    }
    return *ddb_;
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string binary_;
  std::string endpoint_;
  std::string table_;
  std::filesystem::path dir_;
  bool created_ = false;
  std::unique_ptr<lease::dynamodb::Client> ddb_;
};

// --- table ---------------------------------------------------------------------------------------

TEST_F(CliTest, TableCreateDescribesTheNewTableAndRefusesAnExistingOne) {
  ASSERT_NO_FATAL_FAILURE(create_table({"--hash-key", "name", "--buckets", "4"}));
  const auto described = lease({"table", "describe", "--json"});
  ASSERT_EQ(described.status, 0) << described.err;
  const auto info = json::parse(described.out);
  EXPECT_EQ(info["name"], table_);
  EXPECT_EQ(info["status"], "ACTIVE");
  EXPECT_EQ(info["hash_key"], "name");
  EXPECT_EQ(info["indexes"], json::array({"LeaseIndex_4"}));

  const auto human = lease({"table", "describe"});
  EXPECT_EQ(human.status, 0);
  EXPECT_THAT(human.out, HasSubstr("LeaseIndex_4"));

  const auto again = lease({"table", "create"});
  EXPECT_EQ(again.status, 2);
  expect_one_error_line(again);
  EXPECT_THAT(again.err, HasSubstr(table_));
}

TEST_F(CliTest, IndexRowsMakesRowsWrittenElsewhereObtainable) {
  ASSERT_NO_FATAL_FAILURE(create_table());
  lease::dynamodb::PutItemRequest put;  // a row as another program wrote it: no index attributes
  put.table_name = table_;
  put.item = {{"id", lease::AttributeValue::string("legacy")}};
  ddb().put_item(put);
  EXPECT_EQ(lease({"obtain", "--duration", "30s"}).status, 1) << "not in the index yet";

  const auto indexed = lease({"table", "index-rows", "--json"});
  ASSERT_EQ(indexed.status, 0) << indexed.err;
  EXPECT_EQ(json::parse(indexed.out)["updated"], 1);

  const auto obtained = lease({"obtain", "--duration", "30s", "--json"});
  ASSERT_EQ(obtained.status, 0) << obtained.err;
  EXPECT_EQ(json::parse(obtained.out)["key"], "legacy");
}

// --- add and list --------------------------------------------------------------------------------

TEST_F(CliTest, AddTakesKeysWithAttributesAndDynamoDbJsonLines) {
  ASSERT_NO_FATAL_FAILURE(create_table());
  const auto by_key = lease({"add", "a", "b", "--attr", "queue=fast", "--attr", "size=3"});
  ASSERT_EQ(by_key.status, 0) << by_key.err;

  {
    std::ofstream file(path("rows.jsonl"));
    file << R"({"id":{"S":"c"},"n":{"N":"7"},"tags":{"SS":["x","y"]}})" << "\n\n";
  }
  const auto from_file = lease({"add", "--from", path("rows.jsonl"), "--json"});
  ASSERT_EQ(from_file.status, 0) << from_file.err;
  EXPECT_EQ(json::parse(from_file.out)["added"], 1);

  const auto from_stdin = lease({"add", "--from", "-"}, R"({"id":{"S":"d"}})" "\n");
  ASSERT_EQ(from_stdin.status, 0) << from_stdin.err;

  const auto rows = list_rows();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], json({{"table", table_},
                           {"key", "a"},
                           {"lessee", nullptr},
                           {"token", 0},
                           {"lease_until_ns", 0},
                           {"attributes", {{"queue", {{"S", "fast"}}}, {"size", {{"S", "3"}}}}}}));
  EXPECT_EQ(rows[2]["attributes"], json::parse(R"({"n":{"N":"7"},"tags":{"SS":["x","y"]}})"));
  EXPECT_EQ(rows[3]["key"], "d");
  EXPECT_EQ(rows[3]["attributes"], json::object());

  const auto human = lease({"list"});
  EXPECT_EQ(human.status, 0);
  EXPECT_THAT(human.out, HasSubstr("queue=fast"));
  EXPECT_THAT(human.out, HasSubstr("free"));
}

TEST_F(CliTest, AddNeverOverwritesAndRejectsBadInput) {
  ASSERT_NO_FATAL_FAILURE(create_rows({"a"}));
  const auto duplicate = lease({"add", "a", "b"});
  EXPECT_EQ(duplicate.status, 2);
  expect_one_error_line(duplicate);
  EXPECT_THAT(duplicate.err, HasSubstr("a"));
  EXPECT_EQ(list_rows().size(), 2u) << "b was still added";

  const auto bad_json = lease({"add", "--from", "-"}, "{\"id\":{\"S\":\"c\"}}\n{\"id\":{\"X\":\"d\"}}\n");
  EXPECT_EQ(bad_json.status, 2);
  expect_one_error_line(bad_json);
  EXPECT_THAT(bad_json.err, HasSubstr("stdin:2"));

  const auto bad_attr = lease({"add", "c", "--attr", "novalue"});
  EXPECT_EQ(bad_attr.status, 2);
  expect_one_error_line(bad_attr);

  const auto missing_file = lease({"add", "--from", path("absent.jsonl")});
  EXPECT_EQ(missing_file.status, 2);
  expect_one_error_line(missing_file);
  EXPECT_EQ(list_rows().size(), 2u);
}

// --- obtain, renew, release ----------------------------------------------------------------------

TEST_F(CliTest, ObtainPrintsTheRowAndKeepsItAfterExit) {
  ASSERT_NO_FATAL_FAILURE(create_table());
  ASSERT_EQ(lease({"add", "only", "--attr", "colour=red"}).status, 0);
  const auto obtained = lease({"obtain", "--lessee", "worker-1", "--duration", "1m", "--json"});
  ASSERT_EQ(obtained.status, 0) << obtained.err;
  const auto held = json::parse(obtained.out);
  EXPECT_EQ(held["table"], table_);
  EXPECT_EQ(held["key"], "only");
  EXPECT_EQ(held["lessee"], "worker-1");
  EXPECT_EQ(held["token"], 1);
  EXPECT_GT(held["lease_until_ns"].get<std::int64_t>(), 0);
  EXPECT_EQ(held["attributes"], json::parse(R"({"colour":{"S":"red"}})"));

  const auto listed = row("only");  // the process has exited; the lease is still held
  EXPECT_EQ(listed["lessee"], "worker-1");
  EXPECT_EQ(listed["lease_until_ns"], held["lease_until_ns"]);

  const auto none = lease({"obtain", "--lessee", "worker-2", "--duration", "1m"});
  EXPECT_EQ(none.status, 1);
  expect_one_error_line(none);
  const auto waited = lease({"obtain", "--lessee", "worker-2", "--duration", "1m", "--wait", "300ms"});
  EXPECT_EQ(waited.status, 1);
}

TEST_F(CliTest, RenewAndReleaseNeedTheHoldersLesseeAndToken) {
  ASSERT_NO_FATAL_FAILURE(create_rows({"only"}));
  const auto obtained = lease({"obtain", "--lessee", "w", "--duration", "1m", "--json"});
  ASSERT_EQ(obtained.status, 0) << obtained.err;
  const auto token = std::to_string(json::parse(obtained.out)["token"].get<std::int64_t>());

  const auto renewed = lease({"renew", "only", "--lessee", "w", "--token", token, "--duration", "5m", "--json"});
  ASSERT_EQ(renewed.status, 0) << renewed.err;
  EXPECT_EQ(json::parse(renewed.out)["lease_until_ns"], row("only")["lease_until_ns"]);
  EXPECT_GT(json::parse(renewed.out)["lease_until_ns"].get<std::int64_t>(),
            json::parse(obtained.out)["lease_until_ns"].get<std::int64_t>());

  const auto wrong_token = lease({"renew", "only", "--lessee", "w", "--token", "99"});
  EXPECT_EQ(wrong_token.status, 3);
  expect_one_error_line(wrong_token);
  EXPECT_THAT(wrong_token.err, HasSubstr("lease lost"));

  const auto wrong_lessee = lease({"release", "only", "--lessee", "someone-else", "--token", token});
  EXPECT_EQ(wrong_lessee.status, 3);
  expect_one_error_line(wrong_lessee);
  EXPECT_EQ(row("only")["lessee"], "w");

  const auto released = lease({"release", "only", "--lessee", "w", "--token", token});
  EXPECT_EQ(released.status, 0) << released.err;
  EXPECT_EQ(row("only")["lessee"], nullptr);
  EXPECT_EQ(lease({"obtain", "--duration", "1m"}).status, 0) << "free again";
}

// --- named locks and force-release ---------------------------------------------------------------

TEST_F(CliTest, AcquireTakesANamedLockWithData) {
  ASSERT_NO_FATAL_FAILURE(create_table());
  const auto acquired = lease({"acquire", "leader", "--lessee", "node-a", "--duration", "1m", "--data", "hi", "--json"});
  ASSERT_EQ(acquired.status, 0) << acquired.err;
  const auto held = json::parse(acquired.out);
  EXPECT_EQ(held["key"], "leader");
  EXPECT_EQ(held["lessee"], "node-a");
  EXPECT_EQ(held["token"], 1);
  EXPECT_EQ(held["attributes"]["LockData"], json({{"B", "aGk="}}));  // base64("hi")

  const auto busy = lease({"acquire", "leader", "--lessee", "node-b", "--duration", "1m", "--wait", "300ms"});
  EXPECT_EQ(busy.status, 1);
  expect_one_error_line(busy);
  EXPECT_THAT(busy.err, HasSubstr("leader"));
}

TEST_F(CliTest, ForceReleaseNeedsYesAndSaysWhatItOverrode) {
  ASSERT_NO_FATAL_FAILURE(create_rows({"stuck"}));
  ASSERT_EQ(lease({"obtain", "--lessee", "crashed-worker", "--duration", "1h"}).status, 0);

  const auto unconfirmed = lease({"force-release", "stuck"});
  EXPECT_EQ(unconfirmed.status, 2);
  expect_one_error_line(unconfirmed);
  EXPECT_THAT(unconfirmed.err, HasSubstr("--yes"));
  EXPECT_EQ(row("stuck")["lessee"], "crashed-worker");

  const auto forced = lease({"force-release", "stuck", "--yes"});
  ASSERT_EQ(forced.status, 0) << forced.err;
  EXPECT_THAT(forced.out, HasSubstr("crashed-worker"));
  EXPECT_THAT(forced.out, HasSubstr("token 1"));
  EXPECT_EQ(row("stuck")["lessee"], nullptr);

  const auto next = lease({"obtain", "--duration", "1m", "--json"});
  ASSERT_EQ(next.status, 0);
  EXPECT_EQ(json::parse(next.out)["token"], 2) << "the token was kept, so the next holder's is higher";

  const auto missing = lease({"force-release", "no-such-row", "--yes"});
  EXPECT_EQ(missing.status, 2);
  expect_one_error_line(missing);
  EXPECT_THAT(missing.err, HasSubstr("no-such-row"));
}

// --- watch ---------------------------------------------------------------------------------------

TEST_F(CliTest, WatchRepeatsTheListingUntilInterrupted) {
  ASSERT_NO_FATAL_FAILURE(create_rows({"r1", "r2"}));
  auto watch = start({"watch", "--interval", "100ms"});
  const auto deadline = steady_clock::now() + kCommandTimeout;
  auto blocks = [&] {
    const std::string header = "table '" + table_ + "' at ";
    std::size_t count = 0;
    for (auto at = watch->out().find(header); at != std::string::npos; at = watch->out().find(header, at + 1)) ++count;
    return count;
  };
  while (blocks() < 2 && watch->pump(milliseconds(100)) && steady_clock::now() < deadline) {
  }
  ASSERT_GE(blocks(), 2u) << "watch did not refresh";
  ::kill(watch->pid(), SIGINT);
  const auto result = watch->finish();
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("r1"));
  EXPECT_THAT(result.out, HasSubstr("r2"));
  EXPECT_EQ(result.out.find("\x1b["), std::string::npos) << "no escapes when stdout is not a terminal";
}

// --- run -----------------------------------------------------------------------------------------

TEST_F(CliTest, RunPassesTheLeaseInTheEnvironmentAndTheExitStatusThrough) {
  ASSERT_NO_FATAL_FAILURE(create_rows({"job"}));
  const auto result = lease({"run", "--pool", "--lessee", "runner", "--duration", "30s", "--", "sh", "-c",
                             "echo \"$LEASE_TABLE|$LEASE_KEY|$LEASE_TOKEN|$LEASE_LESSEE\"; exit 7"});
  EXPECT_EQ(result.status, 7) << result.err;
  EXPECT_EQ(result.out, table_ + "|job|1|runner\n");
  EXPECT_EQ(row("job")["lessee"], nullptr) << "released when the command ended";
  EXPECT_EQ(row("job")["token"], 1);

  const auto killed = lease({"run", "--key", "lock-1", "--duration", "30s", "--", "sh", "-c", "kill -TERM $$"});
  EXPECT_EQ(killed.status, 128 + SIGTERM);
  EXPECT_EQ(row("lock-1")["lessee"], nullptr);

  const auto not_found = lease({"run", "--pool", "--duration", "30s", "--", "/no/such/command"});
  EXPECT_EQ(not_found.status, 127);
  expect_one_error_line(not_found);
  EXPECT_EQ(row("job")["lessee"], nullptr) << "released although the command could not start";
}

TEST_F(CliTest, RunDoesNotStartTheCommandWhenNothingIsFree) {
  ASSERT_NO_FATAL_FAILURE(create_rows({"job"}));
  ASSERT_EQ(lease({"obtain", "--lessee", "other", "--duration", "1h"}).status, 0);
  const auto marker = path("ran");
  const auto result =
      lease({"run", "--pool", "--duration", "30s", "--wait", "200ms", "--", "sh", "-c", "touch " + marker});
  EXPECT_EQ(result.status, 1);
  expect_one_error_line(result);
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST_F(CliTest, RunForwardsSigtermToTheCommand) {
  ASSERT_NO_FATAL_FAILURE(create_rows({"job"}));
  const auto started = path("started");
  auto run = start({"run", "--pool", "--duration", "30s", "--", "sh", "-c",
                    "trap 'echo got-term; exit 42' TERM; touch " + started + "; while :; do sleep 0.1; done"});
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(started) || !run->pump(milliseconds(0)); }));
  ::kill(run->pid(), SIGTERM);
  const auto result = run->finish();
  EXPECT_EQ(result.status, 42) << result.err;
  EXPECT_THAT(result.out, HasSubstr("got-term"));
  EXPECT_EQ(row("job")["lessee"], nullptr);
}

TEST_F(CliTest, RunThatLosesItsLeaseKillsTheCommandAndExits3) {
  ASSERT_NO_FATAL_FAILURE(create_rows({"only"}));
  const auto file = path("token");
  auto run = start({"run", "--pool", "--lessee", "runner", "--duration", "2s", "--grace", "1s", "--", "sh", "-c",
                    "echo $LEASE_TOKEN $$ > " + file + ".tmp; mv " + file + ".tmp " + file + "; sleep 60"});
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(file) || !run->pump(milliseconds(0)); }))
      << "the command never started";
  int token = 0;
  pid_t child = 0;
  std::istringstream(read_file(file)) >> token >> child;
  ASSERT_EQ(token, 1);
  ASSERT_GT(child, 0);

  ASSERT_EQ(::kill(run->pid(), SIGSTOP), 0);  // no heartbeats while stopped: the lease lapses
  const auto thief = lease({"obtain", "--lessee", "thief", "--duration", "1h", "--wait", "30s", "--json"});
  ::kill(run->pid(), SIGCONT);
  ASSERT_EQ(thief.status, 0) << thief.err;
  EXPECT_EQ(json::parse(thief.out)["token"], 2);

  // Well before the command's own `sleep 60` ends: only killing it can end `lease run` this soon.
  const auto result = run->finish(seconds(30));
  EXPECT_EQ(result.status, 3) << result.err;
  EXPECT_THAT(result.err, HasSubstr("lease lost"));
  EXPECT_EQ(::kill(child, 0), -1) << "the command is still running";
  EXPECT_EQ(errno, ESRCH);
  EXPECT_TRUE(eventually([&] { return ::kill(-child, 0) == -1 && errno == ESRCH; }))
      << "the command's process group (its sleep) is still there";
  EXPECT_EQ(row("only")["lessee"], "thief") << "the loser must not release the thief's lease";
}

TEST_F(CliTest, RunKillsACommandThatIgnoresSigtermAfterTheGrace) {
  ASSERT_NO_FATAL_FAILURE(create_rows({"only"}));
  const auto file = path("pid");
  // Ignored signals stay ignored across exec: neither sh nor its sleep reacts to SIGTERM.
  auto run = start({"run", "--pool", "--duration", "3s", "--grace", "500ms", "--", "sh", "-c",
                    "trap '' TERM; echo $$ > " + file + ".tmp; mv " + file + ".tmp " + file + "; sleep 60"});
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(file) || !run->pump(milliseconds(0)); }));
  pid_t child = 0;
  std::istringstream(read_file(file)) >> child;
  ASSERT_GT(child, 0);

  const auto forced = lease({"force-release", "only", "--yes"});  // an operator takes it away
  ASSERT_EQ(forced.status, 0) << forced.err;
  const auto result = run->finish(seconds(30));  // well before the command's own `sleep 60` ends
  EXPECT_EQ(result.status, 3) << result.err;
  expect_one_error_line(result);
  EXPECT_TRUE(eventually([&] { return ::kill(-child, 0) == -1 && errno == ESRCH; }))
      << "the command's process group is still there";
}

// --- usage and connection errors -----------------------------------------------------------------

TEST_F(CliTest, UsageErrorsExit2WithOneLine) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"no-such-command"},
           {"obtain"},  // --duration is required
           {"obtain", "--duration", "soon"},
           {"renew", "k", "--lessee", "w"},  // --token is required
           {"run", "--duration", "1s", "--", "true"},  // neither --pool nor --key
           {"list", "--unknown-option"}}) {
    const auto result = lease(args);
    EXPECT_EQ(result.status, 2) << args[0];
    expect_one_error_line(result);
    EXPECT_EQ(result.out, "");
  }
  Process no_table({binary_, "--endpoint-url", endpoint_, "list"}, "");
  const auto result = no_table.finish();
  EXPECT_EQ(result.status, 2);
  EXPECT_THAT(result.err, HasSubstr("--table"));
}

TEST_F(CliTest, MissingTableExits2AndNamesIt) {
  const auto result = lease({"list"});  // never created
  EXPECT_EQ(result.status, 2);
  expect_one_error_line(result);
  EXPECT_THAT(result.err, HasSubstr("'" + table_ + "' does not exist"));
}

TEST_F(CliTest, UnreachableEndpointExits4) {
  Process process({binary_, "--endpoint-url", "http://127.0.0.1:1", "--table", table_, "list"}, "");
  const auto result = process.finish();
  EXPECT_EQ(result.status, 4);
  expect_one_error_line(result);
  EXPECT_THAT(result.err, HasSubstr("127.0.0.1:1"));
  EXPECT_THAT(result.err, Not(HasSubstr(kSecret)));
}

TEST_F(CliTest, HelpDocumentsEveryCommandAndTheExitCodes) {
  const auto result = lease({"--help"});
  EXPECT_EQ(result.status, 0);
  for (const char* name : {"table", "add", "list", "obtain", "acquire", "renew", "release", "force-release", "watch",
                           "run", "Exit codes", "--endpoint-url", "--json"}) {
    EXPECT_THAT(result.out, HasSubstr(name));
  }
  const auto run_help = lease({"run", "--help"});
  EXPECT_EQ(run_help.status, 0);
  EXPECT_THAT(run_help.out, HasSubstr("--grace"));
  EXPECT_THAT(run_help.out, HasSubstr("LEASE_TOKEN"));
}

}  // namespace

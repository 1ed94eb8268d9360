// Leader election: candidates compete for the named lock "leader". The leader writes to a shared
// resource with its fencing token, then steps down; the second leader instead hangs (stops
// heartbeating), so the next one takes over only once its lease lapses, and the hung leader's late
// write is then refused by the resource because its token is stale. Run against DynamoDB Local:
//
//   export AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_REGION=us-east-1
//   ./leader_election --endpoint-url http://127.0.0.1:8000 [--table locks] [--candidates 3]
//
// The endpoint may also come from AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL. Exits by itself.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <lease/client.hpp>
#include <lease/error.hpp>
#include <lease/lock.hpp>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "example_support.hpp"

using namespace std::chrono_literals;

namespace {

using example::say;

// The protected resource (a database, a file store, ...): it remembers the highest fencing token it
// has seen and refuses writes that carry a lower one. Thread-safe.
class FencedResource {
 public:
  // Applies the write unless `token` is older than one already seen.
  bool write(std::int64_t token) {
    std::lock_guard lock(mutex_);
    if (token < highest_) return false;
    highest_ = token;
    changed_.notify_all();
    return true;
  }
  // Waits (bounded) until a write with a token above `token` was applied.
  void wait_for_newer_than(std::int64_t token) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 30s, [&] { return highest_ > token; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::int64_t highest_ = 0;
};

// What the candidates share in this program (separate processes would share only the table).
struct Election {
  FencedResource resource;              // what the leader writes to
  int hang_term = 0;                    // this term's leader hangs instead of stepping down
  std::vector<std::string> succession;  // "candidate-2 (token 1)", in order; under print_mutex
};

// One candidate, as if it were its own process (its own LockClient and heartbeat threads): waits to
// become leader, leads for a few steps, then steps down (or hangs, in the election's hang term).
bool campaign(const lease::Client& client, const std::string& table, Election& election, const std::string& me) {
  lease::LockClient locks(client, table);
  auto leader = locks.acquire({.key = "leader", .lease = {.lessee = me, .duration = 1500ms}}, {.max_wait = 60s});
  if (!leader) {
    say("%s: gave up waiting for the lock\n", me.c_str());
    return false;
  }
  const auto token = static_cast<long long>(leader->token());
  int term = 0;
  {
    std::lock_guard lock(example::print_mutex);
    election.succession.push_back(me + " (token " + std::to_string(token) + ")");
    term = static_cast<int>(election.succession.size());
  }
  say("%s: became leader (term %d, token %lld)\n", me.c_str(), term, token);
  for (int step = 1; step <= 3 && leader->valid(); ++step) {  // check valid() before each write
    const bool applied = election.resource.write(leader->token());
    say("%s: wrote step %d with token %lld: %s\n", me.c_str(), step, token, applied ? "applied" : "refused");
    std::this_thread::sleep_for(200ms);
  }
  if (term != election.hang_term) {
    leader->release();
    say("%s: stepped down (token %lld)\n", me.c_str(), token);
    return true;
  }
  // Simulate a hang (GC pause, SIGSTOP): heartbeats stop, the lease lapses, someone else leads.
  leader->keep();
  say("%s: hangs without heartbeats; its lease will lapse\n", me.c_str());
  election.resource.wait_for_newer_than(leader->token());
  const bool applied = election.resource.write(leader->token());  // a late write from a stale leader
  say("%s: woke up and wrote with stale token %lld: %s\n", me.c_str(), token,
      applied ? "applied (WRONG)" : "refused by fencing");
  return !applied;
}

}  // namespace

int main(int argc, char** argv) {
  return example::guarded_main("leader_election", [&] {
    const std::string table = example::option(argc, argv, "--table", "examples-locks");
    const int candidates = std::stoi(example::option(argc, argv, "--candidates", "3"));

    lease::Client client({.endpoint_url = example::option(argc, argv, "--endpoint-url", "")});
    example::ensure_table(client, table, /*with_index=*/false);

    Election election;
    election.hang_term = candidates >= 3 ? 2 : 0;  // the second leader hangs (a third takes over)
    std::atomic<bool> ok{true};
    {
      std::vector<std::jthread> threads;
      for (int i = 1; i <= candidates; ++i) {
        threads.emplace_back([&, me = "candidate-" + std::to_string(i)] {
          try {
            if (!campaign(client, table, election, me)) ok = false;
          } catch (const lease::Error& e) {  // AWS or network failure (after retries)
            say("%s: error: %s (%s)\n", me.c_str(), e.what(), e.code().c_str());
            ok = false;
          }
        });
      }
    }  // joins every candidate
    std::string line;
    for (const auto& leader : election.succession) line += (line.empty() ? "" : " -> ") + leader;
    std::printf("succession: %s\n", line.c_str());
    std::printf("done: %zu terms, %s\n", election.succession.size(), ok ? "no stale write applied" : "FAILED");
    return ok ? 0 : 1;
  });
}

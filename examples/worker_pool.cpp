// Worker pool: several workers share one pool table; each repeatedly takes *any* free row, works on
// it while its lease is valid, and releases it. Run against DynamoDB Local:
//
//   export AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_REGION=us-east-1
//   ./worker_pool --endpoint-url http://127.0.0.1:8000 [--table jobs] [--workers 3] [--rows 6] [--seconds 3]
//
// The endpoint may also come from AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL. Exits by itself.

#include <chrono>
#include <cstdio>
#include <lease/client.hpp>
#include <lease/error.hpp>
#include <lease/pool.hpp>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "example_support.hpp"

using namespace std::chrono_literals;

namespace {

using example::say;

// Creates the pool table unless it exists, then adds rows job-1..job-N (rows that exist are kept).
void prepare(const lease::Client& client, const std::string& table, int rows) {
  example::ensure_table(client, table, /*with_index=*/true);
  std::vector<lease::AttributeMap> items;
  for (int i = 1; i <= rows; ++i) {
    items.push_back({{"id", lease::AttributeValue::string("job-" + std::to_string(i))},
                     {"size", lease::AttributeValue::number(std::int64_t{i % 3 + 1})}});
  }
  lease::Pool pool(client, table);
  try {
    pool.add_rows(items);
  } catch (const lease::InvalidArgument&) {  // rows left from an earlier run: fine, reuse them
  }
}

// One worker: take any free row, work on it while the lease is valid, release it; until stopped.
int work(lease::Pool& pool, const std::string& me, std::stop_token stop) {
  int done = 0;
  while (!stop.stop_requested()) {
    auto job = pool.wait_until_obtained({.lessee = me, .duration = 2s}, {.max_wait = 1s}, stop);
    if (!job) continue;  // nothing free within a second (or stopping): try again
    const auto size = job->attributes().at("size").as_int64();
    say("%s: took %s (token %lld, size %lld)\n", me.c_str(), job->key().c_str(), static_cast<long long>(job->token()),
        static_cast<long long>(size));
    for (int step = 0; step < size && job->valid(); ++step) {
      std::this_thread::sleep_for(250ms);  // the "work"; heartbeats renew the lease meanwhile
    }
    if (job->valid()) ++done;  // finished while still holding it
    job->release();
    say("%s: released %s\n", me.c_str(), job->key().c_str());
  }
  return done;
}

}  // namespace

int main(int argc, char** argv) {
  return example::guarded_main("worker_pool", [&] {
    const std::string table = example::option(argc, argv, "--table", "examples-jobs");
    const int workers = std::stoi(example::option(argc, argv, "--workers", "3"));
    const int rows = std::stoi(example::option(argc, argv, "--rows", "6"));
    const auto run_for = std::chrono::seconds(std::stoi(example::option(argc, argv, "--seconds", "3")));

    lease::Client client({.endpoint_url = example::option(argc, argv, "--endpoint-url", "")});
    prepare(client, table, rows);
    lease::Pool pool(client, table);  // one pool shared by every thread

    std::map<std::string, int> done;  // worker -> rows finished
    bool failed = false;
    {
      std::vector<std::jthread> threads;
      for (int i = 1; i <= workers; ++i) {
        const std::string me = "worker-" + std::to_string(i);
        threads.emplace_back([&pool, &done, &failed, me](std::stop_token stop) {
          try {
            const int n = work(pool, me, stop);
            std::lock_guard lock(example::print_mutex);
            done[me] = n;
          } catch (const lease::Error& e) {  // AWS or network failure (after retries)
            std::lock_guard lock(example::print_mutex);
            std::fprintf(stderr, "%s: %s (%s)\n", me.c_str(), e.what(), e.code().c_str());
            failed = true;
          }
        });
      }
      std::this_thread::sleep_for(run_for);
    }  // jthreads: request stop and join

    int total = 0;
    for (const auto& [worker, n] : done) {
      std::printf("%s finished %d rows\n", worker.c_str(), n);
      total += n;
    }
    std::printf("done: %d rows finished by %d workers\n", total, workers);
    return failed ? 1 : 0;
  });
}

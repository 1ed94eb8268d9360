// UpdateItem round trips per second over one reused connection against DynamoDB Local, and the
// client's CPU time per request (process CPU time / iterations; DynamoDB Local is another process).
// A second benchmark only builds, marshals and signs each request, answered by an in-memory
// transport, to show the client's own cost without the network.
//
// Endpoint: LEASE_BENCH_ENDPOINT; when unset, the benchmark starts DynamoDB Local itself
// (scripts/dynamodb-local) in a temporary directory and stops it at the end. Prints; asserts nothing.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "alloc_counter.hpp"
#include "aws/curl_transport.hpp"
#include "aws/http.hpp"
#include "dynamodb/client.hpp"
#include "lease/error.hpp"

namespace {

using lease::AttributeValue;
using namespace lease::dynamodb;

/// DynamoDB Local for the benchmark's lifetime: the given endpoint, or one it starts and stops.
class LocalDynamo {
 public:
  LocalDynamo() {
    if (const char* given = std::getenv("LEASE_BENCH_ENDPOINT"); given != nullptr && *given != '\0') {
      endpoint_ = given;
      return;
    }
    char pattern[] = "/tmp/lease-bench-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    if (std::system(script("start").c_str()) != 0) throw std::runtime_error("could not start DynamoDB Local");
    std::ifstream(dir_ + "/endpoint") >> endpoint_;
  }
  ~LocalDynamo() {
    if (dir_.empty()) return;
    (void)std::system(script("stop").c_str());
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  LocalDynamo(const LocalDynamo&) = delete;
  LocalDynamo& operator=(const LocalDynamo&) = delete;

  [[nodiscard]] const std::string& endpoint() const { return endpoint_; }

 private:
  [[nodiscard]] std::string script(const char* command) const {
    return std::string(LEASE_SOURCE_DIR) + "/scripts/dynamodb-local " + command + " '" + dir_ + "' >/dev/null";
  }
  std::string dir_;
  std::string endpoint_;
};

/// Answers every request with an empty 200 JSON object, without any I/O.
class NullTransport final : public lease::aws::HttpTransport {
 public:
  lease::aws::HttpResponse send(const std::string&, const lease::aws::HttpRequest& request) override {
    benchmark::DoNotOptimize(request.headers.data());
    return {200, {}, "{}"};
  }
};

lease::aws::ResolvedConfig config_for(std::string endpoint) {
  lease::aws::ResolvedConfig config;
  config.endpoint = std::move(endpoint);
  config.region = "us-east-1";
  config.credentials = lease::aws::Credentials{"AKIDEXAMPLE", "bench-secret", ""};
  return config;
}

UpdateItemRequest increment(const std::string& table) {
  UpdateItemRequest request;
  request.table_name = table;
  request.key = {{"pk", AttributeValue::string("counter")}};
  request.update_expression = "SET #n = if_not_exists(#n, :zero) + :one, #o = :owner";
  request.condition_expression = "attribute_not_exists(#o) OR #o = :owner";
  request.expression_attribute_names = {{"#n", "n"}, {"#o", "owner"}};
  request.expression_attribute_values = {{":zero", AttributeValue::number(0)},
                                         {":one", AttributeValue::number(1)},
                                         {":owner", AttributeValue::string("bench-worker-1")}};
  request.return_values = ReturnValues::all_new;
  return request;
}

std::unique_ptr<LocalDynamo> local;
std::unique_ptr<Client> client;
std::string table = "lease-bench-update-item";

void BM_UpdateItemRoundTrip(benchmark::State& state) {
  const auto request = increment(table);
  const auto before = client->stats();
  const auto allocations_before = lease::bench::allocations();
  for (auto _ : state) {
    benchmark::DoNotOptimize(client->update_item(request));
  }
  const auto allocations = lease::bench::allocations() - allocations_before;
  const auto after = client->stats();
  state.counters["allocs_per_request"] =
      static_cast<double>(allocations) / static_cast<double>(std::max<std::int64_t>(1, state.iterations()));
  state.counters["round_trips_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                           benchmark::Counter::kIsRate);
  state.counters["connections_opened"] = static_cast<double>(after.connections_opened - before.connections_opened);
  state.counters["retries"] = static_cast<double>(after.retries - before.retries);
}
BENCHMARK(BM_UpdateItemRoundTrip)->MeasureProcessCPUTime()->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_UpdateItemBuildSignMarshalOnly(benchmark::State& state) {
  Client offline(config_for("http://127.0.0.1:1"), std::make_shared<NullTransport>(), lease::RetryOptions{}, {});
  const auto request = increment(table);
  const auto allocations_before = lease::bench::allocations();
  for (auto _ : state) {
    benchmark::DoNotOptimize(offline.update_item(request));
  }
  state.counters["allocs_per_request"] =
      static_cast<double>(lease::bench::allocations() - allocations_before) /
      static_cast<double>(std::max<std::int64_t>(1, state.iterations()));
  state.counters["requests_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                        benchmark::Counter::kIsRate);
}
BENCHMARK(BM_UpdateItemBuildSignMarshalOnly)->MeasureProcessCPUTime()->UseRealTime()->Unit(benchmark::kMicrosecond);

void create_table() {
  CreateTableRequest request;
  request.table_name = table;
  request.key_schema = {"pk", std::nullopt};
  request.attribute_definitions = {{"pk", ScalarType::string}};
  (void)client->create_table(request);
  (void)client->wait_until_active(table, std::chrono::seconds{60});
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  try {
    local = std::make_unique<LocalDynamo>();
    client = std::make_unique<Client>(config_for(local->endpoint()),
                                      std::make_shared<lease::aws::CurlTransport>(lease::aws::TransportOptions{}),
                                      lease::RetryOptions{}, lease::Logger{});
    table += "-" + std::to_string(::getpid());
    create_table();
    std::cout << "DynamoDB Local at " << local->endpoint() << ", table " << table << "\n";
    // Warm up DynamoDB Local's JIT and the connection pool, so the first benchmark is not the cold one.
    for (int i = 0; i < 300; ++i) (void)client->update_item(increment(table));
    benchmark::RunSpecifiedBenchmarks();
    client->delete_table(table);
  } catch (const std::exception& e) {
    std::cerr << "lease_bench_update_item: " << e.what() << "\n";
    client.reset();
    local.reset();
    return 1;
  }
  benchmark::Shutdown();
  client.reset();
  local.reset();
  return 0;
}

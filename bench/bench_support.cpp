#include "bench_support.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <string_view>
#include <thread>

#include "aws/curl_transport.hpp"
#include "dynamodb/client.hpp"
#include "lease/pool_impl.hpp"

namespace lease::bench {

namespace {

// Single-table item operations, by the suffix of their X-Amz-Target header.
bool reports_capacity(std::string_view target) {
  for (std::string_view op : {".GetItem", ".PutItem", ".UpdateItem", ".DeleteItem", ".Query", ".Scan"}) {
    if (target.size() >= op.size() && target.substr(target.size() - op.size()) == op) return true;
  }
  return false;
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

}  // namespace

aws::HttpResponse CapacityReportingTransport::send(const std::string& endpoint, const aws::HttpRequest& request) {
  for (const auto& header : request.headers) {
    if (header.name != "X-Amz-Target" || !reports_capacity(header.value)) continue;
    auto body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object() || body.contains("ReturnConsumedCapacity")) break;
    body["ReturnConsumedCapacity"] = "TOTAL";
    aws::HttpRequest changed = request;
    changed.body = body.dump();
    return inner_->send(endpoint, changed);
  }
  return inner_->send(endpoint, request);
}

lease::Client local_client(const std::string& endpoint, bool report_capacity) {
  aws::ResolvedConfig config;
  config.endpoint = endpoint;
  config.region = "us-east-1";
  config.credentials = aws::Credentials{"AKIDBENCH", "bench-secret", ""};
  config.credentials_source = "explicit";
  auto curl = std::make_shared<aws::CurlTransport>(aws::TransportOptions{});
  std::shared_ptr<aws::HttpTransport> transport = std::move(curl);
  if (report_capacity) transport = std::make_shared<CapacityReportingTransport>(std::move(transport));
  return lease::Client(std::make_shared<dynamodb::Client>(std::move(config), std::move(transport),
                                                          lease::RetryOptions{}, lease::Logger{}));
}

std::string row_key(std::size_t i) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "row-%07zu", i);
  return buffer;
}

std::vector<bool> free_row_mask(const RowSpec& spec) {
  std::vector<std::size_t> order(spec.rows);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::mt19937_64 engine(20240601);
  std::shuffle(order.begin(), order.end(), engine);
  std::vector<bool> mask(spec.rows, false);
  for (std::size_t i = 0; i < std::min(spec.free_rows, spec.rows); ++i) mask[order[i]] = true;
  return mask;
}

std::size_t load_rows(const lease::Client& client, const std::string& table, const RowSpec& spec,
                      const std::vector<bool>& free_mask, int threads, double deadline_s) {
  const AttributeNames names;
  const auto payload = AttributeValue::string(std::string(spec.payload_bytes, 'p'));
  const auto held_until = AttributeValue::number(now_ns() + std::int64_t{10} * 24 * 3600 * 1'000'000'000);
  auto item_of = [&](std::size_t i) {
    const std::string key = row_key(i);
    AttributeMap item;
    item.emplace("id", AttributeValue::string(key));
    item.emplace("payload", payload);
    item.emplace(names.bucket, AttributeValue::number(static_cast<std::int64_t>(
                                   lease::stable_hash(key) % static_cast<std::uint64_t>(spec.buckets))));
    if (free_mask[i]) {
      item.emplace(names.lease_until, AttributeValue::number(0));
      item.emplace(names.token, AttributeValue::number(0));
    } else {
      item.emplace(names.lease_until, held_until);
      item.emplace(names.token, AttributeValue::number(1));
      item.emplace(names.lessee, AttributeValue::string("someone-else"));
    }
    return item;
  };

  constexpr std::size_t kChunk = 500;  // rows per claim; chunks are claimed in order, so the rows written form a prefix
  const auto start = std::chrono::steady_clock::now();
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> written{0};
  auto worker = [&] {
    for (;;) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (deadline_s > 0 && elapsed > deadline_s) return;
      const std::size_t first = next.fetch_add(kChunk);
      if (first >= spec.rows) return;
      const std::size_t last = std::min(first + kChunk, spec.rows);
      dynamodb::BatchWriteRequest batch;
      for (std::size_t i = first; i < last; ++i)
        batch.requests.push_back(dynamodb::WriteRequest::put(table, item_of(i)));
      (void)client.impl()->batch_write_item(std::move(batch));
      written += last - first;
    }
  };
  std::vector<std::jthread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  pool.clear();  // joins
  return written.load();
}

std::string create_free_pool(const lease::Client& client, const std::string& prefix, std::size_t rows) {
  const std::string table = prefix + "-" + std::to_string(::getpid());
  lease::create_table(client, table);
  const RowSpec spec{.rows = rows, .free_rows = rows};
  (void)load_rows(client, table, spec, free_row_mask(spec), 2, 0);
  return table;
}

std::string parse_flags(int argc, char** argv,
                        const std::function<bool(const std::string& flag, const std::string& value)>& take) {
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument("option " + flag + " needs a value");
    if (!take(flag, argv[i + 1])) throw std::invalid_argument("unknown option " + flag);
  }
  const char* endpoint = std::getenv("LEASE_BENCH_ENDPOINT");
  if (endpoint == nullptr || *endpoint == '\0') {
    throw std::invalid_argument("set LEASE_BENCH_ENDPOINT (scripts/bench does)");
  }
  return endpoint;
}

std::vector<std::size_t> parse_list(const std::string& text) {
  std::vector<std::size_t> values;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) values.push_back(std::stoul(item));
  return values;
}

int guarded_main(const char* program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return 1;
  }
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

void ResultTable::print_markdown(std::ostream& out) const {
  auto line = [&](const std::vector<std::string>& cells) {
    out << '|';
    for (const auto& cell : cells) out << ' ' << cell << " |";
    out << '\n';
  };
  line(header_);
  out << '|';
  for (std::size_t i = 0; i < header_.size(); ++i) out << "---|";
  out << '\n';
  for (const auto& row : rows_) line(row);
}

bool ResultTable::save_csv(const std::string& path) const {
  std::ofstream out(path);
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << csv_field(cells[i]);
    out << '\n';
  };
  line(header_);
  for (const auto& row : rows_) line(row);
  return static_cast<bool>(out);
}

}  // namespace lease::bench

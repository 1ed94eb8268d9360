#include "dynamodb/client.hpp"

#include <algorithm>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <utility>

#include "aws/curl_transport.hpp"
#include "aws/sigv4.hpp"
#include "dynamodb/attribute_json.hpp"
#include "dynamodb/errors.hpp"
#include "dynamodb/marshal.hpp"
#include "lease/error.hpp"

namespace lease::dynamodb {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

constexpr std::string_view target_prefix = "DynamoDB_20120810.";
constexpr std::size_t max_batch_writes = 25;

std::uint64_t random_u64() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine();
}

bool is_read(Operation op) noexcept {
  return op == Operation::get_item || op == Operation::query || op == Operation::scan;
}

std::shared_ptr<aws::HttpTransport> curl_transport(const lease::ClientOptions& options) {
  return std::make_shared<aws::CurlTransport>(aws::TransportOptions{
      .connect_timeout = options.connect_timeout,
      .request_timeout = options.request_timeout,
      .max_connections = options.max_connections,
  });
}

/// "CREATING", "ACTIVE, index byOwner CREATING" or "ACTIVE".
std::string status_summary(const TableDescription& table) {
  if (table.status != "ACTIVE") return table.status;
  for (const auto& index : table.global_secondary_indexes) {
    if (index.status != "ACTIVE") return table.status + ", index " + index.name + " " + index.status;
  }
  return table.status;
}

}  // namespace

Client::Client(const lease::ClientOptions& options)
    : Client(aws::resolve_config(options, aws::Environment::process()), curl_transport(options), options.retry,
             options.logger) {}

Client::Client(aws::ResolvedConfig config, std::shared_ptr<aws::HttpTransport> transport, lease::RetryOptions retry,
               lease::Logger logger, WallClock wall_clock)
    : config_(std::move(config)),
      endpoint_(aws::parse_endpoint(config_.endpoint)),
      transport_(std::move(transport)),
      retry_(retry),
      logger_(std::move(logger)),
      wall_clock_(wall_clock ? std::move(wall_clock) : WallClock{[] { return std::chrono::system_clock::now(); }}) {
  if (!transport_) throw lease::InvalidArgument("dynamodb::Client: no transport");
}

Client::~Client() = default;

json Client::attempt(Operation op, const std::string& payload, milliseconds timeout) {
  aws::HttpRequest request;
  request.headers = {{"Host", endpoint_.host},
                     {"Content-Type", "application/x-amz-json-1.0"},
                     {"X-Amz-Target", std::string(target_prefix) + std::string(operation_name(op))}};
  request.body = payload;
  request.timeout = timeout;
  aws::sign(request, config_.credentials, aws::SigningParams{config_.region, "dynamodb", wall_clock_()},
            &signing_keys_);
  attempts_[static_cast<std::size_t>(op)].fetch_add(1, std::memory_order_relaxed);
  const aws::HttpResponse response = transport_->send(endpoint_.url, request);
  if (response.status != 200) throw_error_response(response);
  json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    throw lease::ProtocolError(std::string(operation_name(op)) + ": the response body is not a JSON object",
                               static_cast<int>(response.status),
                               std::string(response.header("x-amzn-RequestId")));
  }
  return body;
}

void Client::sleep_before_retry(Operation op, const lease::Error& error, int attempt, milliseconds delay) {
  retries_.fetch_add(1, std::memory_order_relaxed);
  if (logger_) {
    std::string message = "DynamoDB " + std::string(operation_name(op)) + " attempt " + std::to_string(attempt) +
                          " failed (" + error.code();
    if (error.http_status() != 0) message += ", HTTP " + std::to_string(error.http_status());
    message += "); retrying in " + std::to_string(delay.count()) + " ms";
    logger_(lease::LogLevel::warn, message);
  }
  std::this_thread::sleep_for(delay);
}

json Client::call(Operation op, const json& body, std::optional<steady_clock::time_point> deadline) {
  const std::string payload = dump_json(body);
  const auto start = steady_clock::now();
  for (int attempts_made = 1;; ++attempts_made) {
    milliseconds timeout{0};
    if (deadline) {
      const auto left = std::chrono::ceil<milliseconds>(*deadline - steady_clock::now());
      if (left <= milliseconds::zero()) {
        throw lease::TransportError(std::string(operation_name(op)) + ": deadline passed before attempt " +
                                    std::to_string(attempts_made));
      }
      timeout = left;
    }
    try {
      return attempt(op, payload, timeout);
    } catch (const lease::Error& error) {
      const auto now = steady_clock::now();
      const auto delay = retry_.next_delay(error, attempts_made, now - start, random_u64());
      if (!delay || (deadline && now + *delay >= *deadline)) throw;
      sleep_before_retry(op, error, attempts_made, *delay);
    }
  }
}

void Client::record_capacity(Operation op, const std::optional<ConsumedCapacity>& capacity) {
  if (!capacity) return;
  const double read = capacity->read_capacity_units > 0 ? capacity->read_capacity_units
                      : is_read(op)                     ? capacity->capacity_units
                                                        : 0.0;
  const double write = capacity->write_capacity_units > 0 ? capacity->write_capacity_units
                       : is_read(op)                      ? 0.0
                                                          : capacity->capacity_units;
  if (read > 0) read_capacity_.fetch_add(read, std::memory_order_relaxed);
  if (write > 0) write_capacity_.fetch_add(write, std::memory_order_relaxed);
}

template <class Result>
Result Client::call_counting_capacity(Operation op, const json& body, Result (*unmarshal)(const json&),
                                      std::optional<steady_clock::time_point> deadline) {
  auto result = unmarshal(call(op, body, deadline));
  record_capacity(op, result.consumed_capacity);
  return result;
}

CreateTableResult Client::create_table(const CreateTableRequest& request) {
  return unmarshal_create_table(call(Operation::create_table, marshal(request)));
}

DescribeTableResult Client::describe_table(std::string_view table) {
  return unmarshal_describe_table(call(Operation::describe_table, marshal_table_name(table)));
}

void Client::delete_table(std::string_view table) {
  (void)call(Operation::delete_table, marshal_table_name(table));
}

TableDescription Client::wait_until_active(std::string_view table, milliseconds timeout, const Progress& progress) {
  const auto deadline = steady_clock::now() + timeout;
  milliseconds pause{20};
  std::string reported;
  for (;;) {
    std::optional<TableDescription> description;
    try {
      description = describe_table(table).table;
    } catch (const lease::ResourceNotFound&) {
      if (steady_clock::now() >= deadline) throw;
    }
    if (description) {
      std::string status = status_summary(*description);
      if (progress && status != reported) progress(status);
      if (description->all_active()) return std::move(*description);
      reported = std::move(status);
    }
    const auto now = steady_clock::now();
    if (now >= deadline) {
      throw lease::Error("Timeout",
                         "table " + std::string(table) + " not ACTIVE after " + std::to_string(timeout.count()) +
                             " ms (" + reported + ")",
                         0, {}, true);
    }
    std::this_thread::sleep_for(std::min<steady_clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, milliseconds{1000});
  }
}

void Client::update_time_to_live(std::string_view table, std::string_view attribute, bool enabled) {
  (void)call(Operation::update_time_to_live, marshal_update_time_to_live(table, attribute, enabled));
}

TimeToLiveDescription Client::describe_time_to_live(std::string_view table) {
  return unmarshal_describe_time_to_live(call(Operation::describe_time_to_live, marshal_table_name(table)));
}

GetItemResult Client::get_item(const GetItemRequest& request) {
  return call_counting_capacity(Operation::get_item, marshal(request), &unmarshal_get_item);
}

PutItemResult Client::put_item(const PutItemRequest& request) {
  return call_counting_capacity(Operation::put_item, marshal(request), &unmarshal_write_item, request.deadline);
}

UpdateItemResult Client::update_item(const UpdateItemRequest& request) {
  return call_counting_capacity(Operation::update_item, marshal(request), &unmarshal_write_item, request.deadline);
}

DeleteItemResult Client::delete_item(const DeleteItemRequest& request) {
  return call_counting_capacity(Operation::delete_item, marshal(request), &unmarshal_write_item, request.deadline);
}

QueryResult Client::query(const QueryRequest& request) {
  return call_counting_capacity(Operation::query, marshal(request), &unmarshal_item_page);
}

ScanResult Client::scan(const ScanRequest& request) {
  return call_counting_capacity(Operation::scan, marshal(request), &unmarshal_item_page);
}

BatchWriteResult Client::batch_write_item(BatchWriteRequest request) {
  BatchWriteResult result;
  const std::span<const WriteRequest> all(request.requests);
  for (std::size_t offset = 0; offset < all.size(); offset += max_batch_writes) {
    auto chunk = all.subspan(offset, std::min(max_batch_writes, all.size() - offset));
    std::vector<WriteRequest> unprocessed;
    const auto start = steady_clock::now();
    for (int rounds = 1;; ++rounds) {
      auto page = unmarshal_batch_write(
          call(Operation::batch_write_item, marshal_batch_write(chunk, request.return_consumed_capacity)));
      ++result.requests_sent;
      for (auto& capacity : page.consumed_capacity) {
        record_capacity(Operation::batch_write_item, capacity);
        result.consumed_capacity.push_back(std::move(capacity));
      }
      if (page.unprocessed.empty()) break;
      const lease::ThrottlingError pending(
          "UnprocessedItems",
          "BatchWriteItem: " + std::to_string(page.unprocessed.size()) + " writes still unprocessed after " +
              std::to_string(rounds) + " calls",
          0, {}, true);
      const auto delay = retry_.next_delay(pending, rounds, steady_clock::now() - start, random_u64());
      if (!delay) throw pending;
      unprocessed = std::move(page.unprocessed);
      chunk = unprocessed;
      result.items_resent += unprocessed.size();
      unprocessed_resent_.fetch_add(unprocessed.size(), std::memory_order_relaxed);
      sleep_before_retry(Operation::batch_write_item, pending, rounds, *delay);
    }
  }
  return result;
}

ClientStats Client::stats() const {
  ClientStats stats;
  for (std::size_t i = 0; i < operation_count; ++i) {
    stats.attempts[i] = attempts_[i].load(std::memory_order_relaxed);
    stats.requests += stats.attempts[i];
  }
  stats.retries = retries_.load(std::memory_order_relaxed);
  stats.unprocessed_items_resent = unprocessed_resent_.load(std::memory_order_relaxed);
  stats.read_capacity_units = read_capacity_.load(std::memory_order_relaxed);
  stats.write_capacity_units = write_capacity_.load(std::memory_order_relaxed);
  if (const auto* curl = dynamic_cast<const aws::CurlTransport*>(transport_.get())) {
    stats.connections_opened = curl->stats().connections_opened;
  }
  return stats;
}

}  // namespace lease::dynamodb

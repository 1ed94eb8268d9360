#pragma once
// The typed DynamoDB client: marshals each operation to JSON, signs it (SigV4, fresh per attempt),
// sends it through an aws::HttpTransport, retries retryable failures with the RetryPolicy, and
// returns typed results or throws the typed errors of lease/error.hpp. Internal header.
//
// Thread-safety: share one per process; every method may be called concurrently from any thread.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "aws/config.hpp"
#include "aws/http.hpp"
#include "aws/endpoint.hpp"
#include "aws/sigv4.hpp"
#include "dynamodb/operations.hpp"
#include "dynamodb/retry.hpp"
#include "lease/client_options.hpp"
#include "lease/logger.hpp"

namespace lease::dynamodb {

/// What a Client has sent so far (a snapshot of its counters).
struct ClientStats {
  std::array<std::uint64_t, operation_count> attempts{};  // HTTP attempts, indexed by Operation
  std::uint64_t requests = 0;                 // every HTTP attempt, retries included
  std::uint64_t retries = 0;                  // attempts that repeated a failed one
  std::uint64_t unprocessed_items_resent = 0;  // BatchWriteItem writes sent again
  double read_capacity_units = 0;             // consumed, as reported (ReturnConsumedCapacity)
  double write_capacity_units = 0;            // consumed, as reported (ReturnConsumedCapacity)
  std::uint64_t connections_opened = 0;       // when the transport is an aws::CurlTransport, else 0

  [[nodiscard]] std::uint64_t attempts_of(Operation op) const noexcept {
    return attempts[static_cast<std::size_t>(op)];
  }
};

/// Thread-safe: share one per process; every method may be called concurrently.
class Client {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;
  using Progress = std::function<void(std::string_view status)>;

  /// Resolves endpoint, region and credentials (aws::resolve_config) and uses a CurlTransport.
  /// Throws lease::ConfigurationError when something cannot be resolved.
  explicit Client(const lease::ClientOptions& options);
  /// For tests: a given configuration, transport and signing clock (default: the system clock).
  Client(aws::ResolvedConfig config, std::shared_ptr<aws::HttpTransport> transport, lease::RetryOptions retry,
         lease::Logger logger, WallClock wall_clock = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  CreateTableResult create_table(const CreateTableRequest& request);
  DescribeTableResult describe_table(std::string_view table);
  void delete_table(std::string_view table);
  /// Polls DescribeTable until the table and all its GSIs are ACTIVE and returns the description.
  /// `progress` (optional) is called on the caller's thread with the status each time it changes
  /// ("CREATING", "ACTIVE, index byOwner CREATING", "ACTIVE"). A table not found yet is waited for
  /// (DescribeTable may lag CreateTable). Throws lease::Error with code "Timeout" (retryable) when
  /// `timeout` passes first, or lease::ResourceNotFound if the table never appeared.
  TableDescription wait_until_active(std::string_view table, std::chrono::milliseconds timeout,
                                     const Progress& progress = {});
  /// Enables or disables TTL on `attribute` (an epoch-seconds N attribute).
  void update_time_to_live(std::string_view table, std::string_view attribute, bool enabled);
  TimeToLiveDescription describe_time_to_live(std::string_view table);

  GetItemResult get_item(const GetItemRequest& request);
  PutItemResult put_item(const PutItemRequest& request);
  /// Throws ConditionalCheckFailed (with the old item when ALL_OLD was asked for) on a failed condition.
  UpdateItemResult update_item(const UpdateItemRequest& request);
  DeleteItemResult delete_item(const DeleteItemRequest& request);
  /// One page; continue with `exclusive_start_key = result.last_evaluated_key` while it is set.
  QueryResult query(const QueryRequest& request);
  /// One page; continue with `exclusive_start_key = result.last_evaluated_key` while it is set.
  ScanResult scan(const ScanRequest& request);
  /// Sends any number of writes, 25 per call, and resends UnprocessedItems with backoff until all
  /// are written. Throws lease::ThrottlingError (code "UnprocessedItems") when the retry budget ends
  /// first; the writes of earlier calls stay written.
  BatchWriteResult batch_write_item(BatchWriteRequest request);

  [[nodiscard]] ClientStats stats() const;
  /// The resolved configuration (it holds the credentials: never print it).
  [[nodiscard]] const aws::ResolvedConfig& config() const noexcept { return config_; }

 private:
  /// Sends `body` as `op`, retrying retryable failures; returns the parsed 200 response body.
  /// With a deadline, no attempt starts and no retry waits past it, and each attempt's timeouts are
  /// capped to the time left (then TransportError "deadline passed").
  nlohmann::json call(Operation op, const nlohmann::json& body,
                      std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);
  /// One signed attempt; throws the typed error of a non-200 response.
  nlohmann::json attempt(Operation op, const std::string& payload, std::chrono::milliseconds timeout);
  void record_capacity(Operation op, const std::optional<ConsumedCapacity>& capacity);
  /// call(), then unmarshal, then add the result's consumed capacity to the stats.
  template <class Result>
  Result call_counting_capacity(Operation op, const nlohmann::json& body, Result (*unmarshal)(const nlohmann::json&),
                                std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);
  void sleep_before_retry(Operation op, const lease::Error& error, int attempt, std::chrono::milliseconds delay);

  aws::ResolvedConfig config_;
  aws::Endpoint endpoint_;
  std::shared_ptr<aws::HttpTransport> transport_;
  RetryPolicy retry_;
  lease::Logger logger_;
  WallClock wall_clock_;
  aws::SigningKeyCache signing_keys_;  // the derived key, once per day/region/service

  std::array<std::atomic<std::uint64_t>, operation_count> attempts_{};
  std::atomic<std::uint64_t> retries_{0};
  std::atomic<std::uint64_t> unprocessed_resent_{0};
  std::atomic<double> read_capacity_{0};
  std::atomic<double> write_capacity_{0};
};

}  // namespace lease::dynamodb

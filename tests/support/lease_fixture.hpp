#pragma once
// Shared helpers of the lease-layer integration tests (pool, lock, heartbeat, compat, multiprocess):
// a fixture that owns a Client to DynamoDB Local and the tables a test creates, small item helpers,
// bounded polling, a capturing logger, and the holding-interval records of the contention tests
// (also used by the tests/helpers/lease_contender process).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <ostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lease/attribute_value.hpp"
#include "lease/client.hpp"
#include "lease/logger.hpp"
#include "lease/options.hpp"
#include "lease/pool.hpp"

namespace lease {

/// gtest prints attribute values (and items) as DynamoDB JSON.
inline void PrintTo(const AttributeValue& value, std::ostream* out) { *out << to_dynamodb_json(value); }

}  // namespace lease

namespace lease::testing {

/// Client options for the DynamoDB Local at `endpoint` (static example credentials, us-east-1).
[[nodiscard]] ClientOptions local_client_options(const std::string& endpoint);

/// S and N values, short.
[[nodiscard]] inline AttributeValue S(std::string text) { return AttributeValue::string(std::move(text)); }
[[nodiscard]] inline AttributeValue N(std::int64_t value) { return AttributeValue::number(value); }

/// A lease request with the usual test defaults.
[[nodiscard]] LeaseRequest lease_request(std::string lessee, std::chrono::milliseconds duration,
                                         bool heartbeat = true);

/// The item without the lease's own attributes (lessee, LeaseUntil, token, bucket, duration, data).
[[nodiscard]] AttributeMap without_lease_attributes(AttributeMap item, const AttributeNames& names = {});

/// Polls `condition` every `poll` until it holds (true) or `timeout` passes (false).
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(15),
                std::chrono::milliseconds poll = std::chrono::milliseconds(20));

/// Wall clock now, nanoseconds since the epoch.
[[nodiscard]] std::int64_t wall_ns();

/// A clock whose wall time is the system's shifted by `offset` (elapsed time is the real one), to
/// simulate a client with a skewed clock. Thread-safe.
class ShiftedClock final : public Clock {
 public:
  explicit ShiftedClock(std::chrono::nanoseconds offset) : offset_(offset) {}
  [[nodiscard]] std::chrono::system_clock::time_point wall_now() const override;
  [[nodiscard]] std::chrono::nanoseconds elapsed_now() const override;

 private:
  std::chrono::nanoseconds offset_;
};

/// A Logger that records every line, for asserting on what the library logged. Thread-safe.
class LogCapture {
 public:
  /// The logger to inject; it refers to this object, which must outlive its use.
  [[nodiscard]] Logger logger();
  /// True when a line of `level` containing `text` was logged.
  [[nodiscard]] bool contains(LogLevel level, std::string_view text) const;
  /// Every line so far, "level: message".
  [[nodiscard]] std::string dump() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<LogLevel, std::string>> lines_;
};

/// Base fixture: a Client to DynamoDB Local; every table made through create() is deleted at the end.
class LeaseTableTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// Creates a uniquely named table (lease::create_table) and returns its name.
  std::string create(TableSpec spec = {});
  /// Registers a table made another way, so that it is deleted at the end.
  void adopt(const std::string& table) { tables_.push_back(table); }
  /// The item with that key, read with ConsistentRead; empty when absent.
  [[nodiscard]] std::optional<AttributeMap> get(const std::string& table, const AttributeMap& key);
  /// The item {hash_key: key}; fails the test (and returns an empty map) when absent.
  [[nodiscard]] AttributeMap row(const std::string& table, const std::string& key, const std::string& hash_key = "id");
  /// Unconditional PutItem.
  void put(const std::string& table, AttributeMap item);
  /// Many PutItems through BatchWriteItem.
  void put_all(const std::string& table, std::vector<AttributeMap> items);

  [[nodiscard]] Client& client() { return *client_; }

  std::optional<Client> client_;
  std::vector<std::string> tables_;
};

/// One holder's holding interval of a row, recorded by the contention tests.
struct Interval {
  std::string key;
  std::int64_t token = 0;
  std::int64_t start = 0;  // clock reading after the lease was taken and seen valid
  std::int64_t end = 0;    // clock reading before the lease was seen still valid and released
};

/// What a worker of the contention tests did.
struct CycleReport {
  std::vector<Interval> intervals;  // holds that were valid throughout
  int invalid = 0;                  // holds whose lease was no longer valid at their end (not counted)
  int not_obtained = 0;             // cycles whose wait gave up
};

/// `cycles` times: wait for any row of `pool`, hold it a few milliseconds (recording the interval
/// with `now` while the lease is valid), release it. Lease errors propagate.
CycleReport hold_cycles(Pool& pool, const std::string& lessee, int cycles, std::chrono::milliseconds duration,
                        const std::function<std::int64_t()>& now);

/// Writes/reads intervals, one "key token start end" line each.
void write_intervals(const std::string& path, const std::vector<Interval>& intervals);
[[nodiscard]] std::vector<Interval> read_intervals(const std::string& path);

/// Asserts that no two intervals of one key overlap and that, in time order, each key's tokens
/// strictly increase.
void expect_exclusive(std::vector<Interval> intervals);

}  // namespace lease::testing

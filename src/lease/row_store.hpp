#pragma once
// RowStore: the lease operations on rows of one table, shared by the pool and named locks: take with
// a caller-given condition, renew, release and force-release, each a single conditional write that
// touches only the lease attributes. Thread-safe. Internal.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <variant>

#include "dynamodb/client.hpp"
#include "lease/client.hpp"
#include "lease/error.hpp"
#include "lease/expression.hpp"
#include "lease/lease_core.hpp"
#include "lease/options.hpp"
#include "lease/pool.hpp"

namespace lease::detail {

class Renewer;

/// What a store knows of its table once it has described it.
struct Layout {
  std::string hash_key;
  std::string sort_key;         // empty: none
  bool has_pool_index = false;  // the (bucket, LeaseUntil) GSI exists with the expected keys
  std::string index;            // its full name ("LeaseIndex_16")
  int buckets = 0;              // the bucket count its name records (0: no index)
};

/// Settings that differ between the pool and named locks.
struct RowStoreOptions {
  AttributeNames names;
  std::string hash_key;            // empty: from DescribeTable
  std::string sort_key;            // empty: from DescribeTable
  std::string index_name;          // pool index to look for: "<index_name>_<buckets>" (empty: none)
  bool lock_rows = false;          // named locks: write LeaseDuration (and data, TTL) on take
  bool delete_on_release = false;  // named locks: delete the row on release
  std::string ttl_attribute;       // named locks: TTL attribute (empty: none)
  std::chrono::seconds ttl_margin{0};
  RenewerOptions renewer;
  Logger logger;
  std::shared_ptr<const Clock> clock;
};

/// The settings PoolOptions and LockOptions have in common, validated.
template <class StoreOptions>
[[nodiscard]] RowStoreOptions common_row_options(const StoreOptions& options) {
  if (options.max_clock_skew < std::chrono::milliseconds::zero()) {
    throw InvalidArgument("max_clock_skew must not be negative");
  }
  RowStoreOptions row;
  row.names = options.names;
  row.hash_key = options.hash_key;
  row.renewer = options.renewer;
  row.logger = options.logger;
  row.clock = options.clock;
  return row;
}

/// The outcome of a take attempt that did not obtain the row.
struct NotTaken {
  std::optional<AttributeMap> current;  // the row as the failed condition saw it (absent: no row)
};

/// Condition and extra SET clauses of one take, written by the pool or lock logic.
struct TakeSpec {
  RowKey key;
  const LeaseRequest* request = nullptr;
  // Returns the ConditionExpression; called once with the request's expression builder.
  std::function<std::string(Expression&)> condition;
  // Returns extra ", a = b" SET clauses (may be empty).
  std::function<std::string(Expression&)> extra_set;
};

/// Outcome of renewing a row by (lessee, token).
struct Renewed {
  std::int64_t lease_until_ns = 0;
};
struct Lost {
  LossReason reason = LossReason::stolen;
};

class RowStore : public std::enable_shared_from_this<RowStore> {
 public:
  RowStore(Client client, std::string table, RowStoreOptions options);
  ~RowStore();

  [[nodiscard]] const std::string& table() const noexcept { return table_; }
  [[nodiscard]] const RowStoreOptions& options() const noexcept { return options_; }
  [[nodiscard]] dynamodb::Client& client() const noexcept { return *client_.impl(); }
  [[nodiscard]] const Clock& clock() const noexcept { return *clock_; }
  /// Describes the table on first use (thread-safe); throws on a missing table or a non-String key.
  [[nodiscard]] const Layout& layout();
  /// The row's key as an item map.
  [[nodiscard]] AttributeMap key_item(const RowKey& key);
  /// Wall clock as nanoseconds since the epoch.
  [[nodiscard]] std::int64_t wall_now_ns() const;
  /// A row whose LeaseUntil is below this is free: now - max_clock_skew (see README "Guarantees").
  [[nodiscard]] std::int64_t free_threshold_ns(std::chrono::milliseconds max_clock_skew) const {
    return wall_now_ns() - std::chrono::duration_cast<std::chrono::nanoseconds>(max_clock_skew).count();
  }

  void log(LogLevel level, const std::string& message) const;

  /// One conditional take. On success the lease is registered with the renewer (when it asks for
  /// heartbeats); otherwise the row as the condition saw it. Throws lease::Error for AWS failures.
  std::variant<Lease, NotTaken> take(const TakeSpec& spec);

  /// Renews the row held by (lessee, token) for `duration`; `sent` receives the local time read just
  /// before the request was sent. Throws lease::Error on AWS failures (outcome unknown).
  std::variant<Renewed, Lost> renew_row(const RowKey& key, const std::string& lessee, std::int64_t token,
                                        std::chrono::nanoseconds duration, std::chrono::nanoseconds* sent,
                                        std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);
  /// renew_row for callers outside a Lease handle (CLI `renew`): validates, returns the new expiry or
  /// empty when the row is not held by (lessee, token).
  std::optional<std::chrono::system_clock::time_point> renew_for(const RowKey& key, const std::string& lessee,
                                                                 std::int64_t token,
                                                                 std::chrono::milliseconds duration);
  /// Releases the row held by (lessee, token). True when it is free afterwards with that token.
  bool release_row(const RowKey& key, const std::string& lessee, std::int64_t token);
  /// Frees the row whoever holds it.
  ForceReleaseResult force_release(const RowKey& key);

  /// Renews a held lease now (used by the renewer and Lease::renew()).
  /// Returns false when the lease is lost (and marks it so).
  bool renew(LeaseCore& core);
  /// Stops heartbeats and releases (Lease::release()).
  bool release(LeaseCore& core);

  /// Checks a lease request; throws InvalidArgument naming what is wrong.
  static void validate(const LeaseRequest& request);

  /// A thread-local random engine.
  static std::mt19937_64& rng();

 private:
  // ", LeaseDuration = ..[, TTL = ..]" for named-lock rows; empty for pool rows.
  [[nodiscard]] std::string lock_row_sets(Expression& e, std::int64_t until_ns,
                                          std::chrono::nanoseconds duration) const;

  std::string table_;
  RowStoreOptions options_;
  Client client_;
  std::shared_ptr<const Clock> clock_;
  std::mutex layout_mutex_;
  std::optional<Layout> layout_;
  std::unique_ptr<Renewer> renewer_;
};

/// The pool index's name for a bucket count ("LeaseIndex_16"), and the count back from a name.
[[nodiscard]] std::string pool_index_name(const std::string& base, int buckets);
[[nodiscard]] std::optional<int> pool_index_buckets(std::string_view index, std::string_view base);

/// Nanoseconds since the epoch as a system_clock time point.
[[nodiscard]] std::chrono::system_clock::time_point from_epoch_ns(std::int64_t ns);

/// Reads an N attribute as int64; nullopt when absent; InvalidArgument naming row and attribute when
/// it is present but not a number.
std::optional<std::int64_t> number_attribute(const AttributeMap& item, const std::string& name, const std::string& row);
/// Reads an S attribute; nullopt when absent or not a string.
std::optional<std::string> string_attribute(const AttributeMap& item, const std::string& name);

}  // namespace lease::detail

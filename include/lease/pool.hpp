#pragma once
/// \file
/// `lease::Pool`: a table of work items, one row each; a worker takes *any* row whose lease has
/// lapsed. This is the original Go library's model, done in O(1) requests: a sparse global secondary
/// index over (`LeaseBucket`, `LeaseUntil`) finds free rows without scanning; one conditional
/// UpdateItem on the base table takes a row (the index is only a hint).
///
/// Thread-safety: a Pool is safe to share between threads; every method may be called concurrently.
/// Lost-lease callbacks run on the pool's renewer threads.
///
/// \code
///   lease::Client client;
///   lease::Pool pool(client, "jobs");
///   if (auto job = pool.obtain({.lessee = "worker-1", .duration = std::chrono::seconds(30)})) {
///     process(job->key(), job->attributes());   // heartbeats keep it while we work
///     job->release();                             // free again at once, user attributes untouched
///   }
/// \endcode

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "lease/attribute_value.hpp"
#include "lease/client.hpp"
#include "lease/error.hpp"
#include "lease/lease.hpp"
#include "lease/options.hpp"

namespace lease {

/// Options of a Pool.
struct PoolOptions {
  std::string hash_key;                   ///< the table's String hash key name; empty: read from DescribeTable
  AttributeNames names;                   ///< attribute names (defaults shared with the original)
  std::string index_name = "LeaseIndex";  ///< the (bucket, LeaseUntil) index is named "<index_name>_<buckets>"
  int buckets = 0;                        ///< 0: from the index name (16 when the table has no index)
  int query_limit = 16;                   ///< candidates read per index query; one is picked at random
  std::chrono::milliseconds max_clock_skew{1'000};  ///< a row is free only once LeaseUntil < now - this
  RenewerOptions renewer;                           ///< heartbeat threads
  Logger logger;                                    ///< diagnostics; empty logs nothing
  std::shared_ptr<const Clock> clock;               ///< empty: the system clocks
};

/// The data mapping failed after a row was taken; the row was released before this was thrown.
/// The original exception is nested (std::rethrow_if_nested).
class DataMappingError : public Error {
 public:
  explicit DataMappingError(const std::string& message) : Error("DataMapping", message) {}
};

/// A lease with the caller's data mapped from the row's attributes.
template <class T>
struct Leased {
  Lease lease;  ///< the held lease
  T data;       ///< what the request's mapper returned
};

/// A request that also maps the row's attributes to the caller's type (the original's AttributesToData).
template <class T>
struct TypedLeaseRequest {
  LeaseRequest request;                           ///< lessee, duration, heartbeats
  std::function<T(const AttributeMap&)> to_data;  ///< may throw; the row is then released
};

/// One row of the table, as `list()` reports it.
struct RowStatus {
  std::string key;                                                   ///< hash key value
  std::optional<std::string> lessee;                                 ///< holder, empty when free
  std::int64_t token = 0;                                            ///< fencing token (0: never leased)
  std::optional<std::chrono::system_clock::time_point> lease_until;  ///< expiry written by the holder
  bool held = false;                                                 ///< lessee present and lease_until in the future
  AttributeMap attributes;                                           ///< the row's other (user) attributes
};

/// What an operator override replaced.
struct ForceReleaseResult {
  bool existed = false;                                              ///< the row exists
  std::optional<std::string> lessee;                                 ///< the holder it had (empty: it was free)
  std::int64_t token = 0;                                            ///< its token
  std::optional<std::chrono::system_clock::time_point> lease_until;  ///< its expiry
};

class Pool {
 public:
  /// Does no I/O; the table is described on first use.
  Pool(Client client, std::string table, PoolOptions options = {});
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  /// Takes any free row, or returns empty when none is free (contention is not an error).
  /// Throws lease::InvalidArgument for a bad request, lease::Error for AWS/network failures.
  [[nodiscard]] std::optional<Lease> obtain(const LeaseRequest& request);

  /// Same, and maps the row's attributes to T. If the mapper throws, the row is released and
  /// DataMappingError (with the mapper's exception nested) is thrown.
  template <class T>
  [[nodiscard]] std::optional<Leased<T>> obtain(const TypedLeaseRequest<T>& request) {
    auto held = obtain(request.request);
    if (!held) return std::nullopt;
    try {
      T data = request.to_data(held->attributes());
      return Leased<T>{std::move(*held), std::move(data)};
    } catch (...) {
      try {
        held->release();
      } catch (...) {
      }  // best effort: the lease then simply expires
      std::throw_with_nested(DataMappingError("mapping the attributes of row '" + held->key() + "' failed"));
    }
  }

  /// Retries obtain() with jittered backoff until a row is free, `wait.max_wait` passes, or `stop`
  /// is requested (then empty). Errors other than contention reach the caller at once.
  [[nodiscard]] std::optional<Lease> wait_until_obtained(const LeaseRequest& request, const WaitOptions& wait,
                                                         std::stop_token stop = {});

  /// Renews a lease held by (lessee, token), e.g. from another process. Returns the new expiry, or
  /// empty when the row is not held by that lessee and token.
  std::optional<std::chrono::system_clock::time_point> renew(const std::string& key, const std::string& lessee,
                                                             std::int64_t token, std::chrono::milliseconds duration);
  /// Releases a lease held by (lessee, token). True when released now; false when not held by them.
  bool release(const std::string& key, const std::string& lessee, std::int64_t token);
  /// Operator override: frees the row whoever holds it (the token is kept, so the next holder's is
  /// higher). Says what it overrode.
  ForceReleaseResult force_release(const std::string& key);

  /// Adds free rows with their own attributes, indexed. Conditional: an existing row is never
  /// overwritten; after trying every item, throws InvalidArgument naming the rows that already
  /// existed (the others were added). Each item must contain the hash key as a String.
  /// progress(done) is called on this thread. Returns how many rows were added.
  std::size_t add_rows(const std::vector<AttributeMap>& items,
                       const std::function<void(std::size_t done)>& progress = {});
  /// Every row with its holder (reads the whole table; for operators).
  [[nodiscard]] std::vector<RowStatus> list();
  /// Gives every row that lacks them the index attributes (bucket, LeaseUntil = 0 when absent), so an
  /// existing table's rows become visible to the index. progress(done) is called on this thread.
  /// Returns how many rows were updated.
  std::size_t index_rows(const std::function<void(std::size_t done)>& progress = {});

  /// True when the table has the index and obtain() uses it (describes the table on first call).
  [[nodiscard]] bool uses_index();
  /// The table's hash key name (from options or DescribeTable).
  [[nodiscard]] std::string hash_key();
  [[nodiscard]] const std::string& table() const noexcept;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

/// How to create a pool/lock table.
struct TableSpec {
  std::string hash_key = "id";            ///< String hash key name
  std::string sort_key;                   ///< optional String sort key (named locks only; empty: none)
  bool with_index = true;                 ///< create the pool index (LeaseBucket, LeaseUntil)
  AttributeNames names;                   ///< attribute names the index uses
  std::string index_name = "LeaseIndex";  ///< the index is named "<index_name>_<buckets>"
  int buckets = 16;                       ///< buckets rows are spread over (recorded in the index name)
  std::string ttl_attribute;              ///< enable DynamoDB TTL on this attribute (empty: off)
  std::chrono::milliseconds wait{std::chrono::minutes(5)};  ///< how long to wait until ACTIVE
  std::function<void(std::string_view status)> progress;    ///< called while waiting, on this thread
};

/// Creates a table for pools and named locks (PAY_PER_REQUEST) and waits until it and its index are
/// ACTIVE. Throws lease::Error (e.g. ResourceInUseException when it exists).
///
/// The bucket count is part of the index's name ("LeaseIndex_16"): every process that opens the
/// table reads it from DescribeTable, so all agree without configuration (DynamoDB has no other
/// per-table metadata that DynamoDB Local also supports).
void create_table(const Client& client, const std::string& table, const TableSpec& spec = {});

/// What `describe_table` reports.
struct TableInfo {
  std::string name;                  ///< table name
  std::string status;                ///< ACTIVE, CREATING, ...
  std::string hash_key;              ///< hash key name
  std::string sort_key;              ///< sort key name, empty when none
  std::vector<std::string> indexes;  ///< global secondary index names
  std::int64_t item_count = 0;       ///< DynamoDB's approximate item count
};
[[nodiscard]] TableInfo describe_table(const Client& client, const std::string& table);

}  // namespace lease

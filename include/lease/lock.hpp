#pragma once
/// \file
/// `lease::LockClient`: named locks, like Amazon's DynamoDB lock client. `try_acquire("job-42")`
/// takes the lock on row "job-42", creating the row when absent, with optional data stored with it,
/// heartbeats, release and a fencing token.
///
/// Expiry of another holder's lock is judged in one of two ways:
/// - `Takeover::wall_clock` (default, fast): free once `LeaseUntil < now - max_clock_skew`.
/// - `Takeover::clock_free` (Amazon's lock client): free only once its `LeaseUntil` value has stayed
///   unchanged for the holder's lease duration on this process's own clock. Observations are kept
///   across calls, so polling `try_acquire` takes a dead lock after one duration.
///
/// Thread-safety: a LockClient is safe to share between threads. Lost-lease callbacks run on its
/// renewer threads.
///
/// \code
///   lease::LockClient locks(client, "locks");
///   if (auto leader = locks.acquire({.key = "leader", .lease = {.lessee = me, .duration = 10s}},
///                                   {.max_wait = std::chrono::minutes(1)})) {
///     while (leader->valid()) lead(leader->token());
///   }
/// \endcode

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>

#include "lease/client.hpp"
#include "lease/lease.hpp"
#include "lease/options.hpp"
#include "lease/pool.hpp"

namespace lease {

/// How a lock held by someone else is judged expired.
enum class Takeover {
  wall_clock,  ///< LeaseUntil < now - max_clock_skew
  clock_free,  ///< LeaseUntil unchanged for the holder's duration on the local elapsed clock
};

/// Options of a LockClient.
struct LockOptions {
  std::string hash_key;                             ///< the table's hash key name; empty: read from DescribeTable
  std::string sort_key;                             ///< the table's sort key name; empty: read from DescribeTable
  AttributeNames names;                             ///< attribute names (defaults shared with the pool)
  Takeover takeover = Takeover::wall_clock;         ///< how expiry of another holder is judged
  std::chrono::milliseconds max_clock_skew{1'000};  ///< allowance for wall-clock takeover
  bool delete_on_release = false;  ///< delete the row on release (resets its token!) instead of marking it free
  std::string ttl_attribute;       ///< write a DynamoDB TTL (seconds) here; empty: none
  std::chrono::seconds ttl_margin{std::chrono::hours(24)};  ///< TTL = expiry + this margin
  RenewerOptions renewer;                                   ///< heartbeat threads
  Logger logger;                                            ///< diagnostics; empty logs nothing
  std::shared_ptr<const Clock> clock;                       ///< empty: the system clocks
};

/// A named-lock request.
struct LockRequest {
  std::string key;                      ///< hash key value of the lock row; non-empty
  std::optional<std::string> sort_key;  ///< sort key value, for tables with a sort key
  LeaseRequest lease;                   ///< lessee, duration, heartbeats, lost callback
  std::optional<Bytes> data;            ///< stored with the lock (replaces earlier data); empty: leave as is
};

class LockClient {
 public:
  /// Does no I/O; the table is described on first use.
  LockClient(Client client, std::string table, LockOptions options = {});
  ~LockClient();
  LockClient(const LockClient&) = delete;
  LockClient& operator=(const LockClient&) = delete;

  /// One attempt: the lock if it is free (or absent), else empty.
  [[nodiscard]] std::optional<Lease> try_acquire(const LockRequest& request);
  /// Retries until acquired, `wait.max_wait` passes or `stop` is requested (then empty).
  [[nodiscard]] std::optional<Lease> acquire(const LockRequest& request, const WaitOptions& wait,
                                             std::stop_token stop = {});
  /// Renews a lock held by (lessee, token); returns the new expiry, or empty when not held by them.
  std::optional<std::chrono::system_clock::time_point> renew(const std::string& key,
                                                             const std::optional<std::string>& sort_key,
                                                             const std::string& lessee, std::int64_t token,
                                                             std::chrono::milliseconds duration);
  /// Releases a lock held by (lessee, token). True when released now; false when not held by them.
  bool release(const std::string& key, const std::optional<std::string>& sort_key, const std::string& lessee,
               std::int64_t token);
  /// Operator override: frees the lock whoever holds it; says what it overrode.
  ForceReleaseResult force_release(const std::string& key, const std::optional<std::string>& sort_key = {});

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace lease

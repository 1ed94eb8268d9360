#pragma once
// Taking a lease for obtain, acquire and run: any free pool row, or a named lock.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "lease/client.hpp"
#include "lease/lock.hpp"
#include "lease/pool.hpp"

namespace lease::cli {

/// What to take. A value type.
struct TakeRequest {
  std::string table;               ///< the lease table
  std::optional<std::string> key;  ///< a named lock's key; empty: any free pool row
  LeaseRequest lease;              ///< lessee, duration, heartbeats, lost callback
  std::chrono::milliseconds wait{0};  ///< how long to keep trying (0: once)
  std::optional<Bytes> data;          ///< named locks: data stored with the lock
  std::function<void(std::chrono::milliseconds waited)> progress;  ///< between attempts, on this thread
};

/// A lease and the pool or lock client it came from (kept alive for its heartbeats).
/// Not thread-safe; the lease's lost callback runs on the store's renewer threads.
struct TakenLease {
  std::unique_ptr<Pool> pool;         ///< set for pool rows
  std::unique_ptr<LockClient> locks;  ///< set for named locks
  std::optional<Lease> lease;         ///< empty when none was free
  std::string hash_key;               ///< the table's hash key name
};

/// Takes the lease (waiting up to `request.wait`; `stop` ends the wait early).
/// Throws UsageError when a named lock's table has a sort key (not supported by the tool).
[[nodiscard]] TakenLease take_lease(const Client& client, const TakeRequest& request, const Logger& logger,
                                    std::stop_token stop = {});

/// "no free row in table 'T'" / "lock 'K' is held by someone else", with the time waited.
[[nodiscard]] std::string not_obtained_message(const TakeRequest& request);

}  // namespace lease::cli

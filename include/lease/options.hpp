#pragma once
/// \file
/// Options shared by the pool and named locks: attribute names, lease requests, waiting.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "lease/clock.hpp"
#include "lease/lease.hpp"
#include "lease/logger.hpp"

namespace lease {

/// Names of the attributes the library writes. The defaults of the first two are the original Go
/// library's, so a table can be shared with it. All are passed through ExpressionAttributeNames, so
/// DynamoDB reserved words are fine.
struct AttributeNames {
  std::string lessee = "ProcessID";        ///< S: who holds the row; absent when free
  std::string lease_until = "LeaseUntil";  ///< N: expiry, nanoseconds since the Unix epoch (wall clock); 0 when free
  std::string token = "LeaseToken";        ///< N: fencing token, +1 on every change of holder
  std::string bucket = "LeaseBucket";      ///< N: index bucket of a pool row (never on named-lock rows)
  std::string duration = "LeaseDuration";  ///< N: lease duration in ms, written on named-lock rows only (marks them)
  std::string data = "LockData";           ///< B: data stored with a named lock
};

/// What a caller asks for when taking a lease.
struct LeaseRequest {
  std::string lessee;                             ///< who takes it, e.g. "<hostname>:<pid>"; non-empty
  std::chrono::milliseconds duration{0};          ///< how long one take or renewal holds; positive
  bool heartbeat = true;                          ///< renew automatically until released
  std::chrono::milliseconds heartbeat_period{0};  ///< 0: duration / 3 (jittered); must be below duration
  LostCallback on_lost;                           ///< called once if the lease is lost (renewer thread)
};

/// How long and how to wait for a lease.
struct WaitOptions {
  std::chrono::milliseconds max_wait{0};                           ///< give up after this long (0: try once)
  std::chrono::milliseconds min_poll{100};                         ///< first pause between attempts
  std::chrono::milliseconds max_poll{2'000};                       ///< longest pause (full jitter, doubling)
  std::function<void(std::chrono::milliseconds waited)> progress;  ///< called between attempts, on the waiting thread
};

/// Options of the renewer (one per store; renews every lease the store handed out).
struct RenewerOptions {
  std::size_t threads = 4;  ///< threads started; more are added, up to max(threads, 16), while heartbeats start late
};

}  // namespace lease

#pragma once
/// \file
/// `lease::Lease`: a held lease on one row (a pool work item or a named lock).
///
/// A Lease is a move-only RAII handle. While it lives, the store's renewer keeps it alive with
/// heartbeats (unless the request turned them off). Destroying it releases the row (best effort,
/// never throws) unless `keep()` was called. Check `valid()` before acting on the protected resource,
/// and pass `token()` to that resource so it can reject a stale holder (see README "Fencing tokens").
///
/// Thread-safety: the const queries may be called from any thread while the renewer runs; `renew()`,
/// `release()`, `keep()` and moves must not race with each other on the same handle.
///
/// \code
///   if (auto held = pool.obtain({.lessee = "worker-1", .duration = 30s})) {
///     while (held->valid()) { do_some_work(held->key(), held->token()); }
///     held->release();
///   }
/// \endcode

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lease/attribute_value.hpp"

namespace lease {

/// What the holder knows about its lease.
enum class LeaseState {
  held,       ///< confirmed by the last renewal, still within its local deadline
  uncertain,  ///< the last renewal failed transiently; still within the last confirmed deadline
  lost,       ///< no longer held (see LossReason); stop using the protected resource
  released,   ///< released by this holder
};

/// Why a lease was lost.
enum class LossReason {
  stolen,    ///< another lessee holds the row (it took it after expiry, or an operator reassigned it)
  expired,   ///< renewals could not be confirmed before the local deadline (outage, pause, throttling)
  released,  ///< the row was released or deleted by someone else (e.g. `lease force-release`)
};

[[nodiscard]] std::string_view to_string(LeaseState state) noexcept;
[[nodiscard]] std::string_view to_string(LossReason reason) noexcept;

class Lease;

/// Called once when a lease is lost, on one of the renewer's threads (never on the thread that
/// holds the Lease). Keep it short and non-blocking; it must not call back into the same Lease's
/// release() (it may set a flag or signal a condition variable). Arguments: key, reason.
using LostCallback = std::function<void(const std::string& key, LossReason reason)>;

namespace detail {
struct LeaseCore;
}

class Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&& other) noexcept;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  /// Releases the row unless keep() was called or it was already released/lost. Never throws.
  ~Lease();

  /// Table the row lives in.
  [[nodiscard]] const std::string& table() const noexcept;
  /// The row's hash key value.
  [[nodiscard]] const std::string& key() const noexcept;
  /// The row's sort key value, for named locks on a table with a sort key.
  [[nodiscard]] const std::optional<std::string>& sort_key() const noexcept;
  /// Who holds it (the `ProcessID` attribute).
  [[nodiscard]] const std::string& lessee() const noexcept;
  /// Fencing token: incremented on the server on every change of holder, never on renewal.
  [[nodiscard]] std::int64_t token() const noexcept;
  /// The expiry last confirmed in the table (`LeaseUntil`), by the writer's wall clock.
  [[nodiscard]] std::chrono::system_clock::time_point lease_until() const;
  /// Time left of confirmed validity on the local elapsed clock; zero or negative once lost.
  [[nodiscard]] std::chrono::nanoseconds remaining() const;
  /// True while the lease is held or uncertain and its local deadline has not passed.
  [[nodiscard]] bool valid() const;
  /// Current state (held, uncertain, lost, released).
  [[nodiscard]] LeaseState state() const;
  /// Why it was lost, once it was.
  [[nodiscard]] std::optional<LossReason> loss_reason() const;
  /// The row's attributes when the lease was taken (the user's own attributes and the lease's).
  [[nodiscard]] const AttributeMap& attributes() const noexcept;
  /// The lock's stored data (named locks with data), else empty.
  [[nodiscard]] std::optional<Bytes> data() const;

  /// Renews now, on the calling thread (heartbeats do this on their own). Returns false when the
  /// lease turned out to be lost (then state() is lost); throws lease::Error for an AWS or network
  /// failure (state() becomes uncertain, the confirmed deadline is unchanged).
  bool renew();
  /// Stops heartbeats and releases the row, conditional on lessee and token, so a stale holder can
  /// never release someone else's lease. Returns true when this call released it; false when it was
  /// already released or lost (harmless). Throws lease::Error on AWS or network failure.
  bool release();
  /// Stops heartbeats and leaves the row held until it expires (for handing over to another
  /// process that renews with the same lessee and token). The destructor will not release it.
  void keep() noexcept;

  /// Internal (used by the stores).
  explicit Lease(std::shared_ptr<detail::LeaseCore> core) noexcept;

 private:
  std::shared_ptr<detail::LeaseCore> core_;
};

}  // namespace lease

#pragma once
// The state one held lease shares between its handle (lease::Lease), the store that took it and the
// store's renewer. Internal.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "lease/lease.hpp"

namespace lease::detail {

class RowStore;

/// A row's primary key values.
struct RowKey {
  std::string hash;
  std::optional<std::string> sort;
};

struct LeaseCore {
  // Fixed when the lease is taken.
  std::shared_ptr<RowStore> store;  // keeps the store (and its renewer) alive while the lease lives
  RowKey key;
  std::string lessee;
  std::int64_t token = 0;
  std::chrono::nanoseconds duration{0};
  std::chrono::nanoseconds period{0};  // heartbeat period; 0 = no heartbeats
  AttributeMap attributes;
  LostCallback on_lost;

  // Serialises this lease's network operations (a renewal and a release never race).
  std::mutex op;
  // False once released, kept or lost: the renewer drops it.
  std::atomic<bool> active{true};

  // Guarded by `m`.
  mutable std::mutex m;
  LeaseState state = LeaseState::held;
  std::optional<LossReason> reason;
  std::int64_t lease_until_ns = 0;       // last confirmed LeaseUntil
  std::chrono::nanoseconds deadline{0};  // local elapsed-clock deadline of the last confirmed write
  bool kept = false;

  /// Marks the lease lost (once) and calls on_lost outside the lock. Returns false when it was already
  /// lost or released.
  bool mark_lost(LossReason why) noexcept;
  /// Records a confirmed renewal: the write was sent at local time `sent` and wrote `until_ns`.
  void confirm(std::chrono::nanoseconds sent, std::int64_t until_ns) noexcept;
};

}  // namespace lease::detail

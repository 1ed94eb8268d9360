// lease::Lease (the handle) and the shared LeaseCore state behind it.
#include "lease/lease.hpp"

#include "lease/lease_core.hpp"
#include "lease/row_store.hpp"

namespace lease {

std::string_view to_string(LeaseState state) noexcept {
  switch (state) {
    case LeaseState::held:
      return "held";
    case LeaseState::uncertain:
      return "uncertain";
    case LeaseState::lost:
      return "lost";
    case LeaseState::released:
      return "released";
  }
  return "unknown";
}

std::string_view to_string(LossReason reason) noexcept {
  switch (reason) {
    case LossReason::stolen:
      return "stolen";
    case LossReason::expired:
      return "expired";
    case LossReason::released:
      return "released";
  }
  return "unknown";
}

namespace detail {

bool LeaseCore::mark_lost(LossReason why) noexcept {
  {
    std::lock_guard lock(m);
    if (state == LeaseState::lost || state == LeaseState::released) return false;
    state = LeaseState::lost;
    reason = why;
  }
  store->log(LogLevel::warn,
             "lease on '" + key.hash + "' (token " + std::to_string(token) + ") lost: " + std::string(to_string(why)));
  if (on_lost) {
    try {
      on_lost(key.hash, why);
    } catch (...) {  // a throwing callback must not kill the renewer
      store->log(LogLevel::error, "lost-lease callback for '" + key.hash + "' threw");
    }
  }
  return true;
}

void LeaseCore::confirm(std::chrono::nanoseconds sent, std::int64_t until_ns) noexcept {
  std::lock_guard lock(m);
  if (state == LeaseState::lost || state == LeaseState::released) return;
  state = LeaseState::held;
  lease_until_ns = until_ns;
  deadline = std::max(deadline, sent + duration);
}

}  // namespace detail

Lease::Lease(std::shared_ptr<detail::LeaseCore> core) noexcept : core_(std::move(core)) {}
Lease::Lease(Lease&& other) noexcept = default;

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Lease old(std::move(*this));  // releases what this handle held
    core_ = std::move(other.core_);
  }
  return *this;
}

Lease::~Lease() {
  if (!core_) return;
  bool kept = false;
  {
    std::lock_guard lock(core_->m);
    kept = core_->kept;
  }
  if (kept) return;
  try {
    core_->store->release(*core_);
  } catch (const std::exception& e) {  // best effort: the lease then simply expires
    core_->store->log(LogLevel::warn, "release of '" + core_->key.hash + "' on destruction failed: " + e.what());
  } catch (...) {
  }
}

const std::string& Lease::table() const noexcept { return core_->store->table(); }
const std::string& Lease::key() const noexcept { return core_->key.hash; }
const std::optional<std::string>& Lease::sort_key() const noexcept { return core_->key.sort; }
const std::string& Lease::lessee() const noexcept { return core_->lessee; }
std::int64_t Lease::token() const noexcept { return core_->token; }
const AttributeMap& Lease::attributes() const noexcept { return core_->attributes; }

std::chrono::system_clock::time_point Lease::lease_until() const {
  std::lock_guard lock(core_->m);
  return detail::from_epoch_ns(core_->lease_until_ns);
}

std::chrono::nanoseconds Lease::remaining() const {
  std::lock_guard lock(core_->m);
  if (core_->state == LeaseState::lost || core_->state == LeaseState::released) return std::chrono::nanoseconds::zero();
  return core_->deadline - core_->store->clock().elapsed_now();
}

bool Lease::valid() const { return remaining() > std::chrono::nanoseconds::zero(); }

LeaseState Lease::state() const {
  std::lock_guard lock(core_->m);
  if ((core_->state == LeaseState::held || core_->state == LeaseState::uncertain) &&
      core_->store->clock().elapsed_now() >= core_->deadline) {
    return LeaseState::lost;  // past the local deadline, whether or not the renewer has noticed yet
  }
  return core_->state;
}

std::optional<LossReason> Lease::loss_reason() const {
  std::lock_guard lock(core_->m);
  if (core_->reason) return core_->reason;
  if ((core_->state == LeaseState::held || core_->state == LeaseState::uncertain) &&
      core_->store->clock().elapsed_now() >= core_->deadline) {
    return LossReason::expired;
  }
  return std::nullopt;
}

std::optional<Bytes> Lease::data() const {
  auto it = core_->attributes.find(core_->store->options().names.data);
  if (it == core_->attributes.end() || !it->second.is_binary()) return std::nullopt;
  return it->second.as_binary();
}

bool Lease::renew() {
  try {
    return core_->store->renew(*core_);
  } catch (...) {
    std::lock_guard lock(core_->m);
    if (core_->state == LeaseState::held) core_->state = LeaseState::uncertain;
    throw;
  }
}

bool Lease::release() { return core_->store->release(*core_); }

void Lease::keep() noexcept {
  core_->active = false;
  std::lock_guard lock(core_->m);
  core_->kept = true;
}

}  // namespace lease

// lease::LockClient: named locks. A take is one UpdateItem that creates the row when absent.
#include <map>
#include <mutex>

#include "lease/lock.hpp"
#include "lease/row_store.hpp"
#include "lease/wait.hpp"

namespace lease {

using detail::Expression;
using detail::RowStore;

namespace {

// What a clock-free observer saw of another holder's lock.
struct Observation {
  std::int64_t lease_until = 0;            // the LeaseUntil value seen
  std::chrono::nanoseconds first_seen{0};  // local elapsed time when first seen unchanged
  std::chrono::nanoseconds duration{0};    // the holder's lease duration (LeaseDuration)
};

std::string observation_key(const detail::RowKey& key) { return key.sort ? key.hash + '\x1f' + *key.sort : key.hash; }

}  // namespace

struct LockClient::Impl {
  std::shared_ptr<RowStore> store;
  LockOptions options;
  std::mutex observations_mutex;
  std::map<std::string, Observation, std::less<>> observations;  // kept across calls (clock-free mode)

  // The observed LeaseUntil value when it has stayed unchanged for the holder's duration.
  std::optional<std::int64_t> expired_observation(const detail::RowKey& key) {
    std::lock_guard lock(observations_mutex);
    auto it = observations.find(observation_key(key));
    if (it == observations.end()) return std::nullopt;
    if (store->clock().elapsed_now() - it->second.first_seen < it->second.duration) return std::nullopt;
    return it->second.lease_until;
  }

  void observe(const detail::RowKey& key, const std::optional<AttributeMap>& current) {
    const auto& n = options.names;
    std::lock_guard lock(observations_mutex);
    auto id = observation_key(key);
    if (!current || !current->contains(n.lessee)) {
      observations.erase(id);
      return;
    }
    auto until = detail::number_attribute(*current, n.lease_until, key.hash).value_or(0);
    auto duration = detail::number_attribute(*current, n.duration, key.hash).value_or(0);
    auto it = observations.find(id);
    if (it == observations.end() || it->second.lease_until != until) {
      // A new value means a heartbeat (or a new holder): start counting again.
      observations.insert_or_assign(
          id, Observation{until, store->clock().elapsed_now(), std::chrono::milliseconds(duration)});
    }
  }
};

LockClient::LockClient(Client client, std::string table, LockOptions options) : impl_(std::make_shared<Impl>()) {
  auto row = detail::common_row_options(options);
  row.sort_key = options.sort_key;
  row.lock_rows = true;
  row.delete_on_release = options.delete_on_release;
  row.ttl_attribute = options.ttl_attribute;
  row.ttl_margin = options.ttl_margin;
  impl_->store = std::make_shared<RowStore>(std::move(client), std::move(table), std::move(row));
  impl_->options = std::move(options);
}

LockClient::~LockClient() = default;

std::optional<Lease> LockClient::try_acquire(const LockRequest& request) {
  RowStore::validate(request.lease);
  if (request.key.empty()) throw InvalidArgument("lock key must not be empty");
  const auto& n = impl_->options.names;
  detail::RowKey key{request.key, request.sort_key};
  const auto observed =
      impl_->options.takeover == Takeover::clock_free ? impl_->expired_observation(key) : std::nullopt;
  const std::int64_t threshold = impl_->store->free_threshold_ns(impl_->options.max_clock_skew);

  detail::TakeSpec spec;
  spec.key = key;
  spec.request = &request.lease;
  spec.condition = [&](Expression& e) {
    // Free when absent or released (no lessee), or expired by the configured rule.
    auto until = e.name(n.lease_until);
    std::string condition = "attribute_not_exists(" + e.name(n.lessee) + ") OR attribute_not_exists(" + until + ")";
    if (impl_->options.takeover == Takeover::wall_clock) {
      condition += " OR " + until + " < " + e.value(AttributeValue::number(threshold));
    } else if (observed) {
      // Unchanged for the holder's whole duration on our own clock: no heartbeat came.
      condition += " OR " + until + " = " + e.value(AttributeValue::number(*observed));
    }
    return condition;
  };
  if (request.data) {
    spec.extra_set = [&](Expression& e) {
      return ", " + e.name(n.data) + " = " + e.value(AttributeValue::binary(*request.data));
    };
  }
  auto outcome = impl_->store->take(spec);
  if (auto* held = std::get_if<Lease>(&outcome)) {
    std::lock_guard lock(impl_->observations_mutex);
    impl_->observations.erase(observation_key(key));
    return std::move(*held);
  }
  if (impl_->options.takeover == Takeover::clock_free) impl_->observe(key, std::get<detail::NotTaken>(outcome).current);
  return std::nullopt;
}

std::optional<Lease> LockClient::acquire(const LockRequest& request, const WaitOptions& wait, std::stop_token stop) {
  RowStore::validate(request.lease);
  return detail::wait_for_lease(wait, stop, RowStore::rng(), [&] { return try_acquire(request); });
}

std::optional<std::chrono::system_clock::time_point> LockClient::renew(const std::string& key,
                                                                       const std::optional<std::string>& sort_key,
                                                                       const std::string& lessee, std::int64_t token,
                                                                       std::chrono::milliseconds duration) {
  return impl_->store->renew_for({key, sort_key}, lessee, token, duration);
}

bool LockClient::release(const std::string& key, const std::optional<std::string>& sort_key, const std::string& lessee,
                         std::int64_t token) {
  if (lessee.empty()) throw InvalidArgument("lessee must not be empty");
  return impl_->store->release_row({key, sort_key}, lessee, token);
}

ForceReleaseResult LockClient::force_release(const std::string& key, const std::optional<std::string>& sort_key) {
  return impl_->store->force_release({key, sort_key});
}

}  // namespace lease

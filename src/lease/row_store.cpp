#include "lease/row_store.hpp"

#include <algorithm>

#include "dynamodb/errors.hpp"
#include "lease/error.hpp"
#include "lease/renewer.hpp"

namespace lease::detail {

using std::chrono::nanoseconds;

namespace {

constexpr std::int64_t to_ns(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string pool_index_name(const std::string& base, int buckets) { return base + "_" + std::to_string(buckets); }

std::optional<int> pool_index_buckets(std::string_view index, std::string_view base) {
  if (index.size() <= base.size() + 1 || index.substr(0, base.size()) != base || index[base.size()] != '_') {
    return std::nullopt;
  }
  int buckets = 0;
  for (char c : index.substr(base.size() + 1)) {
    if (c < '0' || c > '9' || buckets > 100000) return std::nullopt;
    buckets = buckets * 10 + (c - '0');
  }
  return buckets >= 1 ? std::optional<int>(buckets) : std::nullopt;
}

std::chrono::system_clock::time_point from_epoch_ns(std::int64_t ns) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(nanoseconds(ns)));
}

std::optional<std::int64_t> number_attribute(const AttributeMap& item, const std::string& name,
                                             const std::string& row) {
  auto it = item.find(name);
  if (it == item.end()) return std::nullopt;
  if (!it->second.is_number()) {
    throw InvalidArgument("row '" + row + "': attribute '" + name + "' is of type " +
                          std::string(to_string(it->second.type())) + ", not a number (N)");
  }
  try {
    return it->second.as_int64();
  } catch (const InvalidArgument&) {
    throw InvalidArgument("row '" + row + "': attribute '" + name + "' = " + it->second.as_number() +
                          " is not a whole number in the range of a 64-bit integer");
  }
}

std::optional<std::string> string_attribute(const AttributeMap& item, const std::string& name) {
  auto it = item.find(name);
  if (it == item.end() || !it->second.is_string()) return std::nullopt;
  return it->second.as_string();
}

RowStore::RowStore(Client client, std::string table, RowStoreOptions options)
    : table_(std::move(table)),
      options_(std::move(options)),
      client_(std::move(client)),
      clock_(options_.clock ? options_.clock : SystemClock::instance()) {
  if (table_.empty()) throw InvalidArgument("table name is empty");
  if (!client_.impl()) throw InvalidArgument("client is not initialised");
  const auto& n = options_.names;
  for (const auto* name : {&n.lessee, &n.lease_until, &n.token, &n.bucket, &n.duration, &n.data}) {
    if (name->empty()) throw InvalidArgument("attribute names must not be empty");
  }
  renewer_ = std::make_unique<Renewer>(options_.renewer, clock_);
}

RowStore::~RowStore() = default;

std::mt19937_64& RowStore::rng() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

void RowStore::log(LogLevel level, const std::string& message) const {
  if (options_.logger) {
    try {
      options_.logger(level, message);
    } catch (...) {  // a logger's failure must not break a lease operation
    }
  }
}

std::int64_t RowStore::wall_now_ns() const { return to_ns(clock_->wall_now()); }

const Layout& RowStore::layout() {
  std::lock_guard lock(layout_mutex_);
  if (layout_) return *layout_;
  auto description = client().describe_table(table_).table;
  Layout layout;
  layout.hash_key = options_.hash_key.empty() ? description.key_schema.hash_key : options_.hash_key;
  layout.sort_key = options_.sort_key.empty() ? description.key_schema.range_key.value_or("") : options_.sort_key;
  if (layout.hash_key != description.key_schema.hash_key) {
    throw InvalidArgument("table '" + table_ + "' has hash key '" + description.key_schema.hash_key + "', not '" +
                          layout.hash_key + "'");
  }
  for (const auto& def : description.attribute_definitions) {
    bool is_key = def.name == layout.hash_key || (!layout.sort_key.empty() && def.name == layout.sort_key);
    if (is_key && def.type != dynamodb::ScalarType::string) {
      throw InvalidArgument("table '" + table_ + "': key attribute '" + def.name +
                            "' must be of type String (S) for leases");
    }
  }
  if (!options_.index_name.empty()) {
    for (const auto& index : description.global_secondary_indexes) {
      if (index.key_schema.hash_key != options_.names.bucket ||
          index.key_schema.range_key != options_.names.lease_until) {
        continue;
      }
      if (auto buckets = pool_index_buckets(index.name, options_.index_name)) {
        layout.has_pool_index = true;
        layout.index = index.name;
        layout.buckets = *buckets;
      }
    }
  }
  layout_ = std::move(layout);
  return *layout_;
}

AttributeMap RowStore::key_item(const RowKey& key) {
  const auto& l = layout();
  if (key.hash.empty()) throw InvalidArgument("key must not be empty");
  AttributeMap item;
  item.emplace(l.hash_key, AttributeValue::string(key.hash));
  if (!l.sort_key.empty()) {
    if (!key.sort || key.sort->empty()) {
      throw InvalidArgument("table '" + table_ + "' has sort key '" + l.sort_key + "': a sort key value is required");
    }
    item.emplace(l.sort_key, AttributeValue::string(*key.sort));
  } else if (key.sort) {
    throw InvalidArgument("table '" + table_ + "' has no sort key, but a sort key value was given");
  }
  return item;
}

void RowStore::validate(const LeaseRequest& request) {
  if (request.lessee.empty()) throw InvalidArgument("lessee must not be empty");
  if (request.duration <= std::chrono::milliseconds::zero()) {
    throw InvalidArgument("lease duration must be positive (got " + std::to_string(request.duration.count()) + " ms)");
  }
  if (request.heartbeat_period < std::chrono::milliseconds::zero() ||
      (request.heartbeat_period.count() > 0 && request.heartbeat_period >= request.duration)) {
    throw InvalidArgument("heartbeat period (" + std::to_string(request.heartbeat_period.count()) +
                          " ms) must be positive and below the lease duration (" +
                          std::to_string(request.duration.count()) + " ms)");
  }
}

std::string RowStore::lock_row_sets(Expression& e, std::int64_t until_ns, nanoseconds duration) const {
  if (!options_.lock_rows) return {};
  // Named-lock rows carry their duration (clock-free observers wait that long; it also marks them
  // as locks so a pool never takes them) and, optionally, a TTL so abandoned rows get cleaned up.
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
  std::string sets = ", " + e.name(options_.names.duration) + " = " + e.value(AttributeValue::number(ms));
  if (!options_.ttl_attribute.empty()) {
    auto ttl = until_ns / 1'000'000'000 + options_.ttl_margin.count();
    sets += ", " + e.name(options_.ttl_attribute) + " = " + e.value(AttributeValue::number(ttl));
  }
  return sets;
}

std::variant<Lease, NotTaken> RowStore::take(const TakeSpec& spec) {
  const LeaseRequest& request = *spec.request;
  const auto& n = options_.names;
  dynamodb::UpdateItemRequest update;
  update.table_name = table_;
  update.key = key_item(spec.key);
  Expression e;
  const auto duration = std::chrono::duration_cast<nanoseconds>(request.duration);
  // The local deadline counts from *before* the request is sent (see README "Guarantees").
  const nanoseconds sent = clock_->elapsed_now();
  const std::int64_t until = wall_now_ns() + duration.count();
  std::string set = "SET " + e.name(n.lessee) + " = " + e.value(AttributeValue::string(request.lessee)) + ", " +
                    e.name(n.lease_until) + " = " + e.value(AttributeValue::number(until));
  set += lock_row_sets(e, until, duration);
  if (spec.extra_set) set += spec.extra_set(e);
  // The fencing token is incremented on the server in the same write that changes the holder.
  update.update_expression = set + " ADD " + e.name(n.token) + " " + e.value(AttributeValue::number(1));
  update.condition_expression = spec.condition(e);
  std::move(e).apply_to(update);
  update.return_values = dynamodb::ReturnValues::all_new;
  update.return_values_on_condition_check_failure = dynamodb::ReturnValuesOnConditionCheckFailure::all_old;

  AttributeMap attributes;
  try {
    auto result = client().update_item(update);
    attributes = result.attributes.value_or(AttributeMap{});
  } catch (const dynamodb::ConditionalCheckFailed& failed) {
    // Ambiguous write: a retry of our own successful take fails its condition. The old item then
    // shows our lessee with the exact LeaseUntil this attempt wrote.
    const auto& item = failed.item();
    if (item && string_attribute(*item, n.lessee) == request.lessee &&
        number_attribute(*item, n.lease_until, spec.key.hash) == until) {
      attributes = *item;
      log(LogLevel::info, "take of '" + spec.key.hash + "' succeeded on an earlier attempt (ambiguous write resolved)");
    } else {
      if (item) number_attribute(*item, n.lease_until, spec.key.hash);  // a non-number LeaseUntil is bad input
      return NotTaken{item};
    }
  }

  auto core = std::make_shared<LeaseCore>();
  core->store = shared_from_this();
  core->key = spec.key;
  core->lessee = request.lessee;
  core->token = number_attribute(attributes, n.token, spec.key.hash).value_or(0);
  core->duration = duration;
  core->period = !request.heartbeat ? nanoseconds::zero()
                 : request.heartbeat_period.count() > 0
                     ? std::chrono::duration_cast<nanoseconds>(request.heartbeat_period)
                     : duration / 3;
  core->attributes = std::move(attributes);
  core->on_lost = request.on_lost;
  core->lease_until_ns = until;
  core->deadline = sent + duration;
  if (core->period.count() > 0) renewer_->add(core);
  log(LogLevel::debug, "took '" + spec.key.hash + "' as " + request.lessee + " token " + std::to_string(core->token));
  return Lease(std::move(core));
}

std::variant<Renewed, Lost> RowStore::renew_row(const RowKey& key, const std::string& lessee, std::int64_t token,
                                                nanoseconds duration, nanoseconds* sent,
                                                std::optional<std::chrono::steady_clock::time_point> deadline) {
  const auto& n = options_.names;
  dynamodb::UpdateItemRequest update;
  update.table_name = table_;
  update.key = key_item(key);
  Expression e;
  if (sent != nullptr) *sent = clock_->elapsed_now();
  const std::int64_t until = wall_now_ns() + duration.count();
  std::string set = "SET " + e.name(n.lease_until) + " = " + e.value(AttributeValue::number(until));
  set += lock_row_sets(e, until, duration);
  update.update_expression = set;
  // Renewal never changes the token: only the holder with this exact token may extend.
  update.condition_expression = e.name(n.lessee) + " = " + e.value(AttributeValue::string(lessee)) + " AND " +
                                e.name(n.token) + " = " + e.value(AttributeValue::number(token));
  std::move(e).apply_to(update);
  update.return_values_on_condition_check_failure = dynamodb::ReturnValuesOnConditionCheckFailure::all_old;
  update.deadline = deadline;
  try {
    client().update_item(update);
    return Renewed{until};
  } catch (const dynamodb::ConditionalCheckFailed& failed) {
    const auto& item = failed.item();
    if (!item || !item->contains(n.lessee)) return Lost{LossReason::released};
    if (string_attribute(*item, n.lessee) == lessee && number_attribute(*item, n.token, key.hash) == token) {
      // Same holder and token: only an earlier attempt of this very renewal can explain the failure.
      if (number_attribute(*item, n.lease_until, key.hash) == until) return Renewed{until};
    }
    return Lost{LossReason::stolen};
  }
}

std::optional<std::chrono::system_clock::time_point> RowStore::renew_for(const RowKey& key, const std::string& lessee,
                                                                         std::int64_t token,
                                                                         std::chrono::milliseconds duration) {
  validate(LeaseRequest{.lessee = lessee, .duration = duration});
  auto outcome = renew_row(key, lessee, token, duration, nullptr);
  if (const auto* renewed = std::get_if<Renewed>(&outcome)) return from_epoch_ns(renewed->lease_until_ns);
  return std::nullopt;
}

bool RowStore::release_row(const RowKey& key, const std::string& lessee, std::int64_t token) {
  const auto& n = options_.names;
  Expression e;
  std::string condition = e.name(n.lessee) + " = " + e.value(AttributeValue::string(lessee)) + " AND " +
                          e.name(n.token) + " = " + e.value(AttributeValue::number(token));
  try {
    if (options_.delete_on_release) {
      dynamodb::DeleteItemRequest del;
      del.table_name = table_;
      del.key = key_item(key);
      del.condition_expression = std::move(condition);
      std::move(e).apply_to(del);
      del.return_values_on_condition_check_failure = dynamodb::ReturnValuesOnConditionCheckFailure::all_old;
      client().delete_item(del);
    } else {
      // Free at once (LeaseUntil 0, no lessee); the token and every other attribute stay.
      dynamodb::UpdateItemRequest update;
      update.table_name = table_;
      update.key = key_item(key);
      update.update_expression =
          "SET " + e.name(n.lease_until) + " = " + e.value(AttributeValue::number(0)) + " REMOVE " + e.name(n.lessee);
      update.condition_expression = std::move(condition);
      std::move(e).apply_to(update);
      update.return_values_on_condition_check_failure = dynamodb::ReturnValuesOnConditionCheckFailure::all_old;
      client().update_item(update);
    }
    return true;
  } catch (const dynamodb::ConditionalCheckFailed& failed) {
    // Already free with our token (e.g. a retried release whose first attempt landed): harmless.
    const auto& item = failed.item();
    if (!item) return options_.delete_on_release;
    return !item->contains(n.lessee) && number_attribute(*item, n.token, key.hash) == token;
  }
}

ForceReleaseResult RowStore::force_release(const RowKey& key) {
  const auto& n = options_.names;
  const auto& l = layout();
  dynamodb::UpdateItemRequest update;
  update.table_name = table_;
  update.key = key_item(key);
  Expression e;
  update.update_expression =
      "SET " + e.name(n.lease_until) + " = " + e.value(AttributeValue::number(0)) + " REMOVE " + e.name(n.lessee);
  update.condition_expression = "attribute_exists(" + e.name(l.hash_key) + ")";
  std::move(e).apply_to(update);
  update.return_values = dynamodb::ReturnValues::all_old;
  ForceReleaseResult result;
  try {
    auto response = client().update_item(update);
    const AttributeMap old = response.attributes.value_or(AttributeMap{});
    result.existed = true;
    result.lessee = string_attribute(old, n.lessee);
    result.token = number_attribute(old, n.token, key.hash).value_or(0);
    if (auto until = number_attribute(old, n.lease_until, key.hash)) result.lease_until = from_epoch_ns(*until);
  } catch (const dynamodb::ConditionalCheckFailed&) {
    result.existed = false;
  }
  return result;
}

bool RowStore::renew(LeaseCore& core) {
  std::lock_guard op(core.op);
  if (!core.active.load()) return false;
  nanoseconds deadline;
  {
    std::lock_guard lock(core.m);
    deadline = core.deadline;
  }
  if (clock_->elapsed_now() >= deadline) {
    // Past the local deadline the holder had to stop already: lost (expired), whatever the table says.
    core.active = false;
    core.mark_lost(LossReason::expired);
    return false;
  }
  nanoseconds sent{0};
  // Retrying past the local deadline is pointless: the holder must stop there whatever the outcome.
  const auto steady_deadline = std::chrono::steady_clock::now() + (deadline - clock_->elapsed_now());
  auto outcome = renew_row(core.key, core.lessee, core.token, core.duration, &sent, steady_deadline);
  if (const auto* lost = std::get_if<Lost>(&outcome)) {
    core.active = false;
    core.mark_lost(lost->reason);
    return false;
  }
  if (clock_->elapsed_now() >= deadline) {
    // Confirmed too late: the holder already had to stop at its deadline, so the lease counts as
    // lost (expired). The row stays ours in the table until release or expiry.
    core.active = false;
    core.mark_lost(LossReason::expired);
    return false;
  }
  core.confirm(sent, std::get<Renewed>(outcome).lease_until_ns);
  return true;
}

bool RowStore::release(LeaseCore& core) {
  core.active = false;  // stop heartbeats first, then wait for an in-flight renewal
  std::lock_guard op(core.op);
  {
    std::lock_guard lock(core.m);
    if (core.state == LeaseState::released) return false;
    if (core.state == LeaseState::lost && core.reason != LossReason::expired) return false;
  }
  bool released = release_row(core.key, core.lessee, core.token);
  {
    std::lock_guard lock(core.m);
    if (released || core.state != LeaseState::lost) core.state = LeaseState::released;
  }
  return released;
}

}  // namespace lease::detail

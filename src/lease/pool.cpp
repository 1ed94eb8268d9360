// lease::Pool: take any free row. The hot path is one Query of a random bucket of the sparse index
// plus one conditional UpdateItem on the base table; a table without the index falls back to a scan.
#include "lease/pool.hpp"

#include <algorithm>
#include <atomic>
#include <numeric>

#include "lease/pool_impl.hpp"
#include "lease/wait.hpp"

namespace lease {

using detail::Expression;
using detail::RowStore;

namespace {

constexpr int kScanSegments = 4;  // fallback scan: segments visited from a random one
constexpr int kTriesPerPage = 3;  // candidates tried from one page before moving on

}  // namespace

std::uint64_t stable_hash(std::string_view text) noexcept {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

int Pool::Impl::buckets() const {
  const auto& layout = store->layout();
  if (layout.has_pool_index) return layout.buckets;  // the table's own count wins: all processes agree
  return options.buckets > 0 ? options.buckets : 16;
}

std::int64_t Pool::Impl::free_threshold() const { return store->free_threshold_ns(options.max_clock_skew); }

// Condition of a pool take: the row exists, is not a named lock, and its lease has lapsed (or it
// was never leased). The index is only a hint; this is the authority.
std::optional<Lease> Pool::Impl::take(const std::string& key, const LeaseRequest& request, std::int64_t threshold) {
  detail::TakeSpec spec;
  spec.key = detail::RowKey{key, std::nullopt};
  spec.request = &request;
  spec.condition = [&](Expression& e) {
    auto until = e.name(names().lease_until);
    return "attribute_exists(" + e.name(store->layout().hash_key) + ") AND attribute_not_exists(" +
           e.name(names().duration) + ") AND (attribute_not_exists(" + until + ") OR " + until + " < " +
           e.value(AttributeValue::number(threshold)) + ")";
  };
  spec.extra_set = [&](Expression& e) {  // a row taken for the first time joins the index
    auto bucket = e.name(names().bucket);
    return ", " + bucket + " = if_not_exists(" + bucket + ", " + e.value(AttributeValue::number(bucket_of(key))) + ")";
  };
  auto outcome = store->take(spec);
  if (auto* held = std::get_if<Lease>(&outcome)) return std::move(*held);
  return std::nullopt;
}

// Tries a few random candidates of one page; a failed condition just means someone was faster
// (or the index entry was stale).
std::optional<Lease> Pool::Impl::try_page(const std::vector<AttributeMap>& items, const LeaseRequest& request,
                                          std::int64_t threshold) {
  std::vector<std::string> keys;
  keys.reserve(items.size());
  for (const auto& item : items) {
    if (auto key = detail::string_attribute(item, store->layout().hash_key)) keys.push_back(std::move(*key));
  }
  std::shuffle(keys.begin(), keys.end(), RowStore::rng());
  int tries = 0;
  for (const auto& key : keys) {
    if (tries++ == kTriesPerPage) break;
    if (auto held = take(key, request, threshold)) return held;
  }
  return std::nullopt;
}

std::optional<Lease> Pool::Impl::obtain_indexed(const LeaseRequest& request, std::int64_t threshold) {
  std::vector<int> order(static_cast<std::size_t>(buckets()));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), RowStore::rng());
  for (int bucket : order) {
    dynamodb::QueryRequest query;
    query.table_name = store->table();
    query.index_name = store->layout().index;
    Expression e;
    query.key_condition_expression = e.name(names().bucket) + " = " + e.value(AttributeValue::number(bucket)) +
                                     " AND " + e.name(names().lease_until) + " < " +
                                     e.value(AttributeValue::number(threshold));
    std::move(e).apply_to(query);
    query.limit = options.query_limit;
    auto page = store->client().query(query);
    if (page.items.empty()) continue;  // move to another bucket only when this one has nothing free
    if (auto held = try_page(page.items, request, threshold)) return held;
  }
  return std::nullopt;
}

std::optional<Lease> Pool::Impl::obtain_by_scan(const LeaseRequest& request, std::int64_t threshold) {
  if (!warned_slow_path.exchange(true)) {
    store->log(LogLevel::warn, "table '" + store->table() + "' has no index '" + options.index_name + "_<buckets>" +
                                   "': obtain scans the table (slow path); create the index and run "
                                   "'lease table index-rows'");
  }
  const int start = static_cast<int>(RowStore::rng()() % kScanSegments);
  for (int i = 0; i < kScanSegments; ++i) {
    std::optional<AttributeMap> start_key;
    do {
      dynamodb::ScanRequest scan;
      scan.table_name = store->table();
      scan.segment = (start + i) % kScanSegments;
      scan.total_segments = kScanSegments;
      Expression e;
      auto until = e.name(names().lease_until);
      scan.filter_expression = "attribute_not_exists(" + e.name(names().duration) + ") AND (attribute_not_exists(" +
                               until + ") OR " + until + " < " + e.value(AttributeValue::number(threshold)) + ")";
      scan.projection_expression = e.name(store->layout().hash_key);
      std::move(e).apply_to(scan);
      scan.exclusive_start_key = std::move(start_key);
      auto page = store->client().scan(scan);
      if (auto held = try_page(page.items, request, threshold)) return held;
      start_key = std::move(page.last_evaluated_key);
    } while (start_key);
  }
  return std::nullopt;
}

Pool::Pool(Client client, std::string table, PoolOptions options) : impl_(std::make_shared<Impl>()) {
  if (options.buckets < 0) throw InvalidArgument("buckets must not be negative (0: from the index)");
  if (options.query_limit < 1) throw InvalidArgument("query_limit must be at least 1");
  auto row = detail::common_row_options(options);
  row.index_name = options.index_name;
  impl_->store = std::make_shared<RowStore>(std::move(client), std::move(table), std::move(row));
  impl_->options = std::move(options);
}

Pool::~Pool() = default;

const std::string& Pool::table() const noexcept { return impl_->store->table(); }
bool Pool::uses_index() { return impl_->store->layout().has_pool_index; }
std::string Pool::hash_key() { return impl_->store->layout().hash_key; }

std::optional<Lease> Pool::obtain(const LeaseRequest& request) {
  RowStore::validate(request);
  const std::int64_t threshold = impl_->free_threshold();
  if (impl_->store->layout().has_pool_index) return impl_->obtain_indexed(request, threshold);
  return impl_->obtain_by_scan(request, threshold);
}

std::optional<Lease> Pool::wait_until_obtained(const LeaseRequest& request, const WaitOptions& wait,
                                               std::stop_token stop) {
  RowStore::validate(request);
  return detail::wait_for_lease(wait, stop, RowStore::rng(), [&] { return obtain(request); });
}

std::optional<std::chrono::system_clock::time_point> Pool::renew(const std::string& key, const std::string& lessee,
                                                                 std::int64_t token,
                                                                 std::chrono::milliseconds duration) {
  return impl_->store->renew_for({key, std::nullopt}, lessee, token, duration);
}

bool Pool::release(const std::string& key, const std::string& lessee, std::int64_t token) {
  if (lessee.empty()) throw InvalidArgument("lessee must not be empty");
  return impl_->store->release_row({key, std::nullopt}, lessee, token);
}

ForceReleaseResult Pool::force_release(const std::string& key) {
  return impl_->store->force_release({key, std::nullopt});
}

}  // namespace lease

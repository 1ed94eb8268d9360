#pragma once
// Pool::Impl, shared by pool.cpp (obtain) and pool_admin.cpp (rows). Internal.

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lease/pool.hpp"
#include "lease/row_store.hpp"

namespace lease {

/// FNV-1a: a stable hash (std::hash is not stable across builds), so every process puts a row in
/// the same bucket.
[[nodiscard]] std::uint64_t stable_hash(std::string_view text) noexcept;

struct Pool::Impl {
  std::shared_ptr<detail::RowStore> store;
  PoolOptions options;
  std::atomic<bool> warned_slow_path{false};

  [[nodiscard]] const AttributeNames& names() const { return options.names; }
  /// Buckets in use: the index's recorded count, else the option, else 16.
  [[nodiscard]] int buckets() const;
  [[nodiscard]] std::int64_t bucket_of(const std::string& key) const {
    return static_cast<std::int64_t>(stable_hash(key) % static_cast<std::uint64_t>(buckets()));
  }
  [[nodiscard]] std::int64_t free_threshold() const;
  std::optional<Lease> take(const std::string& key, const LeaseRequest& request, std::int64_t threshold);
  std::optional<Lease> try_page(const std::vector<AttributeMap>& items, const LeaseRequest& request,
                                std::int64_t threshold);
  std::optional<Lease> obtain_indexed(const LeaseRequest& request, std::int64_t threshold);
  std::optional<Lease> obtain_by_scan(const LeaseRequest& request, std::int64_t threshold);
};

}  // namespace lease

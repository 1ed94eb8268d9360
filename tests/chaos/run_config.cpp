#include "run_config.hpp"

#include "chaos_clock.hpp"

namespace lease::chaos {

namespace {

std::vector<std::string> numbered(const std::string& prefix, int n) {
  std::vector<std::string> names;
  for (int i = 1; i <= n; ++i) names.push_back(prefix + std::to_string(i));
  return names;
}

}  // namespace

std::vector<std::string> RunConfig::row_names() const { return numbered("row-", rows); }
std::vector<std::string> RunConfig::lock_names() const { return numbered("lock-", locks); }

std::vector<std::string> RunConfig::history_keys() const {
  std::vector<std::string> keys;
  for (const auto& row : row_names()) keys.push_back(pool_key(row));
  for (const auto& lock : lock_names()) keys.push_back(lock_key(lock));
  return keys;
}

std::int64_t RunConfig::liveness_bound_ns() const {
  return ms_to_ns(lease_max_ms + skew_ms + max_poll_ms + slack_ms);
}

std::string pool_key(const std::string& row) { return "pool/" + row; }
std::string lock_key(const std::string& lock) { return "lock/" + lock; }
bool is_pool_key(const std::string& key) { return key.starts_with("pool/"); }

}  // namespace lease::chaos

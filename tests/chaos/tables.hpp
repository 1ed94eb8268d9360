#pragma once
// The tables of a chaos run: the pool, the named locks and the fence (protected resource), their
// rows' user attributes, and snapshots of them for the checker.

#include <vector>

#include <nlohmann/json.hpp>

#include "lease/attribute_value.hpp"
#include "lease/client.hpp"
#include "run_config.hpp"

namespace lease::chaos {

/// The pool and lock rows at one moment.
struct RowSnapshot {
  std::vector<AttributeMap> pool;
  std::vector<AttributeMap> locks;
};

/// Creates the pool table (with its index), the lock table and the fence table, and fills them:
/// pool and lock rows carrying user attributes of every DynamoDB type, and one fence key per row
/// and lock.
void create_tables(const lease::Client& client, const RunConfig& config);

/// Every pool and lock row now.
[[nodiscard]] RowSnapshot snapshot_rows(const lease::Client& client, const RunConfig& config);

/// A row's user attributes: all but its key ("id") and the lease's own attributes.
[[nodiscard]] AttributeMap user_attributes(const AttributeMap& row);

/// What must survive a restart of DynamoDB Local: each row's token ("pool/row-1": 7) and each fence
/// key's accepted writes ("fence/pool/row-1": 31).
[[nodiscard]] nlohmann::json durable_summary(const lease::Client& client, const RunConfig& config);

/// Snapshots as JSON (items in DynamoDB JSON) for the run folder, and back.
[[nodiscard]] nlohmann::json rows_to_json(const RowSnapshot& rows);
[[nodiscard]] RowSnapshot rows_from_json(const nlohmann::json& json);

}  // namespace lease::chaos

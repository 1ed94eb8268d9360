// Creating and describing pool/lock tables.
#include "dynamodb/client.hpp"
#include "lease/error.hpp"
#include "lease/pool.hpp"
#include "lease/row_store.hpp"

namespace lease {

void create_table(const Client& client, const std::string& table, const TableSpec& spec) {
  if (table.empty()) throw InvalidArgument("table name is empty");
  if (spec.hash_key.empty()) throw InvalidArgument("hash key name is empty");
  if (spec.buckets < 1 || spec.buckets > 10000) {
    throw InvalidArgument("buckets must be between 1 and 10000 (got " + std::to_string(spec.buckets) + ")");
  }
  dynamodb::CreateTableRequest request;
  request.table_name = table;
  request.key_schema.hash_key = spec.hash_key;
  request.attribute_definitions.push_back({spec.hash_key, dynamodb::ScalarType::string});
  if (!spec.sort_key.empty()) {
    request.key_schema.range_key = spec.sort_key;
    request.attribute_definitions.push_back({spec.sort_key, dynamodb::ScalarType::string});
  }
  if (spec.with_index) {
    // Sparse: only rows carrying both the bucket and LeaseUntil appear in it (pool rows, not locks).
    // KEYS_ONLY: obtain needs only the row's key; the base-table write returns the attributes.
    dynamodb::GlobalSecondaryIndex index;
    index.name = detail::pool_index_name(spec.index_name, spec.buckets);
    index.key_schema.hash_key = spec.names.bucket;
    index.key_schema.range_key = spec.names.lease_until;
    index.projection.type = dynamodb::ProjectionType::keys_only;
    request.global_secondary_indexes.push_back(std::move(index));
    request.attribute_definitions.push_back({spec.names.bucket, dynamodb::ScalarType::number});
    request.attribute_definitions.push_back({spec.names.lease_until, dynamodb::ScalarType::number});
  }
  request.billing_mode = dynamodb::BillingMode::pay_per_request;
  client.impl()->create_table(request);
  client.impl()->wait_until_active(table, spec.wait, spec.progress);
  if (!spec.ttl_attribute.empty()) client.impl()->update_time_to_live(table, spec.ttl_attribute, true);
}

TableInfo describe_table(const Client& client, const std::string& table) {
  auto description = client.impl()->describe_table(table).table;
  TableInfo info;
  info.name = description.table_name;
  info.status = description.status;
  info.hash_key = description.key_schema.hash_key;
  info.sort_key = description.key_schema.range_key.value_or("");
  for (const auto& index : description.global_secondary_indexes) info.indexes.push_back(index.name);
  info.item_count = description.item_count;
  return info;
}

}  // namespace lease

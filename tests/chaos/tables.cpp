#include "tables.hpp"

#include "dynamodb/client.hpp"
#include "fence.hpp"
#include "lease/options.hpp"
#include "lease/pool.hpp"
#include "table_scan.hpp"

namespace lease::chaos {

namespace {

using lease::AttributeValue;

AttributeMap pool_row(const std::string& name, std::int64_t i) {
  return {{"id", AttributeValue::string(name)},
          {"payload", AttributeValue::string("work item " + std::to_string(i))},
          {"weight", AttributeValue::number(i * 10)},
          {"ratio", AttributeValue::number("0.25")},
          {"tags", AttributeValue::string_set({"chaos", "row" + std::to_string(i)})},
          {"blob", AttributeValue::binary({0, 1, 2, static_cast<std::uint8_t>(i)})},
          {"done", AttributeValue::boolean(false)},
          {"nothing", AttributeValue::null()},
          {"meta", AttributeValue::map({{"owner", AttributeValue::string("chaos")},
                                        {"history", AttributeValue::list({AttributeValue::number(i)})}})}};
}

AttributeMap lock_row(const std::string& name, std::int64_t i) {
  return {{"id", AttributeValue::string(name)},
          {"note", AttributeValue::string("named lock " + std::to_string(i))},
          {"level", AttributeValue::number(i)},
          {"limits", AttributeValue::number_set({"1", "2.5"})}};
}

std::int64_t token_of(const AttributeMap& row) {
  auto it = row.find(lease::AttributeNames{}.token);
  return it != row.end() && it->second.is_number() ? it->second.as_int64() : 0;
}

}  // namespace

void create_tables(const lease::Client& client, const RunConfig& config) {
  lease::create_table(client, config.pool_table, {.hash_key = "id", .buckets = 4});
  lease::create_table(client, config.lock_table, {.hash_key = "id", .with_index = false});
  Fence::create_table(client, config.fence_table);

  std::vector<AttributeMap> rows;
  std::int64_t i = 0;
  for (const auto& name : config.row_names()) rows.push_back(pool_row(name, ++i));
  lease::Pool pool(client, config.pool_table);
  pool.add_rows(rows);
  i = 0;
  for (const auto& name : config.lock_names()) {
    dynamodb::PutItemRequest put;
    put.table_name = config.lock_table;
    put.item = lock_row(name, ++i);
    client.impl()->put_item(put);
  }
  Fence fence(client, config.fence_table);
  for (const auto& key : config.history_keys()) fence.add_key(key);
}

RowSnapshot snapshot_rows(const lease::Client& client, const RunConfig& config) {
  return {scan_all(client, config.pool_table), scan_all(client, config.lock_table)};
}

AttributeMap user_attributes(const AttributeMap& row) {
  const lease::AttributeNames names;
  AttributeMap user = row;
  for (const auto* name :
       {&names.lessee, &names.lease_until, &names.token, &names.bucket, &names.duration, &names.data}) {
    user.erase(*name);
  }
  user.erase("id");
  return user;
}

nlohmann::json durable_summary(const lease::Client& client, const RunConfig& config) {
  nlohmann::json summary = nlohmann::json::object();
  auto rows = snapshot_rows(client, config);
  auto id_of = [](const AttributeMap& row) { return row.at("id").as_string(); };
  for (const auto& row : rows.pool) summary[pool_key(id_of(row))] = token_of(row);
  for (const auto& row : rows.locks) summary[lock_key(id_of(row))] = token_of(row);
  for (const auto& record : Fence(client, config.fence_table).read_all()) {
    summary["fence/" + record.key] = record.writes;
  }
  return summary;
}

nlohmann::json rows_to_json(const RowSnapshot& rows) {
  auto items = [](const std::vector<AttributeMap>& list) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& item : list) array.push_back(nlohmann::json::parse(to_dynamodb_json(item)));
    return array;
  };
  return {{"pool", items(rows.pool)}, {"locks", items(rows.locks)}};
}

RowSnapshot rows_from_json(const nlohmann::json& json) {
  auto items = [](const nlohmann::json& array) {
    std::vector<AttributeMap> list;
    for (const auto& item : array) list.push_back(item_from_dynamodb_json(item.dump()));
    return list;
  };
  return {items(json.at("pool")), items(json.at("locks"))};
}

}  // namespace lease::chaos

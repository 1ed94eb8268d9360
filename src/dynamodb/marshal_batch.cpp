// BatchWriteItem bodies: writes grouped by table into RequestItems, UnprocessedItems read back.

#include "dynamodb/attribute_json.hpp"
#include "dynamodb/marshal.hpp"
#include "dynamodb/marshal_common.hpp"

namespace lease::dynamodb {

using nlohmann::json;
using namespace detail;

namespace {

/// Service limit of writes in one BatchWriteItem call.
constexpr std::size_t max_batch_writes = 25;

json write_json(const WriteRequest& write) {
  if (const auto* put = std::get_if<PutRequest>(&write.request)) {
    if (put->item.empty()) throw lease::InvalidArgument("BatchWriteItem: a put has an empty item");
    return {{"PutRequest", {{"Item", to_json(put->item)}}}};
  }
  const auto& remove = std::get<DeleteRequest>(write.request);
  if (remove.key.empty()) throw lease::InvalidArgument("BatchWriteItem: a delete has an empty key");
  return {{"DeleteRequest", {{"Key", to_json(remove.key)}}}};
}

WriteRequest write_from(const std::string& table, const json& object) {
  if (object.contains("PutRequest")) {
    return WriteRequest::put(table, map_from_json(object["PutRequest"].at("Item")));
  }
  return WriteRequest::remove(table, map_from_json(object.at("DeleteRequest").at("Key")));
}

}  // namespace

json marshal_batch_write(std::span<const WriteRequest> writes, ReturnConsumedCapacity return_consumed_capacity) {
  if (writes.empty() || writes.size() > max_batch_writes) {
    throw lease::InvalidArgument("BatchWriteItem: one call takes 1 to 25 writes");
  }
  json items = json::object();
  for (const auto& write : writes) {
    require_non_empty("BatchWriteItem", "table name", write.table_name);
    items[write.table_name].push_back(write_json(write));
  }
  json body = {{"RequestItems", std::move(items)}};
  set_return_consumed_capacity(body, return_consumed_capacity);
  return body;
}

BatchWritePage unmarshal_batch_write(const json& body) {
  return read_shape("BatchWriteItem", body, [](const json& object) {
    BatchWritePage page;
    if (object.contains("UnprocessedItems")) {
      for (const auto& [table, writes] : object["UnprocessedItems"].items()) {
        for (const auto& write : writes) page.unprocessed.push_back(write_from(table, write));
      }
    }
    for (const auto& capacity : object.value("ConsumedCapacity", json::array())) {
      page.consumed_capacity.push_back(consumed_capacity_from(capacity));
    }
    return page;
  });
}

}  // namespace lease::dynamodb

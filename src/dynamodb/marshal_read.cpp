// Query and Scan bodies, and the page of items both return.

#include "dynamodb/attribute_json.hpp"
#include "dynamodb/marshal.hpp"
#include "dynamodb/marshal_common.hpp"

namespace lease::dynamodb {

using nlohmann::json;
using namespace detail;

namespace {

/// The fields Query and Scan share.
json read_body(std::string_view operation, const ReadRequest& request) {
  require_non_empty(operation, "table name", request.table_name);
  json body = {{"TableName", request.table_name}};
  set_if_not_empty(body, "IndexName", request.index_name);
  set_if_not_empty(body, "FilterExpression", request.filter_expression);
  set_if_not_empty(body, "ProjectionExpression", request.projection_expression);
  set_expression_attributes(body, request.expression_attribute_names, request.expression_attribute_values);
  if (request.limit) {
    if (*request.limit <= 0) throw lease::InvalidArgument(std::string(operation) + ": limit must be positive");
    body["Limit"] = *request.limit;
  }
  if (request.exclusive_start_key) body["ExclusiveStartKey"] = to_json(*request.exclusive_start_key);
  if (request.consistent_read) body["ConsistentRead"] = true;
  set_if_not_empty(body, "Select", wire_name(request.select));
  set_return_consumed_capacity(body, request.return_consumed_capacity);
  return body;
}

}  // namespace

json marshal(const QueryRequest& request) {
  json body = read_body("Query", request);
  require_non_empty("Query", "key condition expression", request.key_condition_expression);
  body["KeyConditionExpression"] = request.key_condition_expression;
  if (!request.scan_index_forward) body["ScanIndexForward"] = false;
  return body;
}

json marshal(const ScanRequest& request) {
  json body = read_body("Scan", request);
  if (request.segment.has_value() != request.total_segments.has_value()) {
    throw lease::InvalidArgument("Scan: segment and total_segments go together");
  }
  if (request.segment) {
    if (*request.total_segments <= 0 || *request.segment < 0 || *request.segment >= *request.total_segments) {
      throw lease::InvalidArgument("Scan: segment must be in [0, total_segments)");
    }
    body["Segment"] = *request.segment;
    body["TotalSegments"] = *request.total_segments;
  }
  return body;
}

ItemPage unmarshal_item_page(const json& body) {
  return read_shape("Query/Scan", body, [](const json& object) {
    ItemPage page;
    if (object.contains("Items")) {
      const auto& items = object["Items"];
      if (!items.is_array()) throw lease::ProtocolError("unexpected Query/Scan response: Items is not an array");
      page.items.reserve(items.size());
      for (const auto& item : items) page.items.push_back(map_from_json(item));
    }
    page.count = optional_int64(object, "Count", static_cast<std::int64_t>(page.items.size()));
    page.scanned_count = optional_int64(object, "ScannedCount", page.count);
    page.last_evaluated_key = optional_map(object, "LastEvaluatedKey");
    page.consumed_capacity = optional_consumed_capacity(object);
    return page;
  });
}

}  // namespace lease::dynamodb

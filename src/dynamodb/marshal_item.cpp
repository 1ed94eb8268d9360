// GetItem, PutItem, UpdateItem and DeleteItem bodies.

#include "dynamodb/attribute_json.hpp"
#include "dynamodb/marshal.hpp"
#include "dynamodb/marshal_common.hpp"

namespace lease::dynamodb {

using nlohmann::json;
using namespace detail;

namespace {

void require_key(std::string_view operation, const AttributeMap& key) {
  if (key.empty()) throw lease::InvalidArgument(std::string(operation) + ": key is empty");
}

}  // namespace

json marshal(const GetItemRequest& request) {
  require_non_empty("GetItem", "table name", request.table_name);
  require_key("GetItem", request.key);
  json body = {{"TableName", request.table_name}, {"Key", to_json(request.key)}};
  if (request.consistent_read) body["ConsistentRead"] = true;
  set_if_not_empty(body, "ProjectionExpression", request.projection_expression);
  set_expression_attributes(body, request.expression_attribute_names, {});
  set_return_consumed_capacity(body, request.return_consumed_capacity);
  return body;
}

json marshal(const PutItemRequest& request) {
  if (request.item.empty()) throw lease::InvalidArgument("PutItem: item is empty");
  json body = {{"Item", to_json(request.item)}};
  set_conditional_write(body, "PutItem", request);
  return body;
}

json marshal(const UpdateItemRequest& request) {
  require_key("UpdateItem", request.key);
  json body = {{"Key", to_json(request.key)}};
  set_if_not_empty(body, "UpdateExpression", request.update_expression);
  set_conditional_write(body, "UpdateItem", request);
  return body;
}

json marshal(const DeleteItemRequest& request) {
  require_key("DeleteItem", request.key);
  json body = {{"Key", to_json(request.key)}};
  set_conditional_write(body, "DeleteItem", request);
  return body;
}

GetItemResult unmarshal_get_item(const json& body) {
  return read_shape("GetItem", body, [](const json& object) {
    return GetItemResult{optional_map(object, "Item"), optional_consumed_capacity(object)};
  });
}

WriteItemResult unmarshal_write_item(const json& body) {
  return read_shape("write", body, [](const json& object) {
    return WriteItemResult{optional_map(object, "Attributes"), optional_consumed_capacity(object)};
  });
}

}  // namespace lease::dynamodb

#include "dynamodb/marshal_common.hpp"

#include <limits>

#include "dynamodb/attribute_json.hpp"

namespace lease::dynamodb::detail {

using nlohmann::json;

std::string_view wire_name(ReturnValues value) noexcept {
  switch (value) {
    case ReturnValues::none: return "NONE";
    case ReturnValues::all_old: return "ALL_OLD";
    case ReturnValues::updated_old: return "UPDATED_OLD";
    case ReturnValues::all_new: return "ALL_NEW";
    case ReturnValues::updated_new: return "UPDATED_NEW";
  }
  return "NONE";
}

std::string_view wire_name(ReturnConsumedCapacity value) noexcept {
  switch (value) {
    case ReturnConsumedCapacity::none: return "NONE";
    case ReturnConsumedCapacity::total: return "TOTAL";
    case ReturnConsumedCapacity::indexes: return "INDEXES";
  }
  return "NONE";
}

std::string_view wire_name(Select value) noexcept {
  switch (value) {
    case Select::default_: return "";
    case Select::all_attributes: return "ALL_ATTRIBUTES";
    case Select::all_projected_attributes: return "ALL_PROJECTED_ATTRIBUTES";
    case Select::specific_attributes: return "SPECIFIC_ATTRIBUTES";
    case Select::count: return "COUNT";
  }
  return "";
}

std::string_view wire_name(ScalarType value) noexcept {
  switch (value) {
    case ScalarType::string: return "S";
    case ScalarType::number: return "N";
    case ScalarType::binary: return "B";
  }
  return "S";
}

std::string_view wire_name(ProjectionType value) noexcept {
  switch (value) {
    case ProjectionType::all: return "ALL";
    case ProjectionType::keys_only: return "KEYS_ONLY";
    case ProjectionType::include: return "INCLUDE";
  }
  return "ALL";
}

ScalarType scalar_type_from(std::string_view name) {
  for (auto type : {ScalarType::string, ScalarType::number, ScalarType::binary}) {
    if (wire_name(type) == name) return type;
  }
  throw lease::ProtocolError("unknown attribute type '" + std::string(name) + "'");
}

ProjectionType projection_type_from(std::string_view name) {
  for (auto type : {ProjectionType::all, ProjectionType::keys_only, ProjectionType::include}) {
    if (wire_name(type) == name) return type;
  }
  throw lease::ProtocolError("unknown projection type '" + std::string(name) + "'");
}

void require_non_empty(std::string_view operation, std::string_view what, std::string_view value) {
  if (value.empty()) {
    throw lease::InvalidArgument(std::string(operation) + ": " + std::string(what) + " is empty");
  }
}

void set_if_not_empty(json& body, const char* key, std::string_view value) {
  if (!value.empty()) body[key] = value;
}

void set_expression_attributes(json& body, const ExpressionNames& names, const AttributeMap& values) {
  if (!names.empty()) {
    json object = json::object();
    for (const auto& [placeholder, name] : names) object[placeholder] = name;
    body["ExpressionAttributeNames"] = std::move(object);
  }
  if (!values.empty()) body["ExpressionAttributeValues"] = to_json(values);
}

void set_return_consumed_capacity(json& body, ReturnConsumedCapacity value) {
  if (value != ReturnConsumedCapacity::none) body["ReturnConsumedCapacity"] = wire_name(value);
}

void set_conditional_write(json& body, std::string_view operation, const ConditionalWrite& write) {
  require_non_empty(operation, "table name", write.table_name);
  body["TableName"] = write.table_name;
  set_if_not_empty(body, "ConditionExpression", write.condition_expression);
  set_expression_attributes(body, write.expression_attribute_names, write.expression_attribute_values);
  if (write.return_values != ReturnValues::none) body["ReturnValues"] = wire_name(write.return_values);
  if (write.return_values_on_condition_check_failure == ReturnValuesOnConditionCheckFailure::all_old) {
    body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD";
  }
  set_return_consumed_capacity(body, write.return_consumed_capacity);
}

json key_schema_json(const KeySchema& schema) {
  json elements = json::array();
  elements.push_back({{"AttributeName", schema.hash_key}, {"KeyType", "HASH"}});
  if (schema.range_key) elements.push_back({{"AttributeName", *schema.range_key}, {"KeyType", "RANGE"}});
  return elements;
}

KeySchema key_schema_from(const json& elements) {
  KeySchema schema;
  for (const auto& element : elements) {
    const auto& type = element.at("KeyType").get_ref<const std::string&>();
    auto name = element.at("AttributeName").get<std::string>();
    if (type == "HASH") {
      schema.hash_key = std::move(name);
    } else if (type == "RANGE") {
      schema.range_key = std::move(name);
    } else {
      throw lease::ProtocolError("unknown key type '" + type + "'");
    }
  }
  return schema;
}

json projection_json(const Projection& projection) {
  json object = {{"ProjectionType", wire_name(projection.type)}};
  if (!projection.non_key_attributes.empty()) object["NonKeyAttributes"] = projection.non_key_attributes;
  return object;
}

Projection projection_from(const json& object) {
  Projection projection;
  projection.type = projection_type_from(object.at("ProjectionType").get_ref<const std::string&>());
  if (object.contains("NonKeyAttributes")) {
    projection.non_key_attributes = object["NonKeyAttributes"].get<std::vector<std::string>>();
  }
  return projection;
}

ConsumedCapacity consumed_capacity_from(const json& object) {
  ConsumedCapacity capacity;
  capacity.table_name = object.value("TableName", std::string{});
  capacity.capacity_units = object.value("CapacityUnits", 0.0);
  capacity.read_capacity_units = object.value("ReadCapacityUnits", 0.0);
  capacity.write_capacity_units = object.value("WriteCapacityUnits", 0.0);
  if (object.contains("GlobalSecondaryIndexes")) {
    for (const auto& [name, index] : object["GlobalSecondaryIndexes"].items()) {
      capacity.global_secondary_indexes[name] = index.value("CapacityUnits", 0.0);
    }
  }
  return capacity;
}

std::optional<ConsumedCapacity> optional_consumed_capacity(const json& body) {
  if (!body.contains("ConsumedCapacity")) return std::nullopt;
  return consumed_capacity_from(body["ConsumedCapacity"]);
}

std::int64_t optional_int64(const json& object, const char* key, std::int64_t fallback) {
  if (!object.is_object()) throw lease::ProtocolError(std::string("expected an object holding ") + key);
  const auto it = object.find(key);
  if (it == object.end()) return fallback;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (it->is_number_integer() && (!it->is_number_unsigned() || it->get<std::uint64_t>() <= kMax)) {
    return it->get<std::int64_t>();
  }
  throw lease::ProtocolError(std::string(key) + " is not an integer in the range of int64");
}

std::optional<AttributeMap> optional_map(const json& body, const char* key) {
  if (!body.contains(key)) return std::nullopt;
  return map_from_json(body[key]);
}

}  // namespace lease::dynamodb::detail

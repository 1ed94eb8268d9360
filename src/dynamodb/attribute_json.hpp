#pragma once
// AttributeValue <-> DynamoDB's JSON wire form ({"S":"x"}, {"N":"1"}, {"B":"<base64>"}, {"M":{...}}, ...).
// Internal header (not installed). Stateless functions: safe to call from any thread.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "lease/attribute_value.hpp"

namespace lease::dynamodb {

/// The wire form of one value: an object with exactly one type tag.
[[nodiscard]] nlohmann::json to_json(const AttributeValue& value);
/// The wire form of an item (or of an M value's members): name -> wire form of the value.
[[nodiscard]] nlohmann::json to_json(const AttributeMap& item);

/// The value of a wire form. Throws lease::ProtocolError naming the place, `path` being the name of
/// `json` itself: "Item.tags.L[2]: unknown type 'X'", and for values nested deeper than 64 levels
/// (DynamoDB stores at most 32). The rvalue overloads move strings out of `json`.
[[nodiscard]] AttributeValue value_from_json(const nlohmann::json& json, std::string_view path = "value");
[[nodiscard]] AttributeValue value_from_json(nlohmann::json&& json, std::string_view path = "value");
/// The item of a wire form (an object of wire forms), as value_from_json().
[[nodiscard]] AttributeMap map_from_json(const nlohmann::json& json, std::string_view path = "Item");
[[nodiscard]] AttributeMap map_from_json(nlohmann::json&& json, std::string_view path = "Item");

/// `json` serialised compactly. Throws lease::InvalidArgument when a string in it is not valid UTF-8
/// (where nlohmann::json::dump throws its own type_error).
[[nodiscard]] std::string dump_json(const nlohmann::json& json);

}  // namespace lease::dynamodb

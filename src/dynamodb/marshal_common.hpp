#pragma once
// Pieces shared by the marshal_*.cpp files: wire names of enums, the optional expression fields,
// ConsumedCapacity, and the shape check that turns JSON access errors into lease::ProtocolError.
// Stateless functions, safe from any thread. Internal header.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "dynamodb/operations.hpp"
#include "lease/error.hpp"

namespace lease::dynamodb::detail {

[[nodiscard]] std::string_view wire_name(ReturnValues value) noexcept;
[[nodiscard]] std::string_view wire_name(ReturnConsumedCapacity value) noexcept;
[[nodiscard]] std::string_view wire_name(Select value) noexcept;
[[nodiscard]] std::string_view wire_name(ScalarType value) noexcept;
[[nodiscard]] std::string_view wire_name(ProjectionType value) noexcept;
[[nodiscard]] ScalarType scalar_type_from(std::string_view name);          // ProtocolError if unknown
[[nodiscard]] ProjectionType projection_type_from(std::string_view name);  // ProtocolError if unknown

/// Throws lease::InvalidArgument("<operation>: <what> is empty") when `value` is empty.
void require_non_empty(std::string_view operation, std::string_view what, std::string_view value);

/// Sets `key` to `value` unless it is empty.
void set_if_not_empty(nlohmann::json& body, const char* key, std::string_view value);
/// ExpressionAttributeNames / ExpressionAttributeValues, each when non-empty.
void set_expression_attributes(nlohmann::json& body, const ExpressionNames& names, const AttributeMap& values);
/// ReturnConsumedCapacity unless none.
void set_return_consumed_capacity(nlohmann::json& body, ReturnConsumedCapacity value);
/// TableName, ConditionExpression, expression attributes, ReturnValues,
/// ReturnValuesOnConditionCheckFailure and ReturnConsumedCapacity of a conditional write.
void set_conditional_write(nlohmann::json& body, std::string_view operation, const ConditionalWrite& write);

/// KeySchema array of `schema`.
[[nodiscard]] nlohmann::json key_schema_json(const KeySchema& schema);
[[nodiscard]] KeySchema key_schema_from(const nlohmann::json& elements);
[[nodiscard]] nlohmann::json projection_json(const Projection& projection);
[[nodiscard]] Projection projection_from(const nlohmann::json& projection);

/// One ConsumedCapacity object.
[[nodiscard]] ConsumedCapacity consumed_capacity_from(const nlohmann::json& object);
/// The body's `ConsumedCapacity` object when present.
[[nodiscard]] std::optional<ConsumedCapacity> optional_consumed_capacity(const nlohmann::json& body);
/// The integer at `key`, `fallback` when absent. Throws lease::ProtocolError when `object` is not an
/// object or the member is not an integer in the range of int64 (a float is refused: converting an
/// out-of-range one would be undefined behaviour).
[[nodiscard]] std::int64_t optional_int64(const nlohmann::json& object, const char* key, std::int64_t fallback);
/// The attribute map at `key` when present.
[[nodiscard]] std::optional<AttributeMap> optional_map(const nlohmann::json& body, const char* key);

/// Runs `read(body)` after checking that `body` is a JSON object; JSON access errors (missing
/// member, wrong type) become lease::ProtocolError naming `what`. lease::Error passes through.
template <class Read>
auto read_shape(std::string_view what, const nlohmann::json& body, Read&& read) -> decltype(read(body)) {
  if (!body.is_object()) {
    throw lease::ProtocolError("unexpected " + std::string(what) + " response: not a JSON object");
  }
  try {
    return std::forward<Read>(read)(body);
  } catch (const nlohmann::json::exception& e) {
    throw lease::ProtocolError("unexpected " + std::string(what) + " response shape: " + e.what());
  }
}

}  // namespace lease::dynamodb::detail

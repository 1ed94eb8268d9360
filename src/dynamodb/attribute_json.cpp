#include "dynamodb/attribute_json.hpp"

#include <array>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "aws/base64.hpp"
#include "lease/error.hpp"

namespace lease::dynamodb {

using nlohmann::json;

namespace {

constexpr std::array kAllTypes{AttributeType::string, AttributeType::number,     AttributeType::binary,
                               AttributeType::boolean, AttributeType::null,       AttributeType::map,
                               AttributeType::list,    AttributeType::string_set, AttributeType::number_set,
                               AttributeType::binary_set};

/// Deepest nesting of M and L values read. DynamoDB stores at most 32 levels; a deeper document (sent
/// only by a broken or hostile server) is rejected before the recursion can exhaust the stack.
constexpr std::size_t kMaxNesting = 64;

/// Where a value sits in the document being read. A chain of frames on the stack, so that the text
/// ("Item.tags.L[2]") is only built when an error is reported.
struct Path {
  const Path* parent = nullptr;
  std::string_view name;  // a member name or type tag, or the root's name
  std::size_t index = 0;  // an element's index, when is_index
  bool is_index = false;
  std::size_t depth = 0;  // frames above this one: two per level of nesting (the tag, then the member or element)

  [[nodiscard]] Path member(std::string_view member_name) const { return Path{this, member_name, 0, false, depth + 1}; }
  [[nodiscard]] Path element(std::size_t element_index) const { return Path{this, {}, element_index, true, depth + 1}; }
  [[nodiscard]] std::string str() const {
    if (parent == nullptr) return std::string(name);
    if (is_index) return parent->str() + '[' + std::to_string(index) + ']';
    return parent->str() + '.' + std::string(name);
  }
};

[[noreturn]] void fail(const Path& path, const std::string& what) { throw ProtocolError(path.str() + ": " + what); }

[[noreturn]] void fail_expected(const Path& path, std::string_view expected, const json& found) {
  fail(path, "expected " + std::string(expected) + ", got " + found.type_name());
}

[[nodiscard]] std::optional<AttributeType> type_of_tag(std::string_view tag) noexcept {
  for (const AttributeType type : kAllTypes) {
    if (to_string(type) == tag) return type;
  }
  return std::nullopt;
}

// Readers are templates on `Json`, either `json` (consumed: strings are moved out) or `const json`.

template <class Json>
[[nodiscard]] std::string read_string(Json& j, const Path& path) {
  if (!j.is_string()) fail_expected(path, "a string", j);
  if constexpr (std::is_const_v<Json>) {
    return j.template get_ref<const std::string&>();
  } else {
    return std::move(j.template get_ref<std::string&>());
  }
}

[[nodiscard]] Bytes read_binary(const json& j, const Path& path) {
  if (!j.is_string()) fail_expected(path, "a base64 string", j);
  auto bytes = aws::base64_decode(j.get_ref<const std::string&>());
  if (!bytes) fail(path, "invalid base64");
  return std::move(*bytes);
}

template <class Element, class Json, class Read>
[[nodiscard]] std::vector<Element> read_array(Json& j, const Path& path, Read read) {
  if (!j.is_array()) fail_expected(path, "an array", j);
  std::vector<Element> elements;
  elements.reserve(j.size());
  std::size_t index = 0;
  for (auto& element : j) elements.push_back(read(element, path.element(index++)));
  return elements;
}

template <class Json>
[[nodiscard]] AttributeValue read_value(Json& j, const Path& path);

template <class Json>
[[nodiscard]] AttributeMap read_map(Json& j, const Path& path) {
  if (!j.is_object()) fail_expected(path, "an object", j);
  AttributeMap map;
  if constexpr (std::is_const_v<Json>) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      map.emplace_hint(map.end(), it.key(), read_value(it.value(), path.member(it.key())));
    }
  } else {
    // Both maps are ordered by name, so each member goes at the end; names are moved, not copied.
    auto& members = j.template get_ref<json::object_t&>();
    while (!members.empty()) {
      auto node = members.extract(members.begin());
      AttributeValue value = read_value(node.mapped(), path.member(node.key()));
      map.emplace_hint(map.end(), std::move(node.key()), std::move(value));
    }
  }
  return map;
}

template <class Json>
[[nodiscard]] AttributeValue read_tagged(AttributeType type, Json& v, const Path& at) {
  switch (type) {
    case AttributeType::string: return AttributeValue::string(read_string(v, at));
    case AttributeType::number: return AttributeValue::number(read_string(v, at));
    case AttributeType::binary: return AttributeValue::binary(read_binary(v, at));
    case AttributeType::boolean:
      if (!v.is_boolean()) fail_expected(at, "true or false", v);
      return AttributeValue::boolean(v.template get<bool>());
    case AttributeType::null:
      if (!v.is_boolean() || !v.template get<bool>()) fail(at, "a NULL value must be true");
      return AttributeValue::null();
    case AttributeType::map: return AttributeValue::map(read_map(v, at));
    case AttributeType::list: return AttributeValue::list(read_array<AttributeValue>(v, at, read_value<Json>));
    case AttributeType::string_set:
      return AttributeValue::string_set(read_array<std::string>(v, at, read_string<Json>));
    case AttributeType::number_set:
      return AttributeValue::number_set(read_array<std::string>(v, at, read_string<Json>));
    case AttributeType::binary_set: return AttributeValue::binary_set(read_array<Bytes>(v, at, read_binary));
  }
  fail(at, "unknown type");
}

template <class Json>
AttributeValue read_value(Json& j, const Path& path) {
  if (path.depth / 2 > kMaxNesting) fail(path, "nested deeper than " + std::to_string(kMaxNesting) + " levels");
  if (!j.is_object()) fail_expected(path, "an object with one type tag", j);
  if (j.size() != 1) {
    std::string tags;
    for (auto it = j.begin(); it != j.end(); ++it) tags += (tags.empty() ? "'" : ", '") + it.key() + "'";
    fail(path, j.empty() ? "no type tag" : std::to_string(j.size()) + " type tags (" + tags + ") in one value");
  }
  const auto it = j.begin();
  const auto type = type_of_tag(it.key());
  if (!type) fail(path, "unknown type '" + it.key() + "'");
  const Path at = path.member(it.key());
  try {
    return read_tagged(*type, it.value(), at);
  } catch (const InvalidArgument& e) {  // a bad N or set, found by AttributeValue itself
    fail(at, e.what());
  }
}

}  // namespace

json to_json(const AttributeValue& value) {
  json wire = json::object();
  json& v = wire[std::string(to_string(value.type()))];
  switch (value.type()) {
    case AttributeType::string: v = value.as_string(); break;
    case AttributeType::number: v = value.as_number(); break;
    case AttributeType::binary: v = aws::base64_encode(value.as_binary()); break;
    case AttributeType::boolean: v = value.as_bool(); break;
    case AttributeType::null: v = true; break;
    case AttributeType::map: v = to_json(value.as_map()); break;
    case AttributeType::list:
      v = json::array();
      for (const auto& element : value.as_list()) v.push_back(to_json(element));
      break;
    case AttributeType::string_set: v = value.as_string_set(); break;
    case AttributeType::number_set: v = value.as_number_set(); break;
    case AttributeType::binary_set:
      v = json::array();
      for (const auto& bytes : value.as_binary_set()) v.push_back(aws::base64_encode(bytes));
      break;
  }
  return wire;
}

json to_json(const AttributeMap& item) {
  json wire = json::object();
  auto& members = wire.get_ref<json::object_t&>();
  for (const auto& [name, value] : item) members.emplace_hint(members.end(), name, to_json(value));
  return wire;
}

AttributeValue value_from_json(const json& wire, std::string_view path) { return read_value(wire, Path{nullptr, path}); }

AttributeValue value_from_json(json&& wire, std::string_view path) { return read_value(wire, Path{nullptr, path}); }

AttributeMap map_from_json(const json& wire, std::string_view path) { return read_map(wire, Path{nullptr, path}); }

AttributeMap map_from_json(json&& wire, std::string_view path) { return read_map(wire, Path{nullptr, path}); }

std::string dump_json(const json& wire) {
  try {
    return wire.dump();
  } catch (const nlohmann::json::type_error& e) {
    throw InvalidArgument(std::string("cannot write JSON: ") + e.what());
  }
}

}  // namespace lease::dynamodb

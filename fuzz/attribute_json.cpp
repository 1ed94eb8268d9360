// Fuzz target: DynamoDB JSON (what GetItem, Query, ... send back as items) -> AttributeValue.
// Bytes -> nlohmann::json (parsed without exceptions) -> map_from_json / value_from_json, both the
// const and the consuming overloads, and the public lease::item_from_dynamodb_json. What parses must
// survive the round trip to_json -> map_from_json unchanged.

#include <nlohmann/json.hpp>

#include <optional>

#include "dynamodb/attribute_json.hpp"
#include "fuzz_support.hpp"
#include "lease/attribute_value.hpp"

namespace {

using lease::AttributeMap;
using lease::AttributeValue;
using nlohmann::json;
namespace ddb = lease::dynamodb;
namespace fz = lease::fuzz;

/// `read(wire)` on a copy consumed by the rvalue overload must agree with the const overload.
template <class T, class Read>
void check_both_overloads(const char* what, const json& wire, Read read) {
  std::optional<T> from_const;
  std::optional<T> from_moved;
  fz::typed_errors_only(what, [&] { from_const = read(wire); });
  fz::typed_errors_only(what, [&] { from_moved = read(json(wire)); });
  if (from_const != from_moved) fz::fail("const and consuming overloads disagree");
  if (!from_const) return;
  // Round trip: the wire form of what was read reads back as the same value.
  std::optional<T> again;
  fz::typed_errors_only(what, [&] { again = read(ddb::to_json(*from_const)); });
  if (again != from_const) fz::fail("to_json -> from_json round trip changed the value");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fz::as_text(data, size);

  // The public entry point: every failure is a lease::InvalidArgument, and what it reads writes back.
  std::optional<AttributeMap> item;
  try {
    item = lease::item_from_dynamodb_json(text);
  } catch (const lease::InvalidArgument&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "item_from_dynamodb_json: unexpected exception: %s\n", e.what());
    std::abort();
  }
  if (item) {
    std::optional<AttributeMap> again;
    fz::typed_errors_only("to_dynamodb_json",
                          [&] { again = lease::item_from_dynamodb_json(lease::to_dynamodb_json(*item)); });
    if (again != item) fz::fail("to_dynamodb_json -> item_from_dynamodb_json changed the item");
  }

  const json wire = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (wire.is_discarded()) return 0;
  check_both_overloads<AttributeMap>("map_from_json", wire, [](auto&& j) {
    return ddb::map_from_json(std::forward<decltype(j)>(j), "Item");
  });
  check_both_overloads<AttributeValue>("value_from_json", wire, [](auto&& j) {
    return ddb::value_from_json(std::forward<decltype(j)>(j), "value");
  });
  return 0;
}

// Fuzz target: a 200 response body -> every unmarshal_* function of dynamodb/marshal.hpp
// (CreateTable, DescribeTable, DescribeTimeToLive, GetItem, Put/Update/DeleteItem, Query/Scan pages,
// BatchWriteItem). A body of the wrong shape must give a lease::Error, nothing else.

#include <nlohmann/json.hpp>

#include "dynamodb/marshal.hpp"
#include "fuzz_support.hpp"

namespace {

namespace ddb = lease::dynamodb;
namespace fz = lease::fuzz;

template <class Unmarshal>
void unmarshal(const char* what, const nlohmann::json& body, Unmarshal read) {
  fz::typed_errors_only(what, [&] { (void)read(body); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The client parses a 200 body the same way: without exceptions, then checks for an object.
  const nlohmann::json body = nlohmann::json::parse(fz::as_text(data, size), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return 0;
  unmarshal("unmarshal_table_description", body, ddb::unmarshal_table_description);
  unmarshal("unmarshal_create_table", body, ddb::unmarshal_create_table);
  unmarshal("unmarshal_describe_table", body, ddb::unmarshal_describe_table);
  unmarshal("unmarshal_describe_time_to_live", body, ddb::unmarshal_describe_time_to_live);
  unmarshal("unmarshal_get_item", body, ddb::unmarshal_get_item);
  unmarshal("unmarshal_write_item", body, ddb::unmarshal_write_item);
  unmarshal("unmarshal_item_page", body, ddb::unmarshal_item_page);
  unmarshal("unmarshal_batch_write", body, ddb::unmarshal_batch_write);
  return 0;
}

// Inputs that crashed a fuzz target (fuzz/, scripts/fuzz) or broke the library in the same way,
// kept as regression tests. Each input is inline; each case names the target that found it.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "aws/http.hpp"
#include "dynamodb/attribute_json.hpp"
#include "dynamodb/errors.hpp"
#include "dynamodb/marshal.hpp"
#include "lease/attribute_value.hpp"
#include "lease/error.hpp"

namespace lease::dynamodb {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

// fuzz_responses (UBSan: "2e+112 is outside the range of representable values of type 'long'"):
// an integer field sent as a float out of int64's range was converted with undefined behaviour.
constexpr const char* kFloatCountCrash =
    R"j({"Items":[{"pk":{"S":"a"},"token":{"S":"b"}}],"Count":2000000000000000000000000000000000000000000000)j"
    R"j(0000000000000000000000000000000000000000000000000000000000000000000,"ScannedutoC)":5,"LastEvaluatedK)j"
    R"j(my":{"pj":{"S":"b"}},"ConsumedCapacity":{"TableName":"t","CVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV)j"
    R"j(VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVapacityUnits":0.5,"Gl)j"
    R"j(obalSecondaryIndexes":{"byOwner":{"CapooooooooooacityUnits":0.5}}}})j";

TEST(FuzzRegressions, QueryPageCountOutOfInt64RangeIsAProtocolError) {
  EXPECT_THROW((void)unmarshal_item_page(json::parse(kFloatCountCrash)), ProtocolError);
  for (const char* body : {R"({"Count":1e300})", R"({"Count":1,"ScannedCount":-1e300})", R"({"Count":2.5})",
                           R"({"Count":18446744073709551615})", R"({"Count":"3"})", R"({"Count":null})"}) {
    SCOPED_TRACE(body);
    EXPECT_THROW((void)unmarshal_item_page(json::parse(body)), ProtocolError);
  }
}

TEST(FuzzRegressions, IntegerFieldsInRangeStillRead) {
  const auto page = unmarshal_item_page(json::parse(R"({"Count":9223372036854775807,"ScannedCount":0})"));
  EXPECT_EQ(page.count, 9223372036854775807);
  EXPECT_EQ(page.scanned_count, 0);
  EXPECT_EQ(unmarshal_item_page(json::parse(R"({"Items":[{},{}]})")).count, 2);  // absent: the items counted
}

TEST(FuzzRegressions, DescribeTableCountsOutOfInt64RangeAreProtocolErrors) {
  const std::string head = R"({"Table":{"TableName":"t","TableStatus":"ACTIVE",)";
  for (const std::string fields : {R"("ItemCount":1e19)", R"("TableSizeBytes":-1e300)",
                                   R"("ProvisionedThroughput":{"ReadCapacityUnits":1e20,"WriteCapacityUnits":1})",
                                   R"("ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":-9e18})",
                                   R"("GlobalSecondaryIndexes":[{"IndexName":"i","KeySchema":[],"ItemCount":1e40}])"}) {
    SCOPED_TRACE(fields);
    EXPECT_THROW((void)unmarshal_describe_table(json::parse(head + fields + "}}")), ProtocolError);
  }
}

/// An item whose attribute `a` holds `levels` lists, each inside the last: {"a":{"L":[{"L":[...]}]}}.
std::string nested_item(std::size_t levels) {
  std::string text = R"({"a":)";
  for (std::size_t i = 0; i < levels; ++i) text += R"({"L":[)";
  text += R"({"S":"deepest"})";
  for (std::size_t i = 0; i < levels; ++i) text += "]}";
  return text + "}";
}

// Found by hand while writing fuzz_attribute_json (whose 4 KB inputs cannot nest deep enough):
// reading 100,000 nested lists recursed until the stack overflowed (SIGSEGV) on the server's word.
TEST(FuzzRegressions, DeeplyNestedValuesAreAProtocolErrorNotAStackOverflow) {
  const std::string deep = nested_item(100'000);
  try {
    (void)map_from_json(json::parse(deep));
    ADD_FAILURE() << "a 100,000-level item was read";
  } catch (const ProtocolError& e) {
    EXPECT_THAT(e.what(), HasSubstr("nested deeper than 64 levels"));
  }
  EXPECT_THROW((void)map_from_json(json::parse(deep)), ProtocolError);  // the consuming overload
  EXPECT_THROW((void)unmarshal_get_item(json::parse(R"({"Item":)" + deep + "}")), ProtocolError);
  EXPECT_THROW((void)lease::item_from_dynamodb_json(deep), InvalidArgument);

  aws::HttpResponse conditional;
  conditional.status = 400;
  conditional.body = R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","Item":)" +
                     deep + "}";
  EXPECT_THROW(throw_error_response(conditional), ProtocolError);
}

TEST(FuzzRegressions, DynamoDbsDeepestNestingStillReads) {
  const AttributeMap item = map_from_json(json::parse(nested_item(32)));  // DynamoDB's limit: 32 levels
  const AttributeValue* value = &item.at("a");
  for (int level = 0; level < 32; ++level) value = &value->as_list().at(0);
  EXPECT_EQ(value->as_string(), "deepest");
  EXPECT_NO_THROW((void)map_from_json(json::parse(nested_item(64))));
  EXPECT_THROW((void)map_from_json(json::parse(nested_item(65))), ProtocolError);
}

}  // namespace
}  // namespace lease::dynamodb

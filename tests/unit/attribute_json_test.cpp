#include "dynamodb/attribute_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "aws/base64.hpp"
#include "lease/attribute_value.hpp"
#include "lease/error.hpp"

namespace {

using lease::AttributeMap;
using lease::AttributeValue;
using lease::Bytes;
using lease::InvalidArgument;
using lease::ProtocolError;
using lease::dynamodb::map_from_json;
using lease::dynamodb::to_json;
using lease::dynamodb::value_from_json;
using nlohmann::json;
using testing::HasSubstr;
using testing::ThrowsMessage;

Bytes all_byte_values() {
  Bytes bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<std::uint8_t>(i));
  return bytes;
}

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

// An item holding every type, nested values, and the edge cases (empty S/B/M/L, long numbers).
AttributeMap every_type_item() {
  return {
      {"s", AttributeValue::string("héllo \"world\"\n")},
      {"empty_s", AttributeValue::string("")},
      {"n", AttributeValue::number("-12.50")},
      {"n38", AttributeValue::number("12345678901234567890123456789012345678")},
      {"n_exp", AttributeValue::number("-9.9999999999999999999999999999999999999E+125")},
      {"n_small", AttributeValue::number("1E-130")},
      {"b", AttributeValue::binary(all_byte_values())},
      {"empty_b", AttributeValue::binary({})},
      {"t", AttributeValue::boolean(true)},
      {"f", AttributeValue::boolean(false)},
      {"nul", AttributeValue::null()},
      {"empty_m", AttributeValue::map({})},
      {"empty_l", AttributeValue::list({})},
      {"m", AttributeValue::map({{"inner", AttributeValue::list({AttributeValue::map({{"deep", AttributeValue::number(1)}}),
                                                                AttributeValue::list({AttributeValue::null()})})}})},
      {"ss", AttributeValue::string_set({"", "a", "b"})},
      {"ns", AttributeValue::number_set({"-1", "1.5", "1E10"})},
      {"bs", AttributeValue::binary_set({{}, {0}, {255, 254}})},
  };
}

AttributeValue nested(int depth) {
  AttributeValue value = AttributeValue::binary({1, 2, 3});
  for (int i = 0; i < depth; ++i) {
    value = i % 2 == 0 ? AttributeValue::list({AttributeValue::number(i), value, AttributeValue::map({})})
                       : AttributeValue::map({{"k" + std::to_string(i), value}, {"s", AttributeValue::string_set({"x"})}});
  }
  return value;
}

// ---- base64 ----

TEST(AttributeJsonBase64, EncodesRfc4648VectorsWithPadding) {
  const std::vector<std::pair<std::string, std::string>> vectors{
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(lease::aws::base64_encode(bytes_of(plain)), encoded) << plain;
    EXPECT_EQ(lease::aws::base64_decode(encoded), bytes_of(plain)) << encoded;
  }
}

TEST(AttributeJsonBase64, RoundTripsAllByteValuesAtEveryPaddingLength) {
  const Bytes all = all_byte_values();
  EXPECT_EQ(lease::aws::base64_decode(lease::aws::base64_encode(all)), all);
  for (std::size_t length = 0; length <= 5; ++length) {
    for (std::size_t start = 0; start + length <= all.size(); start += 37) {
      const Bytes bytes(all.begin() + static_cast<std::ptrdiff_t>(start), all.begin() + static_cast<std::ptrdiff_t>(start + length));
      const std::string text = lease::aws::base64_encode(bytes);
      EXPECT_EQ(text.size(), 4 * ((length + 2) / 3));
      EXPECT_EQ(lease::aws::base64_decode(text), bytes) << text;
    }
  }
}

TEST(AttributeJsonBase64, RejectsMalformedText) {
  for (const std::string text : {"Zg=", "Zg", "Z===", "====", "Zg=a", "Z=g=", "Zg==Zg==", " Zg==", "Zg==\n", "Zm9v!A==",
                                 "Zm9v-_==", "Zm 9v"}) {
    EXPECT_EQ(lease::aws::base64_decode(text), std::nullopt) << "'" << text << "'";
  }
}

// ---- wire form ----

TEST(AttributeJsonTest, WritesEachTypeInDynamoDbWireForm) {
  EXPECT_EQ(to_json(AttributeValue::string("x")), json::parse(R"({"S":"x"})"));
  EXPECT_EQ(to_json(AttributeValue::number("1.50")), json::parse(R"({"N":"1.50"})"));
  EXPECT_EQ(to_json(AttributeValue::binary(bytes_of("foo"))), json::parse(R"({"B":"Zm9v"})"));
  EXPECT_EQ(to_json(AttributeValue::boolean(false)), json::parse(R"({"BOOL":false})"));
  EXPECT_EQ(to_json(AttributeValue::null()), json::parse(R"({"NULL":true})"));
  EXPECT_EQ(to_json(AttributeValue::map({{"a", AttributeValue::number(1)}})), json::parse(R"({"M":{"a":{"N":"1"}}})"));
  EXPECT_EQ(to_json(AttributeValue::list({AttributeValue::string("a")})), json::parse(R"({"L":[{"S":"a"}]})"));
  EXPECT_EQ(to_json(AttributeValue::string_set({"b", "a"})), json::parse(R"({"SS":["a","b"]})"));
  EXPECT_EQ(to_json(AttributeValue::number_set({"2", "1"})), json::parse(R"({"NS":["1","2"]})"));
  EXPECT_EQ(to_json(AttributeValue::binary_set({bytes_of("fo"), bytes_of("f")})), json::parse(R"({"BS":["Zg==","Zm8="]})"));
  EXPECT_EQ(to_json(AttributeValue::map({})), json::parse(R"({"M":{}})"));
  EXPECT_EQ(to_json(AttributeValue::list({})), json::parse(R"({"L":[]})"));
  EXPECT_EQ(to_json(AttributeMap{}), json::object());
}

TEST(AttributeJsonTest, ValueToJsonToValueIsIdentityForEveryType) {
  for (const auto& [name, value] : every_type_item()) {
    const json wire = to_json(value);
    EXPECT_EQ(value_from_json(wire), value) << name;
    EXPECT_EQ(value_from_json(json(wire)), value) << name;  // the consuming overload
    EXPECT_EQ(lease::to_dynamodb_json(value), wire.dump()) << name;
  }
  const AttributeMap item = every_type_item();
  EXPECT_EQ(map_from_json(to_json(item)), item);
  EXPECT_EQ(lease::item_from_dynamodb_json(lease::to_dynamodb_json(item)), item);
}

TEST(AttributeJsonTest, JsonToValueToJsonIsIdentityForEveryType) {
  const std::string text =
      R"({"b":{"B":"AAEC/w=="},"bs":{"BS":["","Zg==","Zm8="]},"empty_b":{"B":""},"empty_l":{"L":[]},)"
      R"("empty_m":{"M":{}},"empty_s":{"S":""},"f":{"BOOL":false},)"
      R"("l":{"L":[{"N":"1"},{"L":[{"M":{"x":{"NULL":true}}}]},{"SS":["only"]}]},)"
      R"("m":{"M":{"a":{"M":{"b":{"M":{"c":{"S":"deep"}}}}}}},"n":{"N":"-0.000123E-5"},)"
      R"("n38":{"N":"-1234567890123456789012345678901234567.8"},"nul":{"NULL":true},)"
      R"("ns":{"NS":["-7","0","1E+125"]},"s":{"S":"\u00e9\u65e5\ud83d\ude00 \"q\" \\"},)"
      R"("ss":{"SS":["","a","z"]},"t":{"BOOL":true}})";
  EXPECT_EQ(lease::to_dynamodb_json(lease::item_from_dynamodb_json(text)), json::parse(text).dump());
  EXPECT_EQ(to_json(map_from_json(json::parse(text))), json::parse(text));
}

TEST(AttributeJsonTest, DeeplyNestedValuesRoundTrip) {
  const AttributeValue deep = nested(40);
  const json wire = to_json(deep);
  EXPECT_EQ(value_from_json(wire), deep);
  EXPECT_EQ(to_json(value_from_json(json::parse(wire.dump()))), wire);
}

TEST(AttributeJsonTest, BinaryOfEveryLengthAndByteRoundTrips) {
  const Bytes all = all_byte_values();
  for (std::size_t length = 0; length <= 5; ++length) {
    const AttributeValue value = AttributeValue::binary(Bytes(all.end() - static_cast<std::ptrdiff_t>(length), all.end()));
    EXPECT_EQ(value_from_json(json::parse(lease::to_dynamodb_json(value))), value) << length;
  }
  const json wire = to_json(AttributeValue::binary(all));
  EXPECT_EQ(value_from_json(wire).as_binary(), all);
}

TEST(AttributeJsonTest, LargeSetsRoundTrip) {
  std::vector<std::string> strings;
  std::vector<std::string> numbers;
  std::vector<Bytes> binaries;
  for (int i = 0; i < 5000; ++i) {
    strings.push_back("member-" + std::to_string(i));
    numbers.push_back(std::to_string(i) + ".25E-3");
    binaries.push_back(bytes_of(std::to_string(i * 7919)));
  }
  for (const auto& value : {AttributeValue::string_set(strings), AttributeValue::number_set(numbers),
                            AttributeValue::binary_set(binaries)}) {
    const std::string text = lease::to_dynamodb_json(value);
    EXPECT_EQ(value_from_json(json::parse(text)), value);
    EXPECT_EQ(lease::to_dynamodb_json(value_from_json(json::parse(text))), text);
  }
}

TEST(AttributeJsonTest, ConsumingOverloadMovesStringsOut) {
  json wire = json::parse(R"({"k":{"L":[{"S":"a long string that does not fit the small buffer"}]}})");
  const AttributeMap item = map_from_json(std::move(wire));
  EXPECT_EQ(item.at("k").as_list().at(0).as_string(), "a long string that does not fit the small buffer");
  EXPECT_TRUE(wire.empty());  // NOLINT(bugprone-use-after-move): the members were taken out
}

// ---- invalid input ----

void expect_protocol_error(const std::string& text, const std::string& message) {
  EXPECT_THAT([&] { (void)map_from_json(json::parse(text)); }, ThrowsMessage<ProtocolError>(HasSubstr(message)))
      << text;
  EXPECT_THAT([&] { (void)map_from_json(static_cast<const json&>(json::parse(text))); },
              ThrowsMessage<ProtocolError>(HasSubstr(message)))
      << text;
  EXPECT_THAT([&] { (void)lease::item_from_dynamodb_json(text); },
              ThrowsMessage<InvalidArgument>(HasSubstr(message.substr(message.find('.') + 1))))
      << text;
}

TEST(AttributeJsonTest, RejectsUnknownTypeNamingThePath) {
  expect_protocol_error(R"({"tags":{"L":[{"S":"a"},{"N":"1"},{"X":"?"}]}})", "Item.tags.L[2]: unknown type 'X'");
  expect_protocol_error(R"({"m":{"M":{"inner":{"s":"lower-case tag"}}}})", "Item.m.M.inner: unknown type 's'");
}

TEST(AttributeJsonTest, RejectsTwoTagsOrNoTagInOneValue) {
  expect_protocol_error(R"({"a":{"S":"x","N":"1"}})", "Item.a: 2 type tags ('N', 'S') in one value");
  expect_protocol_error(R"({"a":{}})", "Item.a: no type tag");
  expect_protocol_error(R"({"a":"x"})", "Item.a: expected an object with one type tag, got string");
}

TEST(AttributeJsonTest, RejectsBadBase64) {
  expect_protocol_error(R"({"b":{"B":"Zg="}})", "Item.b.B: invalid base64");
  expect_protocol_error(R"({"b":{"B":"Zm9v!A=="}})", "Item.b.B: invalid base64");
  expect_protocol_error(R"({"bs":{"BS":["Zg==","Z==="]}})", "Item.bs.BS[1]: invalid base64");
  expect_protocol_error(R"({"b":{"B":12}})", "Item.b.B: expected a base64 string, got number");
}

TEST(AttributeJsonTest, RejectsBadNumbers) {
  expect_protocol_error(R"({"n":{"N":"12abc"}})", "Item.n.N: invalid number '12abc'");
  expect_protocol_error(R"({"n":{"N":12}})", "Item.n.N: expected a string, got number");
  expect_protocol_error(R"({"ns":{"NS":["1","1E200"]}})", "Item.ns.NS: invalid number '1E200'");
}

TEST(AttributeJsonTest, RejectsEmptyAndDuplicateSets) {
  expect_protocol_error(R"({"s":{"SS":[]}})", "Item.s.SS: a string (SS) set must not be empty");
  expect_protocol_error(R"({"s":{"NS":[]}})", "Item.s.NS: a number (NS) set must not be empty");
  expect_protocol_error(R"({"s":{"BS":[]}})", "Item.s.BS: a binary (BS) set must not be empty");
  expect_protocol_error(R"({"s":{"SS":["a","a"]}})", "Item.s.SS: a string (SS) set holds the string 'a' twice");
  expect_protocol_error(R"({"s":{"NS":["1","1.0"]}})", "Item.s.NS: a number (NS) set holds the number");
  expect_protocol_error(R"({"s":{"BS":["Zg==","Zg=="]}})", "Item.s.BS: a binary (BS) set holds");
  expect_protocol_error(R"({"s":{"SS":["a",1]}})", "Item.s.SS[1]: expected a string, got number");
}

TEST(AttributeJsonTest, RejectsWrongPayloadShapes) {
  expect_protocol_error(R"({"x":{"S":null}})", "Item.x.S: expected a string, got null");
  expect_protocol_error(R"({"x":{"BOOL":"true"}})", "Item.x.BOOL: expected true or false, got string");
  expect_protocol_error(R"({"x":{"NULL":false}})", "Item.x.NULL: a NULL value must be true");
  expect_protocol_error(R"({"x":{"M":[]}})", "Item.x.M: expected an object, got array");
  expect_protocol_error(R"({"x":{"L":{}}})", "Item.x.L: expected an array, got object");
  expect_protocol_error(R"({"x":{"SS":"a"}})", "Item.x.SS: expected an array, got string");
}

TEST(AttributeJsonTest, PathRootIsTheCallersName) {
  EXPECT_THAT([] { (void)value_from_json(json::parse(R"({"L":[{"Q":1}]})"), "Attributes.owner"); },
              ThrowsMessage<ProtocolError>(HasSubstr("Attributes.owner.L[0]: unknown type 'Q'")));
  EXPECT_THAT([] { (void)map_from_json(json::array(), "LastEvaluatedKey"); },
              ThrowsMessage<ProtocolError>(HasSubstr("LastEvaluatedKey: expected an object, got array")));
}

TEST(AttributeJsonTest, PublicParserReportsBadJsonAsInvalidArgument) {
  EXPECT_THAT([] { (void)lease::item_from_dynamodb_json(R"({"a":{"S":"x"})"); },
              ThrowsMessage<InvalidArgument>(HasSubstr("item: not valid JSON")));
  EXPECT_THAT([] { (void)lease::item_from_dynamodb_json("[]"); },
              ThrowsMessage<InvalidArgument>(HasSubstr("item: expected an object, got array")));
  EXPECT_THAT([] { (void)lease::item_from_dynamodb_json(R"({"a":{"X":1}})"); },
              ThrowsMessage<InvalidArgument>(HasSubstr("item.a: unknown type 'X'")));
  EXPECT_TRUE(lease::item_from_dynamodb_json("{}").empty());
}

TEST(AttributeJsonTest, WritingInvalidUtf8IsAnInvalidArgument) {
  const AttributeValue bad = AttributeValue::string("\xff\xfe");
  EXPECT_THAT([&] { (void)lease::to_dynamodb_json(bad); }, ThrowsMessage<InvalidArgument>(HasSubstr("UTF-8")));
  EXPECT_THAT([&] { (void)lease::to_dynamodb_json(AttributeMap{{"\xc3", AttributeValue::null()}}); },
              ThrowsMessage<InvalidArgument>(HasSubstr("UTF-8")));
  EXPECT_THAT([&] { (void)lease::dynamodb::dump_json(to_json(bad)); }, ThrowsMessage<InvalidArgument>(HasSubstr("UTF-8")));
}

}  // namespace

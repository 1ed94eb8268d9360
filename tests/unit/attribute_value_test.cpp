#include "lease/attribute_value.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "lease/error.hpp"

namespace {

using lease::AttributeList;
using lease::AttributeMap;
using lease::AttributeType;
using lease::AttributeValue;
using lease::Bytes;
using lease::InvalidArgument;
using testing::HasSubstr;
using testing::ThrowsMessage;

AttributeValue sample(AttributeType type) {
  switch (type) {
    case AttributeType::string: return AttributeValue::string("text");
    case AttributeType::number: return AttributeValue::number("12.5");
    case AttributeType::binary: return AttributeValue::binary({1, 2, 3});
    case AttributeType::boolean: return AttributeValue::boolean(true);
    case AttributeType::null: return AttributeValue::null();
    case AttributeType::map: return AttributeValue::map({{"a", AttributeValue::string("b")}});
    case AttributeType::list: return AttributeValue::list({AttributeValue::number(1)});
    case AttributeType::string_set: return AttributeValue::string_set({"x", "y"});
    case AttributeType::number_set: return AttributeValue::number_set({"1", "2"});
    case AttributeType::binary_set: return AttributeValue::binary_set({{1}, {2}});
  }
  return {};
}

const std::vector<AttributeType> kAllTypes{
    AttributeType::string, AttributeType::number,     AttributeType::binary,     AttributeType::boolean,
    AttributeType::null,   AttributeType::map,        AttributeType::list,       AttributeType::string_set,
    AttributeType::number_set, AttributeType::binary_set};

// Calls the accessor of `type` on `value`, discarding the result.
void access(const AttributeValue& value, AttributeType type) {
  switch (type) {
    case AttributeType::string: (void)value.as_string(); break;
    case AttributeType::number: (void)value.as_number(); break;
    case AttributeType::binary: (void)value.as_binary(); break;
    case AttributeType::boolean: (void)value.as_bool(); break;
    case AttributeType::null: break;
    case AttributeType::map: (void)value.as_map(); break;
    case AttributeType::list: (void)value.as_list(); break;
    case AttributeType::string_set: (void)value.as_string_set(); break;
    case AttributeType::number_set: (void)value.as_number_set(); break;
    case AttributeType::binary_set: (void)value.as_binary_set(); break;
  }
}

TEST(AttributeValueTest, DefaultIsNull) {
  const AttributeValue value;
  EXPECT_TRUE(value.is_null());
  EXPECT_EQ(value.type(), AttributeType::null);
  EXPECT_EQ(value, AttributeValue::null());
}

TEST(AttributeValueTest, TypeTagNames) {
  std::vector<std::string> tags;
  for (const auto type : kAllTypes) tags.emplace_back(lease::to_string(type));
  EXPECT_EQ(tags, (std::vector<std::string>{"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"}));
}

TEST(AttributeValueTest, EachFactoryGivesItsTypeAndOneIsPredicate) {
  for (const auto type : kAllTypes) {
    const AttributeValue value = sample(type);
    EXPECT_EQ(value.type(), type) << lease::to_string(type);
    const std::vector<bool> predicates{value.is_string(),     value.is_number(),    value.is_binary(),
                                       value.is_boolean(),    value.is_null(),      value.is_map(),
                                       value.is_list(),       value.is_string_set(), value.is_number_set(),
                                       value.is_binary_set()};
    for (std::size_t i = 0; i < predicates.size(); ++i) {
      EXPECT_EQ(predicates[i], kAllTypes[i] == type) << lease::to_string(type) << " " << lease::to_string(kAllTypes[i]);
    }
  }
}

TEST(AttributeValueTest, AccessorsReturnContents) {
  EXPECT_EQ(AttributeValue::string("").as_string(), "");
  EXPECT_EQ(AttributeValue::string("héllo").as_string(), "héllo");
  EXPECT_EQ(AttributeValue::number("-1.50E+3").as_number(), "-1.50E+3");
  EXPECT_EQ(AttributeValue::number(std::int64_t{-7}).as_number(), "-7");
  EXPECT_EQ(AttributeValue::binary({0, 255}).as_binary(), (Bytes{0, 255}));
  EXPECT_FALSE(AttributeValue::boolean(false).as_bool());
  EXPECT_TRUE(AttributeValue::boolean(true).as_bool());
  const AttributeValue map = AttributeValue::map({{"k", AttributeValue::boolean(true)}});
  ASSERT_EQ(map.as_map().size(), 1U);
  EXPECT_TRUE(map.as_map().at("k").as_bool());
  const AttributeValue list = AttributeValue::list({AttributeValue::string("a"), AttributeValue::null()});
  ASSERT_EQ(list.as_list().size(), 2U);
  EXPECT_TRUE(list.as_list()[1].is_null());
  EXPECT_TRUE(AttributeValue::map({}).as_map().empty());
  EXPECT_TRUE(AttributeValue::list({}).as_list().empty());
}

TEST(AttributeValueTest, WrongAccessorThrowsNamingBothTypes) {
  EXPECT_THAT([] { (void)AttributeValue::number(1).as_string(); },
              ThrowsMessage<InvalidArgument>(HasSubstr("is a N, not a S")));
  EXPECT_THAT([] { (void)AttributeValue::string("1").as_int64(); },
              ThrowsMessage<InvalidArgument>(HasSubstr("is a S, not a N")));
  for (const auto held : kAllTypes) {
    for (const auto asked : kAllTypes) {
      if (held == asked || asked == AttributeType::null) continue;
      EXPECT_THROW(access(sample(held), asked), InvalidArgument)
          << lease::to_string(held) << " read as " << lease::to_string(asked);
    }
    EXPECT_NO_THROW(access(sample(held), held)) << lease::to_string(held);
  }
}

TEST(AttributeValueTest, AcceptsNumbersDynamoDbAccepts) {
  const std::vector<std::string> valid{
      "0", "-0", "+0", "0.0", "0e999999", "1", "-1", "+1", "007", "1.5", ".5", "5.", "-.5", "1e10", "1E-10",
      "1e+10", "12345678901234567890123456789012345678",          // 38 significant digits
      "-1234567890123456789012345678901234567.8",                 // 38, with a point
      "1000000000000000000000000000000000000000000000000000",     // 1E51: one significant digit
      "0.00000000000000000000000000000000000000000000000000001",  // 1E-53
      "12345678901234567890123456789012345678000", "1.2345678901234567890123456789012345678E5",
      "9.9999999999999999999999999999999999999E+125", "-9.9999999999999999999999999999999999999E+125",
      "1E-130", "-1E-130", "10E-131", "0.1E-129", "100E123"};
  for (const auto& text : valid) {
    EXPECT_NO_THROW({ EXPECT_EQ(AttributeValue::number(text).as_number(), text); }) << text;
  }
}

TEST(AttributeValueTest, RejectsWhatIsNotADynamoDbNumber) {
  const std::vector<std::string> invalid{
      "", "abc", "-", "+", ".", "-.", "e5", "1e", "1e+", "1e-", "--1", "+-1", "1.2.3", " 1", "1 ", "1_000",
      "0x10", "NaN", "Infinity", "-Infinity", "1,5", "1e5.5", "1ee5", "1e5e5", "١",
      "123456789012345678901234567890123456789",  // 39 significant digits
      "1.00000000000000000000000000000000000001",  // 39 significant digits
      "1E126", "10E125", "-1E126", "1E-131", "0.1E-130", "1e99999999999999999999999"};
  for (const auto& text : invalid) {
    EXPECT_THROW((void)AttributeValue::number(text), InvalidArgument) << "'" << text << "'";
  }
  EXPECT_THAT([] { (void)AttributeValue::number("12abc"); },
              ThrowsMessage<InvalidArgument>(HasSubstr("'12abc': not a decimal number")));
  EXPECT_THAT([] { (void)AttributeValue::number("123456789012345678901234567890123456789"); },
              ThrowsMessage<InvalidArgument>(HasSubstr("more than 38 significant digits")));
  EXPECT_THAT([] { (void)AttributeValue::number("1E126"); },
              ThrowsMessage<InvalidArgument>(HasSubstr("'1E126': out of DynamoDB's range")));
}

TEST(AttributeValueTest, LongBadNumberIsCutInTheMessage) {
  const std::string text(10'000, 'x');
  try {
    (void)AttributeValue::number(text);
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_LT(std::string(e.what()).size(), 300U);
    EXPECT_THAT(e.what(), HasSubstr("10000 characters"));
  }
}

TEST(AttributeValueTest, AsInt64ReadsIntegralNumbersInAnySpelling) {
  const std::vector<std::pair<std::string, std::int64_t>> cases{
      {"0", 0}, {"-0", 0}, {"0.000", 0}, {"42", 42}, {"-42", -42}, {"+42", 42}, {"007", 7}, {"7.0", 7},
      {"1E3", 1000}, {"1.5e1", 15}, {"100e-2", 1}, {"12300E-2", 123}, {"9223372036854775807", INT64_MAX},
      {"-9223372036854775808", INT64_MIN}, {"9.223372036854775807E18", INT64_MAX}, {"1E18", 1'000'000'000'000'000'000}};
  for (const auto& [text, expected] : cases) {
    EXPECT_EQ(AttributeValue::number(text).as_int64(), expected) << text;
  }
  for (const std::int64_t n : {INT64_MIN, INT64_MIN + 1, std::int64_t{-1}, std::int64_t{0}, INT64_MAX}) {
    EXPECT_EQ(AttributeValue::number(n).as_int64(), n);
  }
}

TEST(AttributeValueTest, AsInt64RejectsFractionsAndOverflow) {
  for (const std::string text : {"1.5", "-0.1", "1E-1", "123.4560"}) {
    EXPECT_THAT([&] { (void)AttributeValue::number(text).as_int64(); },
                ThrowsMessage<InvalidArgument>(HasSubstr("is not an integer")))
        << text;
  }
  for (const std::string text : {"9223372036854775808", "-9223372036854775809", "1E19", "1E125", "99999999999999999999"}) {
    EXPECT_THAT([&] { (void)AttributeValue::number(text).as_int64(); },
                ThrowsMessage<InvalidArgument>(HasSubstr("out of the range of int64")))
        << text;
  }
}

TEST(AttributeValueTest, SetsMustNotBeEmpty) {
  EXPECT_THAT([] { (void)AttributeValue::string_set({}); }, ThrowsMessage<InvalidArgument>(HasSubstr("must not be empty")));
  EXPECT_THAT([] { (void)AttributeValue::number_set({}); }, ThrowsMessage<InvalidArgument>(HasSubstr("must not be empty")));
  EXPECT_THAT([] { (void)AttributeValue::binary_set({}); }, ThrowsMessage<InvalidArgument>(HasSubstr("must not be empty")));
}

TEST(AttributeValueTest, SetsRejectDuplicates) {
  EXPECT_THAT([] { (void)AttributeValue::string_set({"a", "b", "a"}); },
              ThrowsMessage<InvalidArgument>(HasSubstr("holds the string 'a' twice")));
  EXPECT_THAT([] { (void)AttributeValue::number_set({"5", "7", "5"}); },
              ThrowsMessage<InvalidArgument>(HasSubstr("holds the number '5' twice")));
  EXPECT_THAT([] { (void)AttributeValue::binary_set({{1, 2}, {3}, {1, 2}}); },
              ThrowsMessage<InvalidArgument>(HasSubstr("twice")));
}

TEST(AttributeValueTest, NumberSetDuplicatesAreByValueNotText) {
  for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{
           {"1", "1.0"}, {"1", "10E-1"}, {"100", "1e2"}, {"-0.5", "-5E-1"}, {"0", "-0.00"}, {"+3", "3"}}) {
    EXPECT_THROW((void)AttributeValue::number_set({a, b}), InvalidArgument) << a << " " << b;
  }
  EXPECT_NO_THROW((void)AttributeValue::number_set({"1", "-1", "10", "0.1", "1.01", "11"}));
}

TEST(AttributeValueTest, SetsRejectInvalidNumbers) {
  EXPECT_THAT([] { (void)AttributeValue::number_set({"1", "one"}); },
              ThrowsMessage<InvalidArgument>(HasSubstr("'one': not a decimal number")));
}

TEST(AttributeValueTest, SetsAreKeptSortedSoOrderDoesNotMatter) {
  const auto ss = AttributeValue::string_set({"pear", "apple", "", "fig"});
  EXPECT_EQ(ss.as_string_set(), (std::vector<std::string>{"", "apple", "fig", "pear"}));
  EXPECT_EQ(ss, AttributeValue::string_set({"fig", "", "pear", "apple"}));
  EXPECT_EQ(AttributeValue::number_set({"3", "1", "2"}).as_number_set(), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(AttributeValue::binary_set({{2}, {}, {1, 5}}).as_binary_set(), (std::vector<Bytes>{{}, {1, 5}, {2}}));
  EXPECT_NE(ss, AttributeValue::string_set({"apple", "fig", "pear"}));
}

TEST(AttributeValueTest, EqualityIsExact) {
  EXPECT_EQ(AttributeValue::number("1"), AttributeValue::number(1));
  EXPECT_NE(AttributeValue::number("1"), AttributeValue::number("1.0"));
  EXPECT_NE(AttributeValue::string("1"), AttributeValue::number("1"));
  EXPECT_NE(AttributeValue::string_set({"1"}), AttributeValue::number_set({"1"}));
  EXPECT_NE(AttributeValue::binary({}), AttributeValue::string(""));
  EXPECT_NE(AttributeValue::map({}), AttributeValue::list({}));
  EXPECT_NE(AttributeValue::boolean(false), AttributeValue::null());
  for (const auto a : kAllTypes) {
    for (const auto b : kAllTypes) EXPECT_EQ(sample(a) == sample(b), a == b);
  }
}

AttributeValue nested(int depth) {
  AttributeValue value = AttributeValue::string("leaf");
  for (int i = 0; i < depth; ++i) {
    value = i % 2 == 0 ? AttributeValue::list({value, AttributeValue::number(i)})
                       : AttributeValue::map({{"level" + std::to_string(i), value}, {"n", AttributeValue::null()}});
  }
  return value;
}

TEST(AttributeValueTest, DeepValuesCompareByContents) {
  EXPECT_EQ(nested(12), nested(12));
  EXPECT_NE(nested(12), nested(11));
  const AttributeValue changed_leaf = AttributeValue::map(
      {{"a", AttributeValue::list({AttributeValue::map({{"b", AttributeValue::string("x")}})})}});
  const AttributeValue other_leaf = AttributeValue::map(
      {{"a", AttributeValue::list({AttributeValue::map({{"b", AttributeValue::string("y")}})})}});
  EXPECT_NE(changed_leaf, other_leaf);
}

TEST(AttributeValueTest, CopiesAreDeepAndIndependent) {
  AttributeValue original = nested(6);
  const AttributeValue copy = original;
  AttributeValue assigned;
  assigned = original;
  original = AttributeValue::string("replaced");
  EXPECT_EQ(copy, nested(6));
  EXPECT_EQ(assigned, nested(6));
  EXPECT_NE(&copy.as_map(), &assigned.as_map());

  AttributeMap item{{"m", nested(3)}};
  AttributeMap item_copy = item;
  item_copy["m"] = AttributeValue::null();
  EXPECT_EQ(item.at("m"), nested(3));
}

TEST(AttributeValueTest, MovesTransferContentsAndLeaveAUsableSource) {
  AttributeValue source = AttributeValue::map({{"k", AttributeValue::string(std::string(100, 'x'))}});
  const AttributeMap* contents = &source.as_map();
  AttributeValue target = std::move(source);
  EXPECT_EQ(&target.as_map(), contents);  // the heap node moved, not copied
  EXPECT_EQ(target.as_map().at("k").as_string(), std::string(100, 'x'));
  source = AttributeValue::number(3);  // a moved-from value can be assigned and used again
  EXPECT_EQ(source.as_int64(), 3);

  AttributeValue list = AttributeValue::list({AttributeValue::null()});
  AttributeValue taken(std::move(list));
  EXPECT_EQ(taken.as_list().size(), 1U);
  EXPECT_NO_THROW((void)(list == taken));  // a moved-from value still compares safely
}

}  // namespace

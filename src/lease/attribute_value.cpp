#include "lease/attribute_value.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "dynamodb/attribute_json.hpp"
#include "lease/error.hpp"

namespace lease {

namespace {

// DynamoDB's limits on N: 38 significant digits, magnitude 1E-130 to 9.99..E+125 (or zero).
constexpr std::size_t kMaxSignificantDigits = 38;
constexpr long long kMinExponent = -130;
constexpr long long kMaxExponent = 125;
// Exponents are saturated here while parsing: far beyond any range that text length can bring back.
constexpr long long kExponentClamp = 1'000'000'000'000LL;

/// The parts of a decimal number's text, found by parse_decimal().
struct Decimal {
  bool negative = false;
  bool zero = true;
  std::string_view mantissa;    // digits with at most one '.', no sign and no exponent
  std::size_t first = 0;        // index in mantissa of the first non-zero digit (when !zero)
  std::size_t last = 0;         // index in mantissa of the last non-zero digit (when !zero)
  std::size_t significant = 0;  // digits from first to last, both included
  long long exponent = 0;       // power of ten of the first non-zero digit: 1 for "12", -2 for "0.05"
};

[[nodiscard]] bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// The text to show in an error message: quoted, and cut when long.
[[nodiscard]] std::string shown(std::string_view text) {
  constexpr std::size_t kMaxShown = 64;
  if (text.size() <= kMaxShown) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kMaxShown)) + "...' (" + std::to_string(text.size()) + " characters)";
}

/// Splits `text` as [+-]digits[.digits][(e|E)[+-]digits] (either side of '.' may be empty, not both);
/// nullopt when it is not of that form.
[[nodiscard]] std::optional<Decimal> parse_decimal(std::string_view text) {
  Decimal d;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) d.negative = text[i++] == '-';
  const std::size_t start = i;
  std::size_t digits = 0;
  std::size_t point = std::string_view::npos;
  for (; i < text.size(); ++i) {
    if (is_digit(text[i])) {
      ++digits;
    } else if (text[i] == '.' && point == std::string_view::npos) {
      point = i - start;
    } else {
      break;
    }
  }
  if (digits == 0) return std::nullopt;
  d.mantissa = text.substr(start, i - start);
  long long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative_exponent = text[i++] == '-';
    if (i == text.size()) return std::nullopt;
    for (; i < text.size() && is_digit(text[i]); ++i) {
      exponent = std::min(exponent * 10 + (text[i] - '0'), kExponentClamp);
    }
    if (negative_exponent) exponent = -exponent;
  }
  if (i != text.size()) return std::nullopt;

  const std::size_t first = d.mantissa.find_first_of("123456789");
  if (first == std::string_view::npos) return d;
  d.zero = false;
  d.first = first;
  d.last = d.mantissa.find_last_of("123456789");
  if (point == std::string_view::npos) point = d.mantissa.size();
  d.significant = d.last - d.first + 1 - (d.first < point && point < d.last ? 1 : 0);
  const long long place =
      first < point ? static_cast<long long>(point - first) - 1 : -static_cast<long long>(first - point);
  d.exponent = place + exponent;
  return d;
}

/// The parts of a valid DynamoDB number; throws InvalidArgument naming the text otherwise.
[[nodiscard]] Decimal parse_number(std::string_view text) {
  const auto d = parse_decimal(text);
  if (!d) throw InvalidArgument("invalid number " + shown(text) + ": not a decimal number");
  if (d->significant > kMaxSignificantDigits) {
    throw InvalidArgument("invalid number " + shown(text) + ": more than 38 significant digits");
  }
  if (!d->zero && (d->exponent < kMinExponent || d->exponent > kMaxExponent)) {
    throw InvalidArgument(
        "invalid number " + shown(text) +
        ": out of DynamoDB's range (magnitude 1E-130 to 9.9999999999999999999999999999999999999E+125)");
  }
  return *d;
}

/// A key equal for equal numbers whatever their spelling: "1", "1.0" and "10E-1" give "+1E0".
[[nodiscard]] std::string canonical_number(const Decimal& d) {
  if (d.zero) return "0";
  std::string key(1, d.negative ? '-' : '+');
  for (std::size_t i = d.first; i <= d.last; ++i) {
    if (d.mantissa[i] != '.') key += d.mantissa[i];
  }
  return key + 'E' + std::to_string(d.exponent);
}

/// Sorts a set's elements and throws InvalidArgument when it is empty or holds an element twice.
/// `describe` names a duplicated element in the message.
template <class T, class Describe>
void sort_set(std::vector<T>& values, std::string_view tag, Describe describe) {
  if (values.empty()) throw InvalidArgument("a " + std::string(tag) + " set must not be empty");
  std::sort(values.begin(), values.end());
  const auto twice = std::adjacent_find(values.begin(), values.end());
  if (twice != values.end()) {
    throw InvalidArgument("a " + std::string(tag) + " set holds " + describe(*twice) + " twice");
  }
}

}  // namespace

std::string_view to_string(AttributeType type) noexcept {
  static constexpr std::array<std::string_view, 10> kTags{"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};
  const auto index = static_cast<std::size_t>(type);
  return index < kTags.size() ? kTags[index] : std::string_view("?");
}

AttributeValue::AttributeValue() noexcept
    : value_(std::in_place_index<static_cast<std::size_t>(AttributeType::null)>) {}
AttributeValue::AttributeValue(const AttributeValue& other) = default;
AttributeValue::AttributeValue(AttributeValue&& other) noexcept = default;
AttributeValue& AttributeValue::operator=(const AttributeValue& other) = default;
AttributeValue& AttributeValue::operator=(AttributeValue&& other) noexcept = default;
AttributeValue::~AttributeValue() = default;

template <AttributeType Type, class... Args>
AttributeValue AttributeValue::make(Args&&... args) {
  AttributeValue value;
  value.value_.emplace<static_cast<std::size_t>(Type)>(std::forward<Args>(args)...);
  return value;
}

template <AttributeType Type>
const auto& AttributeValue::get() const {
  if (type() != Type) {
    throw InvalidArgument("attribute value is a " + std::string(to_string(type())) + ", not a " +
                          std::string(to_string(Type)));
  }
  return *std::get_if<static_cast<std::size_t>(Type)>(&value_);
}

AttributeValue AttributeValue::string(std::string value) { return make<AttributeType::string>(std::move(value)); }

AttributeValue AttributeValue::number(std::string decimal) {
  (void)parse_number(decimal);
  return make<AttributeType::number>(std::move(decimal));
}

AttributeValue AttributeValue::number(std::int64_t value) { return make<AttributeType::number>(std::to_string(value)); }

AttributeValue AttributeValue::binary(Bytes value) { return make<AttributeType::binary>(std::move(value)); }

AttributeValue AttributeValue::boolean(bool value) { return make<AttributeType::boolean>(value); }

AttributeValue AttributeValue::null() noexcept { return AttributeValue(); }

AttributeValue AttributeValue::map(AttributeMap value) { return make<AttributeType::map>(std::move(value)); }

AttributeValue AttributeValue::list(AttributeList value) { return make<AttributeType::list>(std::move(value)); }

AttributeValue AttributeValue::string_set(std::vector<std::string> values) {
  sort_set(values, "string (SS)", [](const std::string& s) { return "the string " + shown(s); });
  return make<AttributeType::string_set>(std::move(values));
}

AttributeValue AttributeValue::number_set(std::vector<std::string> values) {
  if (values.empty()) throw InvalidArgument("a number (NS) set must not be empty");
  // Distinct as numbers, not as text: DynamoDB rejects {"1", "1.0"}.
  std::vector<std::pair<std::string, const std::string*>> keys;
  keys.reserve(values.size());
  for (const auto& text : values) keys.emplace_back(canonical_number(parse_number(text)), &text);
  std::sort(keys.begin(), keys.end());
  const auto twice =
      std::adjacent_find(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.first == b.first; });
  if (twice != keys.end()) {
    throw InvalidArgument("a number (NS) set holds the number " + shown(*twice->second) + " twice (as " +
                          shown(*std::next(twice)->second) + ")");
  }
  std::sort(values.begin(), values.end());
  return make<AttributeType::number_set>(std::move(values));
}

AttributeValue AttributeValue::binary_set(std::vector<Bytes> values) {
  sort_set(values, "binary (BS)", [](const Bytes& b) { return "a value of " + std::to_string(b.size()) + " bytes"; });
  return make<AttributeType::binary_set>(std::move(values));
}

const std::string& AttributeValue::as_string() const { return get<AttributeType::string>(); }

const std::string& AttributeValue::as_number() const { return get<AttributeType::number>(); }

std::int64_t AttributeValue::as_int64() const {
  const std::string& text = get<AttributeType::number>();
  const Decimal d = parse_number(text);
  if (d.zero) return 0;
  // The value is 0.<significant digits> * 10^(exponent + 1): an integer when the digits all lie
  // left of the point, and then it has exponent + 1 digits.
  const long long integer_digits = d.exponent + 1;
  if (integer_digits < static_cast<long long>(d.significant)) {
    throw InvalidArgument("number " + shown(text) + " is not an integer");
  }
  constexpr long long kMaxDigits = std::numeric_limits<std::int64_t>::digits10 + 1;  // 19
  const auto out_of_range = [&] { return InvalidArgument("number " + shown(text) + " is out of the range of int64"); };
  if (integer_digits > kMaxDigits) throw out_of_range();
  std::uint64_t magnitude = 0;  // at most 19 decimal digits: fits
  for (std::size_t i = d.first; i <= d.last; ++i) {
    if (d.mantissa[i] != '.') magnitude = magnitude * 10 + static_cast<std::uint64_t>(d.mantissa[i] - '0');
  }
  for (long long i = static_cast<long long>(d.significant); i < integer_digits; ++i) magnitude *= 10;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (magnitude > kMax + (d.negative ? 1 : 0)) throw out_of_range();
  if (!d.negative) return static_cast<std::int64_t>(magnitude);
  return magnitude == kMax + 1 ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(magnitude);
}

const Bytes& AttributeValue::as_binary() const { return get<AttributeType::binary>(); }

bool AttributeValue::as_bool() const { return get<AttributeType::boolean>(); }

const AttributeMap& AttributeValue::as_map() const { return get<AttributeType::map>().get(); }

const AttributeList& AttributeValue::as_list() const { return get<AttributeType::list>().get(); }

const std::vector<std::string>& AttributeValue::as_string_set() const { return get<AttributeType::string_set>(); }

const std::vector<std::string>& AttributeValue::as_number_set() const { return get<AttributeType::number_set>(); }

const std::vector<Bytes>& AttributeValue::as_binary_set() const { return get<AttributeType::binary_set>(); }

bool operator==(const AttributeValue& a, const AttributeValue& b) { return a.value_ == b.value_; }

std::string to_dynamodb_json(const AttributeMap& item) { return dynamodb::dump_json(dynamodb::to_json(item)); }

std::string to_dynamodb_json(const AttributeValue& value) { return dynamodb::dump_json(dynamodb::to_json(value)); }

AttributeMap item_from_dynamodb_json(std::string_view json) {
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    throw InvalidArgument(std::string("item: not valid JSON: ") + e.what());
  }
  try {
    return dynamodb::map_from_json(std::move(parsed), "item");
  } catch (const ProtocolError& e) {
    throw InvalidArgument(e.what());
  }
}

}  // namespace lease

#pragma once
/// \file
/// `lease::AttributeValue`: one DynamoDB attribute value of any of the ten DynamoDB types, and
/// `lease::AttributeMap`, an item. Conversion to and from DynamoDB JSON (the form the AWS CLI prints)
/// is offered for callers who have no JSON library.
///
/// Example:
/// \code
///   lease::AttributeMap item{{"owner", lease::AttributeValue::string("worker-7")},
///                            {"count", lease::AttributeValue::number(3)}};
///   std::string text = lease::to_dynamodb_json(item);   // {"count":{"N":"3"},"owner":{"S":"worker-7"}}
///   std::int64_t n = lease::item_from_dynamodb_json(text).at("count").as_int64();   // 3
/// \endcode

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lease {

/// Raw bytes of a B value or of one element of a BS value.
using Bytes = std::vector<std::uint8_t>;

class AttributeValue;
/// An item, or the value of an M attribute: attribute name -> value, ordered by name.
using AttributeMap = std::map<std::string, AttributeValue, std::less<>>;
/// The value of an L attribute.
using AttributeList = std::vector<AttributeValue>;

/// The ten DynamoDB attribute types.
enum class AttributeType { string, number, binary, boolean, null, map, list, string_set, number_set, binary_set };

/// The DynamoDB tag of a type: "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS".
[[nodiscard]] std::string_view to_string(AttributeType type) noexcept;

namespace detail {

/// Owns one heap-allocated T with value semantics (copies are deep). It lets AttributeValue hold the
/// recursive M and L types while AttributeValue is still incomplete. A moved-from box reads as an
/// empty T. Thread-safety: as any value type.
template <class T>
class Box {
 public:
  explicit Box(T value) : ptr_(std::make_unique<T>(std::move(value))) {}
  Box(const Box& other) : ptr_(std::make_unique<T>(other.get())) {}
  Box(Box&&) noexcept = default;
  Box& operator=(const Box& other) {
    if (this != &other) ptr_ = std::make_unique<T>(other.get());
    return *this;
  }
  Box& operator=(Box&&) noexcept = default;
  ~Box() = default;

  [[nodiscard]] const T& get() const noexcept { return ptr_ ? *ptr_ : empty(); }
  friend bool operator==(const Box& a, const Box& b) { return a.get() == b.get(); }

 private:
  static const T& empty() noexcept {
    static const T instance;
    return instance;
  }
  std::unique_ptr<T> ptr_;
};

}  // namespace detail

/// One DynamoDB attribute value: S, N, B, BOOL, NULL, M, L, SS, NS or BS.
///
/// A value type: copies are deep, moves are cheap. N values keep their exact decimal text. Sets are
/// validated (non-empty, no duplicates; for NS, "1" and "1.0" are the same number) and kept in
/// ascending order, as DynamoDB itself does not keep the order of a set.
///
/// Thread-safety: as any value type; const use from many threads at once is safe.
class AttributeValue {
 public:
  /// A NULL value.
  AttributeValue() noexcept;
  AttributeValue(const AttributeValue& other);
  AttributeValue(AttributeValue&& other) noexcept;
  AttributeValue& operator=(const AttributeValue& other);
  AttributeValue& operator=(AttributeValue&& other) noexcept;
  ~AttributeValue();

  /// S: a string (UTF-8; may be empty).
  [[nodiscard]] static AttributeValue string(std::string value);
  /// N from its decimal text ("-12", "3.25", "1E+10"), kept exactly as given. DynamoDB's limits apply:
  /// at most 38 significant digits, magnitude 1E-130 to below 1E+126 (or zero). Throws
  /// lease::InvalidArgument naming the text when it is not such a number.
  [[nodiscard]] static AttributeValue number(std::string decimal);
  /// N from an integer.
  [[nodiscard]] static AttributeValue number(std::int64_t value);
  /// B: raw bytes (base64 only on the wire; may be empty).
  [[nodiscard]] static AttributeValue binary(Bytes value);
  /// BOOL.
  [[nodiscard]] static AttributeValue boolean(bool value);
  /// NULL.
  [[nodiscard]] static AttributeValue null() noexcept;
  /// M: a map of named values.
  [[nodiscard]] static AttributeValue map(AttributeMap value);
  /// L: a list of values.
  [[nodiscard]] static AttributeValue list(AttributeList value);
  /// SS: non-empty, distinct strings; throws lease::InvalidArgument otherwise.
  [[nodiscard]] static AttributeValue string_set(std::vector<std::string> values);
  /// NS: non-empty, distinct valid numbers (as for number()); throws lease::InvalidArgument otherwise.
  [[nodiscard]] static AttributeValue number_set(std::vector<std::string> values);
  /// BS: non-empty, distinct byte strings; throws lease::InvalidArgument otherwise.
  [[nodiscard]] static AttributeValue binary_set(std::vector<Bytes> values);

  [[nodiscard]] AttributeType type() const noexcept { return static_cast<AttributeType>(value_.index()); }
  [[nodiscard]] bool is_string() const noexcept { return type() == AttributeType::string; }
  [[nodiscard]] bool is_number() const noexcept { return type() == AttributeType::number; }
  [[nodiscard]] bool is_binary() const noexcept { return type() == AttributeType::binary; }
  [[nodiscard]] bool is_boolean() const noexcept { return type() == AttributeType::boolean; }
  [[nodiscard]] bool is_null() const noexcept { return type() == AttributeType::null; }
  [[nodiscard]] bool is_map() const noexcept { return type() == AttributeType::map; }
  [[nodiscard]] bool is_list() const noexcept { return type() == AttributeType::list; }
  [[nodiscard]] bool is_string_set() const noexcept { return type() == AttributeType::string_set; }
  [[nodiscard]] bool is_number_set() const noexcept { return type() == AttributeType::number_set; }
  [[nodiscard]] bool is_binary_set() const noexcept { return type() == AttributeType::binary_set; }

  // Accessors. Each throws lease::InvalidArgument ("attribute value is a N, not a S") on another type.

  /// The string of an S value.
  [[nodiscard]] const std::string& as_string() const;
  /// The decimal text of an N value, exactly as given.
  [[nodiscard]] const std::string& as_number() const;
  /// An N value as an integer; throws lease::InvalidArgument when it is not an integer ("1.5") or
  /// is out of range. Integral values in other forms ("1E3", "7.0") are accepted.
  [[nodiscard]] std::int64_t as_int64() const;
  /// The bytes of a B value.
  [[nodiscard]] const Bytes& as_binary() const;
  /// A BOOL value.
  [[nodiscard]] bool as_bool() const;
  /// The members of an M value.
  [[nodiscard]] const AttributeMap& as_map() const;
  /// The elements of an L value.
  [[nodiscard]] const AttributeList& as_list() const;
  /// The strings of an SS value, ascending.
  [[nodiscard]] const std::vector<std::string>& as_string_set() const;
  /// The decimal texts of an NS value, ascending by text.
  [[nodiscard]] const std::vector<std::string>& as_number_set() const;
  /// The byte strings of a BS value, ascending.
  [[nodiscard]] const std::vector<Bytes>& as_binary_set() const;

  /// Exact equality: same type and same contents (N compared as text, so "1" != "1.0").
  friend bool operator==(const AttributeValue& a, const AttributeValue& b);

 private:
  // One alternative per AttributeType, in the enum's order, so that index() is the type.
  using Storage = std::variant<std::string, std::string, Bytes, bool, std::monostate, detail::Box<AttributeMap>,
                               detail::Box<AttributeList>, std::vector<std::string>, std::vector<std::string>,
                               std::vector<Bytes>>;

  template <AttributeType Type, class... Args>
  [[nodiscard]] static AttributeValue make(Args&&... args);
  template <AttributeType Type>
  [[nodiscard]] const auto& get() const;

  Storage value_;
};

/// The DynamoDB JSON of an item: {"name":{"S":"x"},"n":{"N":"1"}}, B and BS in base64.
/// Throws lease::InvalidArgument when a string or name is not valid UTF-8.
[[nodiscard]] std::string to_dynamodb_json(const AttributeMap& item);
/// The DynamoDB JSON of one value: {"S":"x"}.
/// Throws lease::InvalidArgument when a string or name is not valid UTF-8.
[[nodiscard]] std::string to_dynamodb_json(const AttributeValue& value);
/// The item written in DynamoDB JSON. Throws lease::InvalidArgument naming what is wrong and where
/// ("item.tags.L[2]: unknown type 'X'").
[[nodiscard]] AttributeMap item_from_dynamodb_json(std::string_view json);

}  // namespace lease

#pragma once
// Builds DynamoDB expressions with placeholders for every name and value, so attribute names that
// are reserved words (or contain dots) always work, and only placeholders that are used are sent
// (DynamoDB rejects unused ones). Not thread-safe: one per request.

#include <string>
#include <string_view>

#include "dynamodb/operations.hpp"
#include "lease/attribute_value.hpp"

namespace lease::detail {

class Expression {
 public:
  /// Placeholder for an attribute name ("#n0"); the same name gets the same placeholder.
  std::string name(std::string_view attribute);
  /// Placeholder for a value (":v0").
  std::string value(AttributeValue v);

  /// Moves the collected names and values into a request.
  template <class Request>
  void apply_to(Request& request) && {
    request.expression_attribute_names = std::move(names_);
    request.expression_attribute_values = std::move(values_);
  }
  [[nodiscard]] dynamodb::ExpressionNames& names() noexcept { return names_; }
  [[nodiscard]] AttributeMap& values() noexcept { return values_; }

 private:
  dynamodb::ExpressionNames names_;
  AttributeMap values_;
};

}  // namespace lease::detail

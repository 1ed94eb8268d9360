#include "lease/expression.hpp"

namespace lease::detail {

std::string Expression::name(std::string_view attribute) {
  for (const auto& [placeholder, existing] : names_) {
    if (existing == attribute) return placeholder;
  }
  std::string placeholder = "#n" + std::to_string(names_.size());
  names_.emplace(placeholder, std::string(attribute));
  return placeholder;
}

std::string Expression::value(AttributeValue v) {
  std::string placeholder = ":v" + std::to_string(values_.size());
  values_.emplace(placeholder, std::move(v));
  return placeholder;
}

}  // namespace lease::detail

#include "aws/http.hpp"

#include <algorithm>
#include <cctype>

namespace lease::aws {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view HttpResponse::header(std::string_view name) const {
  const auto it = std::find_if(headers.begin(), headers.end(),
                               [name](const Header& h) { return iequals(h.name, name); });
  return it == headers.end() ? std::string_view{} : std::string_view{it->value};
}

}  // namespace lease::aws

#include "args.hpp"

#include <charconv>
#include <stdexcept>

namespace lease::chaos {

Args::Args(int argc, char** argv, std::set<std::string, std::less<>> flags) : flags_(std::move(flags)) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.size() < 3 || arg.substr(0, 2) != "--") throw std::invalid_argument("unexpected argument '" +
                                                                                 std::string(arg) + "'");
    std::string name(arg.substr(2));
    if (flags_.contains(name)) {
      values_[name] = "1";
    } else if (i + 1 < argc) {
      values_[name] = argv[++i];
    } else {
      throw std::invalid_argument("option --" + name + " needs a value");
    }
  }
}

std::string Args::get(std::string_view name, std::string fallback) const {
  asked_.emplace(name);
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::int64_t Args::get_int(std::string_view name, std::int64_t fallback) const {
  asked_.emplace(name);
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  std::int64_t value = 0;
  const auto& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw std::invalid_argument("--" + std::string(name) + " must be an integer (got '" + text + "')");
  }
  return value;
}

bool Args::flag(std::string_view name) const {
  asked_.emplace(name);
  return values_.contains(name);
}

std::vector<std::string> Args::get_list(std::string_view name) const {
  std::vector<std::string> items;
  std::string text = get(name, "");
  std::size_t start = 0;
  while (start < text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

void Args::check_all_known() const {
  std::string unknown;
  for (const auto& [name, value] : values_) {
    if (!asked_.contains(name)) unknown += (unknown.empty() ? "--" : ", --") + name;
  }
  if (!unknown.empty()) throw std::invalid_argument("unknown option(s): " + unknown);
}

}  // namespace lease::chaos

#pragma once
// Command-line options of the chaos programs: "--name value" pairs and "--flag". Not thread-safe.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lease::chaos {

/// Parsed "--name value" options. Asking for an option marks it known; `check_all_known()` then
/// rejects any option nobody asked for (a typo must not silently run the default).
class Args {
 public:
  /// `flags` are the options that take no value. Throws std::invalid_argument on a stray argument.
  Args(int argc, char** argv, std::set<std::string, std::less<>> flags = {});

  [[nodiscard]] std::string get(std::string_view name, std::string fallback) const;
  /// An integer option; throws std::invalid_argument naming the option when it is not one.
  [[nodiscard]] std::int64_t get_int(std::string_view name, std::int64_t fallback) const;
  [[nodiscard]] bool flag(std::string_view name) const;
  /// A comma-separated list option.
  [[nodiscard]] std::vector<std::string> get_list(std::string_view name) const;
  /// Throws std::invalid_argument naming the options that were given but never asked for.
  void check_all_known() const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::set<std::string, std::less<>> flags_;
  mutable std::set<std::string, std::less<>> asked_;
};

}  // namespace lease::chaos

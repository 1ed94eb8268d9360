#pragma once
// Reading whole tables for the chaos run's snapshots and its checker.

#include <string>
#include <vector>

#include "lease/attribute_value.hpp"
#include "lease/client.hpp"

namespace lease::chaos {

/// Every item of `table`, read with consistent reads page by page.
[[nodiscard]] std::vector<AttributeMap> scan_all(const lease::Client& client, const std::string& table);

}  // namespace lease::chaos

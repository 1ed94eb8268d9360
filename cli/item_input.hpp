#pragma once
// The rows `lease add` reads: keys with --attr NAME=VALUE, or JSON lines of DynamoDB JSON items.

#include <istream>
#include <string>
#include <vector>

#include "lease/attribute_value.hpp"

namespace lease::cli {

/// One item per key: {hash_key: S key} plus every NAME=VALUE of `attributes` as a String.
/// Throws UsageError for an --attr without '=' or with an empty name.
[[nodiscard]] std::vector<AttributeMap> items_from_keys(const std::vector<std::string>& keys,
                                                        const std::vector<std::string>& attributes,
                                                        const std::string& hash_key);

/// One item per non-blank line, each a DynamoDB JSON item ({"id":{"S":"a"},"n":{"N":"1"}}).
/// Throws UsageError naming `source`, the line number and what is wrong.
[[nodiscard]] std::vector<AttributeMap> items_from_json_lines(std::istream& in, const std::string& source);

/// Reads items from the file `path` ("-": stdin) as items_from_json_lines does.
[[nodiscard]] std::vector<AttributeMap> items_from_file(const std::string& path);

}  // namespace lease::cli

#include "item_input.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "exit_codes.hpp"
#include "lease/error.hpp"

namespace lease::cli {

std::vector<AttributeMap> items_from_keys(const std::vector<std::string>& keys,
                                          const std::vector<std::string>& attributes, const std::string& hash_key) {
  AttributeMap shared;
  for (const auto& attribute : attributes) {
    const auto equals = attribute.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw UsageError("--attr: '" + attribute + "' is not NAME=VALUE");
    }
    shared.insert_or_assign(attribute.substr(0, equals), AttributeValue::string(attribute.substr(equals + 1)));
  }
  if (shared.contains(hash_key)) throw UsageError("--attr: '" + hash_key + "' is the table's key; give keys as arguments");
  std::vector<AttributeMap> items;
  items.reserve(keys.size());
  for (const auto& key : keys) {
    AttributeMap item = shared;
    item.emplace(hash_key, AttributeValue::string(key));
    items.push_back(std::move(item));
  }
  return items;
}

std::vector<AttributeMap> items_from_json_lines(std::istream& in, const std::string& source) {
  std::vector<AttributeMap> items;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      items.push_back(item_from_dynamodb_json(line));
    } catch (const InvalidArgument& e) {
      throw UsageError(source + ":" + std::to_string(number) + ": " + e.what());
    }
  }
  if (in.bad()) throw UsageError(source + ": read failed");
  return items;
}

std::vector<AttributeMap> items_from_file(const std::string& path) {
  if (path == "-") return items_from_json_lines(std::cin, "stdin");
  std::ifstream file(path);
  if (!file) throw UsageError("--from: cannot open '" + path + "': " + std::strerror(errno));
  return items_from_json_lines(file, path);
}

}  // namespace lease::cli

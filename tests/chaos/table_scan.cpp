#include "table_scan.hpp"

#include "dynamodb/client.hpp"

namespace lease::chaos {

std::vector<AttributeMap> scan_all(const lease::Client& client, const std::string& table) {
  std::vector<AttributeMap> items;
  std::optional<AttributeMap> start;
  do {
    dynamodb::ScanRequest scan;
    scan.table_name = table;
    scan.consistent_read = true;
    scan.exclusive_start_key = std::move(start);
    auto page = client.impl()->scan(scan);
    for (auto& item : page.items) items.push_back(std::move(item));
    start = std::move(page.last_evaluated_key);
  } while (start);
  return items;
}

}  // namespace lease::chaos

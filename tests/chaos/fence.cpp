#include "fence.hpp"

#include <algorithm>
#include <map>

#include "dynamodb/client.hpp"
#include "dynamodb/errors.hpp"
#include "lease/expression.hpp"
#include "table_scan.hpp"

namespace lease::chaos {

namespace {

constexpr const char* kKey = "k";

std::int64_t number_or_zero(const AttributeMap& item, const std::string& name) {
  auto it = item.find(name);
  return it != item.end() && it->second.is_number() ? it->second.as_int64() : 0;
}

}  // namespace

std::string_view to_string(FenceOutcome outcome) noexcept {
  switch (outcome) {
    case FenceOutcome::accepted:
      return "accepted";
    case FenceOutcome::fenced:
      return "fenced";
    case FenceOutcome::unknown:
      return "unknown";
  }
  return "?";
}

Fence::Fence(lease::Client client, std::string table) : client_(std::move(client)), table_(std::move(table)) {}

void Fence::create_table(const lease::Client& client, const std::string& table) {
  dynamodb::CreateTableRequest request;
  request.table_name = table;
  request.key_schema.hash_key = kKey;
  request.attribute_definitions.push_back({kKey, dynamodb::ScalarType::string});
  client.impl()->create_table(request);
  client.impl()->wait_until_active(table, std::chrono::minutes(1));
}

void Fence::add_key(const std::string& key) {
  dynamodb::PutItemRequest put;
  put.table_name = table_;
  put.item = {{kKey, AttributeValue::string(key)}, {"n", AttributeValue::number(std::int64_t{0})}};
  detail::Expression e;
  put.condition_expression = "attribute_not_exists(" + e.name(kKey) + ")";
  std::move(e).apply_to(put);
  try {
    client_.impl()->put_item(put);
  } catch (const dynamodb::ConditionalCheckFailed&) {  // added before: keep its history
  }
}

FenceOutcome Fence::write(const std::string& key, std::int64_t token, const std::string& write_id,
                          std::string* error) {
  dynamodb::UpdateItemRequest update;
  update.table_name = table_;
  update.key = {{kKey, AttributeValue::string(key)}};
  detail::Expression e;
  const auto t = std::to_string(token);
  const auto tok = e.name("tok"), n = e.name("n"), lw = e.name("lw");
  const auto first = e.name("f" + t), last = e.name("l" + t), count = e.name("c" + t);
  const auto tv = e.value(AttributeValue::number(token)), wv = e.value(AttributeValue::string(write_id));
  const auto one = e.value(AttributeValue::number(std::int64_t{1}));
  // Operands read the item as it was before this write, so f/l get this write's sequence number.
  update.update_expression = "SET " + tok + " = " + tv + ", " + lw + " = " + wv + ", " + first + " = if_not_exists(" +
                             first + ", " + n + "), " + last + " = " + n + " ADD " + n + " " + one + ", " + count +
                             " " + one;
  update.condition_expression = "attribute_exists(" + n + ") AND (attribute_not_exists(" + tok + ") OR " + tok +
                                " <= " + tv + ") AND (attribute_not_exists(" + lw + ") OR " + lw + " <> " + wv + ")";
  std::move(e).apply_to(update);
  update.return_values_on_condition_check_failure = dynamodb::ReturnValuesOnConditionCheckFailure::all_old;
  try {
    client_.impl()->update_item(update);
    return FenceOutcome::accepted;
  } catch (const dynamodb::ConditionalCheckFailed& failed) {
    // Sent again after a lost response: the first attempt was applied if it is the last write.
    const auto& item = failed.item();
    if (item) {
      auto it = item->find("lw");
      if (it != item->end() && it->second.is_string() && it->second.as_string() == write_id) {
        return FenceOutcome::accepted;
      }
    }
    return FenceOutcome::fenced;
  } catch (const lease::Error& failure) {
    if (error != nullptr) *error = failure.code() + ": " + failure.what();
    return FenceOutcome::unknown;
  }
}

std::vector<FenceKeyRecord> Fence::read_all() {
  std::vector<FenceKeyRecord> records;
  for (const auto& item : scan_all(client_, table_)) records.push_back(fence_record(item));
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  return records;
}

FenceKeyRecord fence_record(const AttributeMap& item) {
  FenceKeyRecord record;
  if (auto it = item.find(kKey); it != item.end() && it->second.is_string()) record.key = it->second.as_string();
  record.highest = number_or_zero(item, "tok");
  record.writes = number_or_zero(item, "n");
  std::map<std::int64_t, FenceTokenRecord> by_token;
  for (const auto& [name, value] : item) {
    if (name.size() < 2 || (name[0] != 'f' && name[0] != 'l' && name[0] != 'c') || !value.is_number()) continue;
    if (!std::all_of(name.begin() + 1, name.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) continue;
    const std::int64_t token = std::stoll(name.substr(1));
    auto& entry = by_token[token];
    entry.token = token;
    (name[0] == 'f' ? entry.first : name[0] == 'l' ? entry.last : entry.count) = value.as_int64();
  }
  for (auto& [token, entry] : by_token) record.tokens.push_back(entry);
  return record;
}

}  // namespace lease::chaos

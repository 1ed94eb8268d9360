// Pool administration: adding rows, listing them, and indexing an existing table's rows.
#include <algorithm>

#include "dynamodb/errors.hpp"
#include "lease/pool_impl.hpp"

namespace lease {

using detail::Expression;

namespace {

// Visits every page of a full scan of the table.
template <class Visit>
void scan_all(detail::RowStore& store, dynamodb::ScanRequest scan, Visit&& visit) {
  std::optional<AttributeMap> start_key;
  do {
    scan.exclusive_start_key = std::move(start_key);
    auto page = store.client().scan(scan);
    visit(page.items);
    start_key = std::move(page.last_evaluated_key);
  } while (start_key);
}

}  // namespace

std::size_t Pool::add_rows(const std::vector<AttributeMap>& items, const std::function<void(std::size_t)>& progress) {
  auto& store = *impl_->store;
  const auto& n = impl_->options.names;
  const std::string key_name = store.layout().hash_key;
  std::vector<std::string> existing;
  std::size_t added = 0;
  for (const auto& item : items) {
    auto key = detail::string_attribute(item, key_name);
    if (!key || key->empty()) {
      throw InvalidArgument("every row needs its hash key '" + key_name + "' as a non-empty String (S)");
    }
    for (const auto* lease_attr : {&n.lessee, &n.token, &n.duration}) {
      if (item.contains(*lease_attr)) {
        throw InvalidArgument("row '" + *key + "': attribute '" + *lease_attr + "' is the lease's own; leave it out");
      }
    }
    dynamodb::PutItemRequest put;
    put.table_name = store.table();
    put.item = item;
    put.item.emplace(n.bucket, AttributeValue::number(impl_->bucket_of(*key)));
    put.item.emplace(n.lease_until, AttributeValue::number(0));  // free; indexed
    detail::number_attribute(put.item, n.lease_until, *key);     // a user-given LeaseUntil must be a number
    Expression e;
    put.condition_expression = "attribute_not_exists(" + e.name(key_name) + ")";
    std::move(e).apply_to(put);
    try {
      store.client().put_item(put);
      ++added;
    } catch (const dynamodb::ConditionalCheckFailed&) {
      existing.push_back(*key);  // never overwrite a user's row
    }
    if (progress) progress(added + existing.size());
  }
  if (!existing.empty()) {
    std::string names;
    for (std::size_t i = 0; i < existing.size() && i < 10; ++i) names += (i ? ", " : "") + existing[i];
    if (existing.size() > 10) names += ", ... (" + std::to_string(existing.size()) + " in all)";
    throw InvalidArgument("rows already exist and were left unchanged: " + names + " (" + std::to_string(added) +
                          " added)");
  }
  return added;
}

std::vector<RowStatus> Pool::list() {
  auto& store = *impl_->store;
  const auto& n = impl_->options.names;
  const std::string key_name = store.layout().hash_key;
  const auto now = store.wall_now_ns();
  std::vector<RowStatus> rows;
  dynamodb::ScanRequest scan;
  scan.table_name = store.table();
  scan.consistent_read = true;
  scan_all(store, scan, [&](std::vector<AttributeMap>& items) {
    for (auto& item : items) {
      RowStatus row;
      row.key = detail::string_attribute(item, key_name).value_or("");
      row.lessee = detail::string_attribute(item, n.lessee);
      row.token = detail::number_attribute(item, n.token, row.key).value_or(0);
      if (auto until = detail::number_attribute(item, n.lease_until, row.key)) {
        row.lease_until = detail::from_epoch_ns(*until);
        row.held = row.lessee.has_value() && *until > now;
      }
      for (const auto* name : {&key_name, &n.lessee, &n.lease_until, &n.token, &n.bucket}) item.erase(*name);
      row.attributes = std::move(item);
      rows.push_back(std::move(row));
    }
  });
  std::sort(rows.begin(), rows.end(), [](const RowStatus& a, const RowStatus& b) { return a.key < b.key; });
  return rows;
}

std::size_t Pool::index_rows(const std::function<void(std::size_t)>& progress) {
  auto& store = *impl_->store;
  const auto& n = impl_->options.names;
  const std::string key_name = store.layout().hash_key;
  dynamodb::ScanRequest scan;
  scan.table_name = store.table();
  Expression filter;
  scan.filter_expression = "attribute_not_exists(" + filter.name(n.duration) + ") AND (attribute_not_exists(" +
                           filter.name(n.bucket) + ") OR attribute_not_exists(" + filter.name(n.lease_until) + "))";
  scan.projection_expression = filter.name(key_name);
  std::move(filter).apply_to(scan);
  std::size_t updated = 0;
  scan_all(store, scan, [&](const std::vector<AttributeMap>& items) {
    for (const auto& item : items) {
      auto key = detail::string_attribute(item, key_name);
      if (!key) continue;
      dynamodb::UpdateItemRequest update;
      update.table_name = store.table();
      update.key = item;
      Expression e;
      auto bucket = e.name(n.bucket);
      auto until = e.name(n.lease_until);
      // if_not_exists: a row leased by the original library keeps its LeaseUntil (and its holder).
      update.update_expression = "SET " + bucket + " = if_not_exists(" + bucket + ", " +
                                 e.value(AttributeValue::number(impl_->bucket_of(*key))) + "), " + until +
                                 " = if_not_exists(" + until + ", " + e.value(AttributeValue::number(0)) + ")";
      update.condition_expression = "attribute_exists(" + e.name(key_name) + ")";
      std::move(e).apply_to(update);
      try {
        store.client().update_item(update);
        ++updated;
      } catch (const dynamodb::ConditionalCheckFailed&) {  // deleted meanwhile
      }
      if (progress) progress(updated);
    }
  });
  return updated;
}

}  // namespace lease

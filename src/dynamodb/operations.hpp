#pragma once
// Request and result values of the DynamoDB operations the typed client speaks (JSON protocol,
// API version 2012-08-10). Plain values: no behaviour beyond small helpers, safe to copy between
// threads. Internal header (not installed).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "lease/attribute_value.hpp"

namespace lease::dynamodb {

/// The operations the client sends; indexes `ClientStats::attempts`.
enum class Operation {
  create_table,
  describe_table,
  delete_table,
  update_time_to_live,
  describe_time_to_live,
  get_item,
  put_item,
  update_item,
  delete_item,
  query,
  scan,
  batch_write_item,
};
inline constexpr std::size_t operation_count = 12;

/// The wire name of an operation ("PutItem"), as in `X-Amz-Target: DynamoDB_20120810.PutItem`.
[[nodiscard]] constexpr std::string_view operation_name(Operation op) noexcept {
  switch (op) {
    case Operation::create_table: return "CreateTable";
    case Operation::describe_table: return "DescribeTable";
    case Operation::delete_table: return "DeleteTable";
    case Operation::update_time_to_live: return "UpdateTimeToLive";
    case Operation::describe_time_to_live: return "DescribeTimeToLive";
    case Operation::get_item: return "GetItem";
    case Operation::put_item: return "PutItem";
    case Operation::update_item: return "UpdateItem";
    case Operation::delete_item: return "DeleteItem";
    case Operation::query: return "Query";
    case Operation::scan: return "Scan";
    case Operation::batch_write_item: return "BatchWriteItem";
  }
  return "Unknown";
}

/// `ReturnValues` of PutItem/UpdateItem/DeleteItem (PutItem and DeleteItem accept none/all_old only).
enum class ReturnValues { none, all_old, updated_old, all_new, updated_new };
/// `ReturnValuesOnConditionCheckFailure`: all_old puts the item into ConditionalCheckFailed.
enum class ReturnValuesOnConditionCheckFailure { none, all_old };
/// `ReturnConsumedCapacity`.
enum class ReturnConsumedCapacity { none, total, indexes };
/// `Select` of Query/Scan (count returns no items, only Count/ScannedCount).
enum class Select { default_, all_attributes, all_projected_attributes, specific_attributes, count };
/// Scalar types allowed for key attributes.
enum class ScalarType { string, number, binary };
/// `Projection.ProjectionType` of a secondary index.
enum class ProjectionType { all, keys_only, include };
/// `BillingMode` of a table.
enum class BillingMode { pay_per_request, provisioned };

/// Names and placeholder values shared by every expression of one request.
using ExpressionNames = std::map<std::string, std::string, std::less<>>;

/// A primary key: a partition (hash) attribute and an optional sort (range) attribute.
struct KeySchema {
  std::string hash_key;
  std::optional<std::string> range_key;
  friend bool operator==(const KeySchema&, const KeySchema&) = default;
};

struct AttributeDefinition {
  std::string name;
  ScalarType type = ScalarType::string;
  friend bool operator==(const AttributeDefinition&, const AttributeDefinition&) = default;
};

struct ProvisionedThroughput {
  std::int64_t read_capacity_units = 1;
  std::int64_t write_capacity_units = 1;
  friend bool operator==(const ProvisionedThroughput&, const ProvisionedThroughput&) = default;
};

struct Projection {
  ProjectionType type = ProjectionType::all;
  std::vector<std::string> non_key_attributes;  // only with ProjectionType::include
  friend bool operator==(const Projection&, const Projection&) = default;
};

/// A GSI to create. Without throughput on a provisioned table, the table's throughput is used.
struct GlobalSecondaryIndex {
  std::string name;
  KeySchema key_schema;
  Projection projection;
  std::optional<ProvisionedThroughput> provisioned_throughput;
};

/// Capacity one request consumed (present when ReturnConsumedCapacity was asked for).
struct ConsumedCapacity {
  std::string table_name;
  double capacity_units = 0;
  double read_capacity_units = 0;   // 0 when the service reported only capacity_units
  double write_capacity_units = 0;  // 0 when the service reported only capacity_units
  std::map<std::string, double, std::less<>> global_secondary_indexes;  // index -> capacity units
};

struct GlobalSecondaryIndexDescription {
  std::string name;
  std::string status;  // CREATING, UPDATING, DELETING, ACTIVE
  KeySchema key_schema;
  Projection projection;
  std::int64_t item_count = 0;
};

struct TableDescription {
  std::string table_name;
  std::string table_arn;
  std::string status;  // CREATING, UPDATING, DELETING, ACTIVE, ...
  KeySchema key_schema;
  std::vector<AttributeDefinition> attribute_definitions;
  std::vector<GlobalSecondaryIndexDescription> global_secondary_indexes;
  BillingMode billing_mode = BillingMode::provisioned;  // absent in old responses means provisioned
  std::optional<ProvisionedThroughput> provisioned_throughput;  // empty for on-demand tables
  std::int64_t item_count = 0;
  std::int64_t table_size_bytes = 0;

  /// True when the table and every GSI are ACTIVE.
  [[nodiscard]] bool all_active() const noexcept {
    if (status != "ACTIVE") return false;
    for (const auto& index : global_secondary_indexes) {
      if (index.status != "ACTIVE") return false;
    }
    return true;
  }
};

// ---- table operations -------------------------------------------------------------------------

struct CreateTableRequest {
  std::string table_name;
  KeySchema key_schema;
  std::vector<AttributeDefinition> attribute_definitions;  // every key attribute of table and GSIs
  std::vector<GlobalSecondaryIndex> global_secondary_indexes;
  BillingMode billing_mode = BillingMode::pay_per_request;
  std::optional<ProvisionedThroughput> provisioned_throughput;  // required when provisioned
};
struct CreateTableResult {
  TableDescription table;
};

struct DescribeTableResult {
  TableDescription table;
};

struct TimeToLiveDescription {
  std::string status;          // ENABLING, DISABLING, ENABLED, DISABLED
  std::string attribute_name;  // empty when disabled
};

// ---- item operations --------------------------------------------------------------------------

struct GetItemRequest {
  std::string table_name;
  AttributeMap key;
  bool consistent_read = false;
  std::string projection_expression;
  ExpressionNames expression_attribute_names;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::none;
};
struct GetItemResult {
  std::optional<AttributeMap> item;  // empty when no item has that key
  std::optional<ConsumedCapacity> consumed_capacity;
};

/// Fields shared by the three conditional writes.
struct ConditionalWrite {
  std::string table_name;
  std::string condition_expression;
  ExpressionNames expression_attribute_names;
  AttributeMap expression_attribute_values;
  ReturnValues return_values = ReturnValues::none;
  ReturnValuesOnConditionCheckFailure return_values_on_condition_check_failure =
      ReturnValuesOnConditionCheckFailure::none;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::none;
  // No attempt or retry goes past this; each attempt's timeouts are capped to the time left. Lease
  // renewals set it to the holder's local deadline: past it, the outcome no longer matters.
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

struct PutItemRequest : ConditionalWrite {
  AttributeMap item;
};
struct UpdateItemRequest : ConditionalWrite {
  AttributeMap key;
  std::string update_expression;
};
struct DeleteItemRequest : ConditionalWrite {
  AttributeMap key;
};

/// Result of PutItem, UpdateItem and DeleteItem.
struct WriteItemResult {
  std::optional<AttributeMap> attributes;  // as asked by ReturnValues; empty for NONE
  std::optional<ConsumedCapacity> consumed_capacity;
};
using PutItemResult = WriteItemResult;
using UpdateItemResult = WriteItemResult;
using DeleteItemResult = WriteItemResult;

// ---- reads of many items ----------------------------------------------------------------------

/// Fields shared by Query and Scan.
struct ReadRequest {
  std::string table_name;
  std::string index_name;  // empty: the table itself
  std::string filter_expression;
  std::string projection_expression;
  ExpressionNames expression_attribute_names;
  AttributeMap expression_attribute_values;
  std::optional<std::int32_t> limit;
  std::optional<AttributeMap> exclusive_start_key;
  bool consistent_read = false;
  Select select = Select::default_;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::none;
};

struct QueryRequest : ReadRequest {
  std::string key_condition_expression;
  bool scan_index_forward = true;
};
struct ScanRequest : ReadRequest {
  std::optional<std::int32_t> segment;         // with total_segments: a parallel scan's share
  std::optional<std::int32_t> total_segments;
};

/// One page of a Query or a Scan.
struct ItemPage {
  std::vector<AttributeMap> items;  // empty with Select::count
  std::int64_t count = 0;
  std::int64_t scanned_count = 0;
  std::optional<AttributeMap> last_evaluated_key;  // empty on the last page
  std::optional<ConsumedCapacity> consumed_capacity;
};
using QueryResult = ItemPage;
using ScanResult = ItemPage;

// ---- batch writes -----------------------------------------------------------------------------

struct PutRequest {
  AttributeMap item;
};
struct DeleteRequest {
  AttributeMap key;
};
/// One put or delete of a BatchWriteItem.
struct WriteRequest {
  std::string table_name;
  std::variant<PutRequest, DeleteRequest> request;

  [[nodiscard]] static WriteRequest put(std::string table, AttributeMap item) {
    return {std::move(table), PutRequest{std::move(item)}};
  }
  [[nodiscard]] static WriteRequest remove(std::string table, AttributeMap key) {
    return {std::move(table), DeleteRequest{std::move(key)}};
  }
};

/// Any number of writes: the client sends them 25 (the service's limit) per request.
struct BatchWriteRequest {
  std::vector<WriteRequest> requests;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::none;
};
struct BatchWriteResult {
  std::size_t requests_sent = 0;       // BatchWriteItem calls that succeeded
  std::size_t items_resent = 0;        // writes sent again because they came back unprocessed
  std::vector<ConsumedCapacity> consumed_capacity;
};

/// One BatchWriteItem response, as unmarshalled (the client loops on `unprocessed`).
struct BatchWritePage {
  std::vector<WriteRequest> unprocessed;
  std::vector<ConsumedCapacity> consumed_capacity;
};

}  // namespace lease::dynamodb

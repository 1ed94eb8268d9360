#pragma once
// JSON bodies of the DynamoDB operations (JSON protocol 1.0) and the typed results read back from
// them: one marshal overload and one unmarshal function per operation. Pure functions of their
// arguments, safe to call from any thread.
//
// The marshal functions throw lease::InvalidArgument for requests DynamoDB would reject for sure
// (empty table name, provisioned table without throughput, ...); the unmarshal functions throw
// lease::ProtocolError when a response body has the wrong shape.

#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "dynamodb/operations.hpp"

namespace lease::dynamodb {

// ---- requests ---------------------------------------------------------------------------------

[[nodiscard]] nlohmann::json marshal(const CreateTableRequest& request);
/// `{"TableName": table}`: the whole body of DescribeTable, DeleteTable and DescribeTimeToLive.
[[nodiscard]] nlohmann::json marshal_table_name(std::string_view table);
[[nodiscard]] nlohmann::json marshal_update_time_to_live(std::string_view table, std::string_view attribute,
                                                         bool enabled);
[[nodiscard]] nlohmann::json marshal(const GetItemRequest& request);
[[nodiscard]] nlohmann::json marshal(const PutItemRequest& request);
[[nodiscard]] nlohmann::json marshal(const UpdateItemRequest& request);
[[nodiscard]] nlohmann::json marshal(const DeleteItemRequest& request);
[[nodiscard]] nlohmann::json marshal(const QueryRequest& request);
[[nodiscard]] nlohmann::json marshal(const ScanRequest& request);
/// One BatchWriteItem call (at most 25 writes, grouped by table into RequestItems).
[[nodiscard]] nlohmann::json marshal_batch_write(std::span<const WriteRequest> writes,
                                                 ReturnConsumedCapacity return_consumed_capacity);

// ---- responses --------------------------------------------------------------------------------

/// The `TableDescription` (CreateTable, DeleteTable) or `Table` (DescribeTable) object.
[[nodiscard]] TableDescription unmarshal_table_description(const nlohmann::json& description);
[[nodiscard]] CreateTableResult unmarshal_create_table(const nlohmann::json& body);
[[nodiscard]] DescribeTableResult unmarshal_describe_table(const nlohmann::json& body);
[[nodiscard]] TimeToLiveDescription unmarshal_describe_time_to_live(const nlohmann::json& body);
[[nodiscard]] GetItemResult unmarshal_get_item(const nlohmann::json& body);
/// PutItem, UpdateItem and DeleteItem.
[[nodiscard]] WriteItemResult unmarshal_write_item(const nlohmann::json& body);
/// Query and Scan.
[[nodiscard]] ItemPage unmarshal_item_page(const nlohmann::json& body);
[[nodiscard]] BatchWritePage unmarshal_batch_write(const nlohmann::json& body);

}  // namespace lease::dynamodb

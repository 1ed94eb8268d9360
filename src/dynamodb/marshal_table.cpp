// CreateTable, DescribeTable, DeleteTable, UpdateTimeToLive and DescribeTimeToLive bodies.

#include <string>

#include "dynamodb/marshal.hpp"
#include "dynamodb/marshal_common.hpp"

namespace lease::dynamodb {

using nlohmann::json;
using namespace detail;

namespace {

json throughput_json(const ProvisionedThroughput& throughput) {
  if (throughput.read_capacity_units <= 0 || throughput.write_capacity_units <= 0) {
    throw lease::InvalidArgument("CreateTable: provisioned capacity units must be positive");
  }
  return {{"ReadCapacityUnits", throughput.read_capacity_units},
          {"WriteCapacityUnits", throughput.write_capacity_units}};
}

json index_json(const GlobalSecondaryIndex& index, const CreateTableRequest& table) {
  require_non_empty("CreateTable", "index name", index.name);
  require_non_empty("CreateTable", "index hash key", index.key_schema.hash_key);
  json object = {{"IndexName", index.name},
                 {"KeySchema", key_schema_json(index.key_schema)},
                 {"Projection", projection_json(index.projection)}};
  if (table.billing_mode == BillingMode::provisioned) {
    object["ProvisionedThroughput"] =
        throughput_json(index.provisioned_throughput.value_or(*table.provisioned_throughput));
  }
  return object;
}

}  // namespace

json marshal(const CreateTableRequest& request) {
  require_non_empty("CreateTable", "table name", request.table_name);
  require_non_empty("CreateTable", "hash key", request.key_schema.hash_key);
  json body = {{"TableName", request.table_name}, {"KeySchema", key_schema_json(request.key_schema)}};
  json definitions = json::array();
  for (const auto& definition : request.attribute_definitions) {
    definitions.push_back({{"AttributeName", definition.name}, {"AttributeType", wire_name(definition.type)}});
  }
  body["AttributeDefinitions"] = std::move(definitions);
  if (request.billing_mode == BillingMode::provisioned) {
    if (!request.provisioned_throughput) {
      throw lease::InvalidArgument("CreateTable: a provisioned table needs provisioned_throughput");
    }
    body["BillingMode"] = "PROVISIONED";
    body["ProvisionedThroughput"] = throughput_json(*request.provisioned_throughput);
  } else {
    body["BillingMode"] = "PAY_PER_REQUEST";
  }
  if (!request.global_secondary_indexes.empty()) {
    json indexes = json::array();
    for (const auto& index : request.global_secondary_indexes) indexes.push_back(index_json(index, request));
    body["GlobalSecondaryIndexes"] = std::move(indexes);
  }
  return body;
}

json marshal_table_name(std::string_view table) {
  require_non_empty("DynamoDB", "table name", table);
  return {{"TableName", table}};
}

json marshal_update_time_to_live(std::string_view table, std::string_view attribute, bool enabled) {
  require_non_empty("UpdateTimeToLive", "table name", table);
  require_non_empty("UpdateTimeToLive", "attribute name", attribute);
  return {{"TableName", table},
          {"TimeToLiveSpecification", {{"AttributeName", attribute}, {"Enabled", enabled}}}};
}

TableDescription unmarshal_table_description(const json& description) {
  return read_shape("TableDescription", description, [](const json& object) {
    TableDescription table;
    table.table_name = object.at("TableName").get<std::string>();
    table.table_arn = object.value("TableArn", std::string{});
    table.status = object.at("TableStatus").get<std::string>();
    if (object.contains("KeySchema")) table.key_schema = key_schema_from(object["KeySchema"]);
    for (const auto& definition : object.value("AttributeDefinitions", json::array())) {
      table.attribute_definitions.push_back(
          {definition.at("AttributeName").get<std::string>(),
           scalar_type_from(definition.at("AttributeType").get_ref<const std::string&>())});
    }
    for (const auto& index : object.value("GlobalSecondaryIndexes", json::array())) {
      GlobalSecondaryIndexDescription gsi;
      gsi.name = index.at("IndexName").get<std::string>();
      gsi.status = index.value("IndexStatus", std::string{});
      gsi.key_schema = key_schema_from(index.at("KeySchema"));
      if (index.contains("Projection")) gsi.projection = projection_from(index["Projection"]);
      gsi.item_count = optional_int64(index, "ItemCount", 0);
      table.global_secondary_indexes.push_back(std::move(gsi));
    }
    if (object.contains("BillingModeSummary")) {
      table.billing_mode = object["BillingModeSummary"].value("BillingMode", std::string{}) == "PAY_PER_REQUEST"
                               ? BillingMode::pay_per_request
                               : BillingMode::provisioned;
    }
    if (object.contains("ProvisionedThroughput")) {  // on-demand tables report 0/0: left empty
      const auto& throughput = object["ProvisionedThroughput"];
      const ProvisionedThroughput units{optional_int64(throughput, "ReadCapacityUnits", 0),
                                        optional_int64(throughput, "WriteCapacityUnits", 0)};
      if (units.read_capacity_units > 0 || units.write_capacity_units > 0) table.provisioned_throughput = units;
    }
    table.item_count = optional_int64(object, "ItemCount", 0);
    table.table_size_bytes = optional_int64(object, "TableSizeBytes", 0);
    return table;
  });
}

CreateTableResult unmarshal_create_table(const json& body) {
  return read_shape("CreateTable", body, [](const json& object) {
    return CreateTableResult{unmarshal_table_description(object.at("TableDescription"))};
  });
}

DescribeTableResult unmarshal_describe_table(const json& body) {
  return read_shape("DescribeTable", body, [](const json& object) {
    return DescribeTableResult{unmarshal_table_description(object.at("Table"))};
  });
}

TimeToLiveDescription unmarshal_describe_time_to_live(const json& body) {
  return read_shape("DescribeTimeToLive", body, [](const json& object) {
    const auto& description = object.at("TimeToLiveDescription");
    return TimeToLiveDescription{description.at("TimeToLiveStatus").get<std::string>(),
                                 description.value("AttributeName", std::string{})};
  });
}

}  // namespace lease::dynamodb

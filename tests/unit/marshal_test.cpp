// JSON bodies of each DynamoDB operation, and the typed results read back from responses.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/endpoint.hpp"
#include "dynamodb/marshal.hpp"
#include "lease/error.hpp"

namespace lease::dynamodb {
namespace {

using nlohmann::json;

const json pk_a = {{"pk", {{"S", "a"}}}};

AttributeMap key_a() { return {{"pk", AttributeValue::string("a")}}; }

TEST(MarshalTest, CreateTableOnDemandWithGsi) {
  CreateTableRequest request;
  request.table_name = "t";
  request.key_schema = {"pk", "sk"};
  request.attribute_definitions = {{"pk", ScalarType::string}, {"sk", ScalarType::number}, {"owner", ScalarType::binary}};
  request.global_secondary_indexes.push_back({"byOwner", {"owner", std::nullopt}, {ProjectionType::include, {"x"}}, {}});

  const json body = marshal(request);

  EXPECT_EQ(body["TableName"], "t");
  EXPECT_EQ(body["BillingMode"], "PAY_PER_REQUEST");
  EXPECT_FALSE(body.contains("ProvisionedThroughput"));
  EXPECT_EQ(body["KeySchema"], json::parse(R"([{"AttributeName":"pk","KeyType":"HASH"},
                                                {"AttributeName":"sk","KeyType":"RANGE"}])"));
  EXPECT_EQ(body["AttributeDefinitions"][1], json::parse(R"({"AttributeName":"sk","AttributeType":"N"})"));
  EXPECT_EQ(body["AttributeDefinitions"][2]["AttributeType"], "B");
  const auto& gsi = body["GlobalSecondaryIndexes"][0];
  EXPECT_EQ(gsi["IndexName"], "byOwner");
  EXPECT_EQ(gsi["KeySchema"], json::parse(R"([{"AttributeName":"owner","KeyType":"HASH"}])"));
  EXPECT_EQ(gsi["Projection"], json::parse(R"({"ProjectionType":"INCLUDE","NonKeyAttributes":["x"]})"));
  EXPECT_FALSE(gsi.contains("ProvisionedThroughput"));
}

TEST(MarshalTest, CreateTableProvisionedGivesIndexesThroughput) {
  CreateTableRequest request;
  request.table_name = "t";
  request.key_schema = {"pk", std::nullopt};
  request.attribute_definitions = {{"pk", ScalarType::string}, {"g", ScalarType::string}};
  request.billing_mode = BillingMode::provisioned;
  request.provisioned_throughput = ProvisionedThroughput{5, 7};
  request.global_secondary_indexes.push_back({"g1", {"g", std::nullopt}, {ProjectionType::keys_only, {}}, {}});
  request.global_secondary_indexes.push_back(
      {"g2", {"g", std::nullopt}, {ProjectionType::all, {}}, ProvisionedThroughput{1, 2}});

  const json body = marshal(request);

  EXPECT_EQ(body["BillingMode"], "PROVISIONED");
  EXPECT_EQ(body["ProvisionedThroughput"], json::parse(R"({"ReadCapacityUnits":5,"WriteCapacityUnits":7})"));
  EXPECT_EQ(body["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["ReadCapacityUnits"], 5);
  EXPECT_EQ(body["GlobalSecondaryIndexes"][0]["Projection"]["ProjectionType"], "KEYS_ONLY");
  EXPECT_EQ(body["GlobalSecondaryIndexes"][1]["ProvisionedThroughput"]["WriteCapacityUnits"], 2);

  request.provisioned_throughput.reset();
  EXPECT_THROW((void)marshal(request), lease::InvalidArgument);
}

TEST(MarshalTest, TableNameAndTimeToLive) {
  EXPECT_EQ(marshal_table_name("t"), json::parse(R"({"TableName":"t"})"));
  EXPECT_THROW((void)marshal_table_name(""), lease::InvalidArgument);
  EXPECT_EQ(marshal_update_time_to_live("t", "expires", true),
            json::parse(R"({"TableName":"t","TimeToLiveSpecification":{"AttributeName":"expires","Enabled":true}})"));
}

TEST(MarshalTest, GetItem) {
  GetItemRequest request;
  request.table_name = "t";
  request.key = key_a();
  EXPECT_EQ(marshal(request), json::parse(R"({"TableName":"t","Key":{"pk":{"S":"a"}}})"));

  request.consistent_read = true;
  request.projection_expression = "#o";
  request.expression_attribute_names = {{"#o", "owner"}};
  request.return_consumed_capacity = ReturnConsumedCapacity::total;
  const json body = marshal(request);
  EXPECT_EQ(body["ConsistentRead"], true);
  EXPECT_EQ(body["ProjectionExpression"], "#o");
  EXPECT_EQ(body["ExpressionAttributeNames"], json::parse(R"({"#o":"owner"})"));
  EXPECT_EQ(body["ReturnConsumedCapacity"], "TOTAL");

  request.key.clear();
  EXPECT_THROW((void)marshal(request), lease::InvalidArgument);
}

TEST(MarshalTest, PutItemWithCondition) {
  PutItemRequest request;
  request.table_name = "t";
  request.item = {{"pk", AttributeValue::string("a")}, {"n", AttributeValue::number(3)}};
  request.condition_expression = "attribute_not_exists(pk) OR #n < :n";
  request.expression_attribute_names = {{"#n", "n"}};
  request.expression_attribute_values = {{":n", AttributeValue::number(3)}};
  request.return_values = ReturnValues::all_old;
  request.return_values_on_condition_check_failure = ReturnValuesOnConditionCheckFailure::all_old;
  request.return_consumed_capacity = ReturnConsumedCapacity::indexes;

  const json body = marshal(request);

  EXPECT_EQ(body["TableName"], "t");
  EXPECT_EQ(body["Item"], json::parse(R"({"pk":{"S":"a"},"n":{"N":"3"}})"));
  EXPECT_EQ(body["ConditionExpression"], "attribute_not_exists(pk) OR #n < :n");
  EXPECT_EQ(body["ExpressionAttributeValues"], json::parse(R"({":n":{"N":"3"}})"));
  EXPECT_EQ(body["ReturnValues"], "ALL_OLD");
  EXPECT_EQ(body["ReturnValuesOnConditionCheckFailure"], "ALL_OLD");
  EXPECT_EQ(body["ReturnConsumedCapacity"], "INDEXES");
}

TEST(MarshalTest, UpdateItemAndDeleteItem) {
  UpdateItemRequest update;
  update.table_name = "t";
  update.key = key_a();
  update.update_expression = "SET #n = #n + :one";
  update.expression_attribute_names = {{"#n", "n"}};
  update.expression_attribute_values = {{":one", AttributeValue::number(1)}};
  update.return_values = ReturnValues::updated_new;

  const json body = marshal(update);
  EXPECT_EQ(body["Key"], pk_a);
  EXPECT_EQ(body["UpdateExpression"], "SET #n = #n + :one");
  EXPECT_EQ(body["ReturnValues"], "UPDATED_NEW");
  EXPECT_FALSE(body.contains("ConditionExpression"));
  EXPECT_FALSE(body.contains("ReturnValuesOnConditionCheckFailure"));
  EXPECT_FALSE(body.contains("ReturnConsumedCapacity"));

  DeleteItemRequest remove;
  remove.table_name = "t";
  remove.key = key_a();
  remove.condition_expression = "attribute_exists(pk)";
  EXPECT_EQ(marshal(remove),
            json::parse(R"j({"TableName":"t","Key":{"pk":{"S":"a"}},"ConditionExpression":"attribute_exists(pk)"})j"));
}

TEST(MarshalTest, QueryOnAnIndex) {
  QueryRequest request;
  request.table_name = "t";
  request.index_name = "byOwner";
  request.key_condition_expression = "owner = :o";
  request.filter_expression = "n > :n";
  request.expression_attribute_values = {{":o", AttributeValue::string("me")}, {":n", AttributeValue::number(1)}};
  request.limit = 10;
  request.scan_index_forward = false;
  request.exclusive_start_key = key_a();
  request.select = Select::count;

  const json body = marshal(request);

  EXPECT_EQ(body["IndexName"], "byOwner");
  EXPECT_EQ(body["KeyConditionExpression"], "owner = :o");
  EXPECT_EQ(body["FilterExpression"], "n > :n");
  EXPECT_EQ(body["Limit"], 10);
  EXPECT_EQ(body["ScanIndexForward"], false);
  EXPECT_EQ(body["ExclusiveStartKey"], pk_a);
  EXPECT_EQ(body["Select"], "COUNT");
  EXPECT_FALSE(body.contains("ConsistentRead"));

  request.key_condition_expression.clear();
  EXPECT_THROW((void)marshal(request), lease::InvalidArgument);
}

TEST(MarshalTest, ParallelScanSegment) {
  ScanRequest request;
  request.table_name = "t";
  request.segment = 2;
  request.total_segments = 4;
  request.consistent_read = true;
  request.projection_expression = "pk";

  const json body = marshal(request);

  EXPECT_EQ(body, json::parse(R"({"TableName":"t","Segment":2,"TotalSegments":4,"ConsistentRead":true,
                                  "ProjectionExpression":"pk"})"));
  request.segment = 4;
  EXPECT_THROW((void)marshal(request), lease::InvalidArgument);
  request.total_segments.reset();
  EXPECT_THROW((void)marshal(request), lease::InvalidArgument);
}

TEST(MarshalTest, BatchWriteGroupsByTable) {
  const std::vector<WriteRequest> writes = {WriteRequest::put("a", key_a()), WriteRequest::remove("b", key_a()),
                                            WriteRequest::put("a", {{"pk", AttributeValue::string("b")}})};

  const json body = marshal_batch_write(writes, ReturnConsumedCapacity::total);

  EXPECT_EQ(body["RequestItems"]["a"].size(), 2U);
  EXPECT_EQ(body["RequestItems"]["a"][1]["PutRequest"]["Item"]["pk"]["S"], "b");
  EXPECT_EQ(body["RequestItems"]["b"][0], json::parse(R"({"DeleteRequest":{"Key":{"pk":{"S":"a"}}}})"));
  EXPECT_EQ(body["ReturnConsumedCapacity"], "TOTAL");
  EXPECT_THROW((void)marshal_batch_write({}, ReturnConsumedCapacity::none), lease::InvalidArgument);
  const std::vector<WriteRequest> too_many(26, WriteRequest::put("a", key_a()));
  EXPECT_THROW((void)marshal_batch_write(too_many, ReturnConsumedCapacity::none), lease::InvalidArgument);
}

TEST(UnmarshalTest, DescribeTable) {
  const auto result = unmarshal_describe_table(json::parse(R"({"Table":{
      "TableName":"t","TableStatus":"ACTIVE","ItemCount":3,"TableSizeBytes":99,
      "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
      "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],
      "BillingModeSummary":{"BillingMode":"PAY_PER_REQUEST"},
      "ProvisionedThroughput":{"ReadCapacityUnits":0,"WriteCapacityUnits":0},
      "GlobalSecondaryIndexes":[{"IndexName":"g","IndexStatus":"CREATING","ItemCount":1,
        "KeySchema":[{"AttributeName":"sk","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}]}})"));

  const auto& table = result.table;
  EXPECT_EQ(table.table_name, "t");
  EXPECT_EQ(table.status, "ACTIVE");
  EXPECT_EQ(table.item_count, 3);
  EXPECT_EQ(table.key_schema, (KeySchema{"pk", "sk"}));
  EXPECT_EQ(table.attribute_definitions[1], (AttributeDefinition{"sk", ScalarType::number}));
  EXPECT_EQ(table.billing_mode, BillingMode::pay_per_request);
  EXPECT_FALSE(table.provisioned_throughput.has_value());
  ASSERT_EQ(table.global_secondary_indexes.size(), 1U);
  EXPECT_EQ(table.global_secondary_indexes[0].status, "CREATING");
  EXPECT_EQ(table.global_secondary_indexes[0].projection.type, ProjectionType::keys_only);
  EXPECT_FALSE(table.all_active());

  EXPECT_THROW((void)unmarshal_describe_table(json::parse(R"({"Table":{"TableName":"t"}})")), lease::ProtocolError);
  EXPECT_THROW((void)unmarshal_describe_table(json::array()), lease::ProtocolError);
}

TEST(UnmarshalTest, ItemPageAndCapacity) {
  const auto page = unmarshal_item_page(json::parse(R"({"Items":[{"pk":{"S":"a"}},{"pk":{"S":"b"}}],
      "Count":2,"ScannedCount":5,"LastEvaluatedKey":{"pk":{"S":"b"}},
      "ConsumedCapacity":{"TableName":"t","CapacityUnits":1.5,"GlobalSecondaryIndexes":{"g":{"CapacityUnits":0.5}}}})"));

  ASSERT_EQ(page.items.size(), 2U);
  EXPECT_EQ(page.items[1].at("pk").as_string(), "b");
  EXPECT_EQ(page.count, 2);
  EXPECT_EQ(page.scanned_count, 5);
  ASSERT_TRUE(page.last_evaluated_key.has_value());
  EXPECT_EQ(page.last_evaluated_key->at("pk").as_string(), "b");
  ASSERT_TRUE(page.consumed_capacity.has_value());
  EXPECT_EQ(page.consumed_capacity->capacity_units, 1.5);
  EXPECT_EQ(page.consumed_capacity->global_secondary_indexes.at("g"), 0.5);

  const auto last = unmarshal_item_page(json::parse(R"({"Count":0,"ScannedCount":0})"));
  EXPECT_TRUE(last.items.empty());
  EXPECT_FALSE(last.last_evaluated_key.has_value());
  EXPECT_THROW((void)unmarshal_item_page(json::parse(R"({"Items":{}})")), lease::ProtocolError);
}

TEST(UnmarshalTest, WriteItemAndBatchWrite) {
  const auto written = unmarshal_write_item(json::parse(R"({"Attributes":{"pk":{"S":"a"},"n":{"N":"2"}}})"));
  ASSERT_TRUE(written.attributes.has_value());
  EXPECT_EQ(written.attributes->at("n").as_int64(), 2);
  EXPECT_FALSE(unmarshal_write_item(json::object()).attributes.has_value());

  const auto batch = unmarshal_batch_write(json::parse(R"({"UnprocessedItems":{"t":[
      {"PutRequest":{"Item":{"pk":{"S":"a"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"b"}}}}]}})"));
  ASSERT_EQ(batch.unprocessed.size(), 2U);
  EXPECT_EQ(batch.unprocessed[0].table_name, "t");
  EXPECT_TRUE(std::holds_alternative<PutRequest>(batch.unprocessed[0].request));
  EXPECT_EQ(std::get<DeleteRequest>(batch.unprocessed[1].request).key.at("pk").as_string(), "b");
}

TEST(EndpointTest, SplitsUrlAndHost) {
  const auto local = aws::parse_endpoint("http://127.0.0.1:8000/");
  EXPECT_EQ(local.url, "http://127.0.0.1:8000");
  EXPECT_EQ(local.host, "127.0.0.1:8000");
  const auto aws = aws::parse_endpoint("https://dynamodb.us-east-1.amazonaws.com");
  EXPECT_EQ(aws.url, "https://dynamodb.us-east-1.amazonaws.com");
  EXPECT_EQ(aws.host, "dynamodb.us-east-1.amazonaws.com");
  EXPECT_THROW((void)aws::parse_endpoint("ftp://x"), lease::ConfigurationError);
  EXPECT_THROW((void)aws::parse_endpoint("http://x/path"), lease::ConfigurationError);
  EXPECT_THROW((void)aws::parse_endpoint("not a url"), lease::ConfigurationError);
}

}  // namespace
}  // namespace lease::dynamodb

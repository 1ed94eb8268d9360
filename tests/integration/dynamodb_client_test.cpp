// dynamodb::Client against DynamoDB Local over real HTTP; each test in its own table.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "aws/curl_transport.hpp"
#include "dynamodb/client.hpp"
#include "dynamodb/errors.hpp"
#include "lease/error.hpp"
#include "support/ddb_local.hpp"

namespace lease::dynamodb {
namespace {

using std::chrono::seconds;

AttributeValue str(std::string text) { return AttributeValue::string(std::move(text)); }
AttributeValue num(std::int64_t value) { return AttributeValue::number(value); }

lease::ClientOptions local_options() {
  lease::ClientOptions options;
  options.endpoint_url = lease::testing::ddb_endpoint();
  options.region = "us-east-1";
  options.credentials = lease::StaticCredentials{"AKIDEXAMPLE", "secret", ""};
  return options;
}

class ClientIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override { client_ = std::make_unique<Client>(local_options()); }

  void TearDown() override {
    for (const auto& table : tables_) {
      try {
        client_->delete_table(table);
      } catch (const lease::Error& e) {
        ADD_FAILURE() << "could not delete " << table << ": " << e.what();
      }
    }
  }

  /// A new table (pk S [, sk N]) with, when asked, GSI "byOwner" (owner S, n N); waits until ACTIVE.
  std::string create_table(bool with_range_key, bool with_index) {
    CreateTableRequest request;
    request.table_name = lease::testing::unique_table_name("client");
    request.key_schema = {"pk", with_range_key ? std::optional<std::string>("sk") : std::nullopt};
    request.attribute_definitions = {{"pk", ScalarType::string}};
    if (with_range_key) request.attribute_definitions.push_back({"sk", ScalarType::number});
    if (with_index) {
      request.attribute_definitions.push_back({"owner", ScalarType::string});
      request.attribute_definitions.push_back({"n", ScalarType::number});
      request.global_secondary_indexes.push_back({"byOwner", {"owner", "n"}, {ProjectionType::all, {}}, {}});
    }
    const auto created = client_->create_table(request);
    tables_.push_back(request.table_name);
    EXPECT_EQ(created.table.table_name, request.table_name);
    (void)client_->wait_until_active(request.table_name, seconds{60});
    return request.table_name;
  }

  void put(const std::string& table, AttributeMap item) {
    PutItemRequest request;
    request.table_name = table;
    request.item = std::move(item);
    (void)client_->put_item(request);
  }

  /// Every item of a scan of `table` (or of one segment), following LastEvaluatedKey.
  std::vector<AttributeMap> scan_all(ScanRequest request, int* pages = nullptr) {
    std::vector<AttributeMap> items;
    do {
      auto page = client_->scan(request);
      if (pages != nullptr) ++*pages;
      for (auto& item : page.items) items.push_back(std::move(item));
      request.exclusive_start_key = std::move(page.last_evaluated_key);
    } while (request.exclusive_start_key);
    return items;
  }

  /// Loads `rows` items {pk: "row-<i>", payload: <bytes of filler>} with BatchWriteItem.
  BatchWriteResult load_rows(const std::string& table, int rows, std::size_t bytes) {
    BatchWriteRequest batch;
    for (int i = 0; i < rows; ++i) {
      batch.requests.push_back(WriteRequest::put(
          table, {{"pk", str("row-" + std::to_string(i))}, {"payload", str(std::string(bytes, 'x'))}}));
    }
    return client_->batch_write_item(std::move(batch));
  }

  std::unique_ptr<Client> client_;
  std::vector<std::string> tables_;
};

std::set<std::string> keys_of(const std::vector<AttributeMap>& items) {
  std::set<std::string> keys;
  for (const auto& item : items) keys.insert(item.at("pk").as_string());
  return keys;
}

TEST_F(ClientIntegrationTest, CreatesATableWithAGsiAndWaitsUntilActive) {
  CreateTableRequest request;
  request.table_name = lease::testing::unique_table_name("client");
  request.key_schema = {"pk", std::nullopt};
  request.attribute_definitions = {{"pk", ScalarType::string}, {"owner", ScalarType::string}};
  request.global_secondary_indexes.push_back({"byOwner", {"owner", std::nullopt}, {ProjectionType::keys_only, {}}, {}});
  (void)client_->create_table(request);
  tables_.push_back(request.table_name);
  std::vector<std::string> statuses;

  const auto table = client_->wait_until_active(request.table_name, seconds{60},
                                                [&](std::string_view status) { statuses.emplace_back(status); });

  EXPECT_TRUE(table.all_active());
  ASSERT_FALSE(statuses.empty());
  EXPECT_EQ(statuses.back(), "ACTIVE");
  const auto described = client_->describe_table(request.table_name).table;
  EXPECT_EQ(described.status, "ACTIVE");
  EXPECT_EQ(described.key_schema, (KeySchema{"pk", std::nullopt}));
  EXPECT_THAT(described.attribute_definitions,
              ::testing::UnorderedElementsAre(AttributeDefinition{"pk", ScalarType::string},
                                              AttributeDefinition{"owner", ScalarType::string}));
  ASSERT_EQ(described.global_secondary_indexes.size(), 1U);
  EXPECT_EQ(described.global_secondary_indexes[0].name, "byOwner");
  EXPECT_EQ(described.global_secondary_indexes[0].status, "ACTIVE");
  EXPECT_EQ(described.global_secondary_indexes[0].key_schema.hash_key, "owner");
  EXPECT_EQ(described.global_secondary_indexes[0].projection.type, ProjectionType::keys_only);
  EXPECT_EQ(described.item_count, 0);
}

TEST_F(ClientIntegrationTest, CreatesAProvisionedTable) {
  CreateTableRequest request;
  request.table_name = lease::testing::unique_table_name("client");
  request.key_schema = {"pk", "sk"};
  request.attribute_definitions = {{"pk", ScalarType::string}, {"sk", ScalarType::binary}, {"g", ScalarType::number}};
  request.billing_mode = BillingMode::provisioned;
  request.provisioned_throughput = ProvisionedThroughput{2, 3};
  request.global_secondary_indexes.push_back({"byG", {"g", std::nullopt}, {ProjectionType::include, {"x"}}, {}});
  (void)client_->create_table(request);
  tables_.push_back(request.table_name);

  const auto table = client_->wait_until_active(request.table_name, seconds{60});

  EXPECT_EQ(table.billing_mode, BillingMode::provisioned);
  EXPECT_EQ(table.provisioned_throughput, (ProvisionedThroughput{2, 3}));
  EXPECT_EQ(table.key_schema, (KeySchema{"pk", "sk"}));
  ASSERT_EQ(table.global_secondary_indexes.size(), 1U);
  EXPECT_EQ(table.global_secondary_indexes[0].projection, (Projection{ProjectionType::include, {"x"}}));
}

TEST_F(ClientIntegrationTest, PutGetUpdateDelete) {
  const auto table = create_table(false, false);
  put(table, {{"pk", str("a")}, {"n", num(1)}, {"owner", str("me")}});

  GetItemRequest get;
  get.table_name = table;
  get.key = {{"pk", str("a")}};
  get.consistent_read = true;
  const auto got = client_->get_item(get);
  ASSERT_TRUE(got.item.has_value());
  EXPECT_EQ(got.item->at("owner").as_string(), "me");

  UpdateItemRequest update;
  update.table_name = table;
  update.key = {{"pk", str("a")}};
  update.update_expression = "SET #n = #n + :one";
  update.condition_expression = "#o = :me";
  update.expression_attribute_names = {{"#n", "n"}, {"#o", "owner"}};
  update.expression_attribute_values = {{":one", num(1)}, {":me", str("me")}};
  update.return_values = ReturnValues::updated_new;
  const auto updated = client_->update_item(update);
  ASSERT_TRUE(updated.attributes.has_value());
  EXPECT_EQ(updated.attributes->at("n").as_int64(), 2);
  EXPECT_EQ(updated.attributes->count("owner"), 0U);  // UPDATED_NEW: only what changed

  get.projection_expression = "#n";
  get.expression_attribute_names = {{"#n", "n"}};
  const auto projected = client_->get_item(get);
  ASSERT_TRUE(projected.item.has_value());
  EXPECT_EQ(projected.item->size(), 1U);
  EXPECT_EQ(projected.item->at("n").as_int64(), 2);

  DeleteItemRequest remove;
  remove.table_name = table;
  remove.key = {{"pk", str("a")}};
  remove.return_values = ReturnValues::all_old;
  const auto removed = client_->delete_item(remove);
  ASSERT_TRUE(removed.attributes.has_value());
  EXPECT_EQ(removed.attributes->at("owner").as_string(), "me");

  get.projection_expression.clear();
  get.expression_attribute_names.clear();
  EXPECT_FALSE(client_->get_item(get).item.has_value());
}

TEST_F(ClientIntegrationTest, FailedConditionReturnsTheOldItemWhenAsked) {
  const auto table = create_table(false, false);
  put(table, {{"pk", str("a")}, {"owner", str("first")}});
  PutItemRequest steal;
  steal.table_name = table;
  steal.item = {{"pk", str("a")}, {"owner", str("second")}};
  steal.condition_expression = "attribute_not_exists(pk)";

  try {
    (void)client_->put_item(steal);
    FAIL() << "expected ConditionalCheckFailed";
  } catch (const ConditionalCheckFailed& e) {
    EXPECT_FALSE(e.item().has_value());
  }

  steal.return_values_on_condition_check_failure = ReturnValuesOnConditionCheckFailure::all_old;
  try {
    (void)client_->put_item(steal);
    FAIL() << "expected ConditionalCheckFailed";
  } catch (const ConditionalCheckFailed& e) {
    ASSERT_TRUE(e.item().has_value());
    EXPECT_EQ(e.item()->at("owner").as_string(), "first");
    EXPECT_EQ(e.code(), "ConditionalCheckFailedException");
  }
  EXPECT_EQ(client_->stats().retries, 0U);
}

TEST_F(ClientIntegrationTest, QueriesAGsiPageByPage) {
  const auto table = create_table(true, true);
  for (int i = 0; i < 23; ++i) {
    put(table, {{"pk", str("p" + std::to_string(i))}, {"sk", num(0)}, {"owner", str("o1")}, {"n", num(i)}});
  }
  put(table, {{"pk", str("other")}, {"sk", num(0)}, {"owner", str("o2")}, {"n", num(5)}});

  QueryRequest query;
  query.table_name = table;
  query.index_name = "byOwner";
  query.key_condition_expression = "#o = :o AND #n >= :min";
  query.expression_attribute_names = {{"#o", "owner"}, {"#n", "n"}};
  query.expression_attribute_values = {{":o", str("o1")}, {":min", num(3)}};
  query.limit = 6;
  query.scan_index_forward = false;
  std::vector<std::int64_t> seen;
  int pages = 0;
  do {
    auto page = client_->query(query);
    ++pages;
    EXPECT_LE(page.items.size(), 6U);
    for (const auto& item : page.items) seen.push_back(item.at("n").as_int64());
    query.exclusive_start_key = page.last_evaluated_key;
  } while (query.exclusive_start_key);

  std::vector<std::int64_t> expected;
  for (int i = 22; i >= 3; --i) expected.push_back(i);
  EXPECT_EQ(seen, expected);  // 20 items, descending by the index's range key
  EXPECT_GE(pages, 4);

  query.limit.reset();
  query.select = Select::count;
  const auto counted = client_->query(query);
  EXPECT_EQ(counted.count, 20);
  EXPECT_TRUE(counted.items.empty());
}

TEST_F(ClientIntegrationTest, ScansMoreThanOneMegabyteSequentiallyAndInParallel) {
  const auto table = create_table(false, false);
  constexpr int rows = 3000;
  (void)load_rows(table, rows, 1000);

  ScanRequest scan;
  scan.table_name = table;
  int pages = 0;
  const auto sequential = scan_all(scan, &pages);
  EXPECT_EQ(sequential.size(), static_cast<std::size_t>(rows));
  EXPECT_EQ(keys_of(sequential).size(), static_cast<std::size_t>(rows));
  EXPECT_GE(pages, 3);  // a page stops at 1 MB

  constexpr int segments = 4;
  std::vector<std::vector<AttributeMap>> parts(segments);
  std::vector<std::string> errors(segments);
  std::vector<std::thread> threads;
  for (int segment = 0; segment < segments; ++segment) {
    threads.emplace_back([&, segment] {
      ScanRequest part = scan;
      part.segment = segment;
      part.total_segments = segments;
      try {
        parts[segment] = scan_all(part);
      } catch (const lease::Error& e) {
        errors[segment] = e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::size_t total = 0;
  std::set<std::string> keys;
  for (int segment = 0; segment < segments; ++segment) {
    EXPECT_EQ(errors[segment], "") << "segment " << segment;
    total += parts[segment].size();
    const auto segment_keys = keys_of(parts[segment]);
    keys.insert(segment_keys.begin(), segment_keys.end());
  }
  EXPECT_EQ(total, static_cast<std::size_t>(rows));  // no row twice
  EXPECT_EQ(keys, keys_of(sequential));              // every row once
}

TEST_F(ClientIntegrationTest, BatchWritesFiveHundredRows) {
  const auto table = create_table(false, false);

  const auto result = load_rows(table, 500, 100);

  EXPECT_GE(result.requests_sent, 20U);
  ScanRequest count;
  count.table_name = table;
  count.select = Select::count;
  std::int64_t total = 0;
  do {
    const auto page = client_->scan(count);
    total += page.count;
    count.exclusive_start_key = page.last_evaluated_key;
  } while (count.exclusive_start_key);
  EXPECT_EQ(total, 500);

  BatchWriteRequest removal;
  for (int i = 0; i < 500; i += 2) {
    removal.requests.push_back(WriteRequest::remove(table, {{"pk", str("row-" + std::to_string(i))}}));
  }
  (void)client_->batch_write_item(std::move(removal));
  ScanRequest scan;
  scan.table_name = table;
  const auto left = scan_all(scan);
  EXPECT_EQ(left.size(), 250U);
  for (const auto& item : left) {
    const int index = std::stoi(item.at("pk").as_string().substr(4));
    EXPECT_EQ(index % 2, 1) << item.at("pk").as_string();
  }
}

TEST_F(ClientIntegrationTest, MissingTableIsResourceNotFound) {
  const auto missing = lease::testing::unique_table_name("missing");
  GetItemRequest get;
  get.table_name = missing;
  get.key = {{"pk", str("a")}};

  EXPECT_THROW((void)client_->get_item(get), lease::ResourceNotFound);
  EXPECT_THROW((void)client_->describe_table(missing), lease::ResourceNotFound);
  EXPECT_EQ(client_->stats().retries, 0U);
}

TEST_F(ClientIntegrationTest, EnablesTimeToLive) {
  const auto table = create_table(false, false);

  client_->update_time_to_live(table, "expires", true);

  const auto ttl = client_->describe_time_to_live(table);
  EXPECT_EQ(ttl.status, "ENABLED");
  EXPECT_EQ(ttl.attribute_name, "expires");
}

TEST_F(ClientIntegrationTest, SequentialRequestsReuseOneConnection) {
  const auto table = create_table(false, false);
  put(table, {{"pk", str("a")}});
  auto transport = std::make_shared<aws::CurlTransport>(aws::TransportOptions{});
  const auto options = local_options();
  aws::ResolvedConfig config;
  config.endpoint = options.endpoint_url;
  config.region = options.region;
  config.credentials = aws::Credentials{"AKIDEXAMPLE", "secret", ""};
  Client client(config, transport, lease::RetryOptions{}, {});

  GetItemRequest get;
  get.table_name = table;
  get.key = {{"pk", str("a")}};
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(client.get_item(get).item.has_value());

  EXPECT_EQ(transport->stats().requests, 100U);
  EXPECT_EQ(transport->stats().connections_opened, 1U);
  EXPECT_EQ(client.stats().attempts_of(Operation::get_item), 100U);
  EXPECT_EQ(client.stats().connections_opened, 1U);
}

}  // namespace
}  // namespace lease::dynamodb

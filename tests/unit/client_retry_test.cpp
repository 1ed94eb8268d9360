// dynamodb::Client against a scripted in-memory transport: signing, retries, typed errors, stats.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/http.hpp"
#include "dynamodb/client.hpp"
#include "dynamodb/errors.hpp"
#include "lease/error.hpp"
#include "support/fake_transport.hpp"

namespace lease::dynamodb {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr const char* session_token = "FwoGZXIvYXdzEXAMPLETOKEN";

/// Queues a 200 (or other status) response carrying `body`.
void respond(testing::FakeTransport& transport, json body, long status = 200) {
  transport.then_respond(testing::json_response(status, body.dump()));
}

/// Queues a DynamoDB error `code`, with `extra` members in its body (e.g. the ALL_OLD "Item").
void respond_error(testing::FakeTransport& transport, long status, const std::string& code,
                   json extra = json::object()) {
  extra["__type"] = "com.amazonaws.dynamodb.v20120810#" + code;
  extra["message"] = "scripted " + code;
  respond(transport, std::move(extra), status);
}

std::string header(const aws::HttpRequest& request, std::string_view name) {
  for (const auto& h : request.headers) {
    if (h.name == name) return h.value;
  }
  return "<absent>";
}

class ClientRetryTest : public ::testing::Test {
 protected:
  Client make_client(int max_attempts = 4) {
    aws::ResolvedConfig config;
    config.endpoint = "http://127.0.0.1:8000";
    config.region = "us-east-1";
    config.credentials = aws::Credentials{"AKIDEXAMPLE", secret_key, session_token};
    lease::RetryOptions retry;
    retry.max_attempts = max_attempts;
    retry.base_delay = std::chrono::milliseconds{1};
    retry.max_delay = std::chrono::milliseconds{2};
    retry.max_total = std::chrono::seconds{30};
    return Client(config, transport_, retry,
                  [this](lease::LogLevel level, std::string_view message) {
                    std::lock_guard lock(log_mutex_);
                    logs_.emplace_back(std::string(lease::to_string(level)) + ": " + std::string(message));
                  },
                  [this] { return clock_ += std::chrono::seconds{1}; });
  }

  static GetItemRequest get_request() {
    GetItemRequest request;
    request.table_name = "t";
    request.key = {{"pk", AttributeValue::string("a")}};
    return request;
  }

  std::vector<std::string> logs() {
    std::lock_guard lock(log_mutex_);
    return logs_;
  }

  std::shared_ptr<testing::FakeTransport> transport_ = std::make_shared<testing::FakeTransport>();
  std::chrono::system_clock::time_point clock_ = std::chrono::sys_days{std::chrono::year{2024} / 1 / 2};
  std::mutex log_mutex_;
  std::vector<std::string> logs_;
};

TEST_F(ClientRetryTest, ThrottlingThenSuccessIsRetriedAndLoggedWithoutSecrets) {
  auto client = make_client();
  respond_error(*transport_, 400, "ProvisionedThroughputExceededException");
  respond(*transport_, {{"Item", {{"pk", {{"S", "a"}}}, {"n", {{"N", "7"}}}}}});

  const auto result = client.get_item(get_request());

  ASSERT_TRUE(result.item.has_value());
  EXPECT_EQ(result.item->at("n").as_int64(), 7);
  EXPECT_EQ(transport_->requests().size(), 2U);
  EXPECT_EQ(client.stats().attempts_of(Operation::get_item), 2U);
  EXPECT_EQ(client.stats().retries, 1U);
  const auto lines = logs();
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_THAT(lines[0], StartsWith("warn: "));
  EXPECT_THAT(lines[0], HasSubstr("GetItem"));
  EXPECT_THAT(lines[0], HasSubstr("ProvisionedThroughputExceededException"));
  EXPECT_THAT(lines[0], HasSubstr("attempt 1"));
  EXPECT_THAT(lines[0], Not(HasSubstr(secret_key)));
  EXPECT_THAT(lines[0], Not(HasSubstr(session_token)));
  EXPECT_THAT(lines[0], Not(HasSubstr("Signature")));
}

TEST_F(ClientRetryTest, ServerErrorIsRetried) {
  auto client = make_client();
  respond_error(*transport_, 500, "InternalServerError");
  respond(*transport_, json::object());

  const auto result = client.get_item(get_request());

  EXPECT_FALSE(result.item.has_value());
  EXPECT_EQ(transport_->requests().size(), 2U);
}

TEST_F(ClientRetryTest, TransportErrorIsRetried) {
  auto client = make_client();
  transport_->then_fail("reset");
  respond(*transport_, json::object());

  (void)client.get_item(get_request());

  EXPECT_EQ(transport_->requests().size(), 2U);
}

TEST_F(ClientRetryTest, ConditionalCheckFailedIsNotRetriedAndCarriesTheOldItem) {
  auto client = make_client();
  respond_error(*transport_, 400, "ConditionalCheckFailedException",
                         {{"Item", {{"pk", {{"S", "a"}}}, {"owner", {{"S", "other"}}}}}});
  PutItemRequest request;
  request.table_name = "t";
  request.item = {{"pk", AttributeValue::string("a")}, {"owner", AttributeValue::string("me")}};
  request.condition_expression = "attribute_not_exists(pk)";
  request.return_values_on_condition_check_failure = ReturnValuesOnConditionCheckFailure::all_old;

  try {
    (void)client.put_item(request);
    FAIL() << "expected ConditionalCheckFailed";
  } catch (const ConditionalCheckFailed& e) {
    ASSERT_TRUE(e.item().has_value());
    EXPECT_EQ(e.item()->at("owner").as_string(), "other");
    EXPECT_FALSE(e.retryable());
  }
  ASSERT_EQ(transport_->requests().size(), 1U);
  EXPECT_EQ(json::parse(transport_->requests()[0].body).at("ReturnValuesOnConditionCheckFailure"), "ALL_OLD");
  EXPECT_TRUE(logs().empty());
}

TEST_F(ClientRetryTest, AttemptsAreBounded) {
  auto client = make_client(3);
  for (int i = 0; i < 3; ++i) respond_error(*transport_, 503, "ServiceUnavailable");

  EXPECT_THROW((void)client.get_item(get_request()), lease::ServiceError);

  EXPECT_EQ(transport_->requests().size(), 3U);
  EXPECT_EQ(client.stats().retries, 2U);
  EXPECT_EQ(logs().size(), 2U);
}

TEST_F(ClientRetryTest, ValidationErrorIsNotRetried) {
  auto client = make_client();
  respond_error(*transport_, 400, "ValidationException");

  EXPECT_THROW((void)client.get_item(get_request()), lease::ValidationError);
  EXPECT_EQ(transport_->requests().size(), 1U);
}

TEST_F(ClientRetryTest, MissingTableIsResourceNotFound) {
  auto client = make_client();
  respond_error(*transport_, 400, "ResourceNotFoundException");

  EXPECT_THROW((void)client.describe_table("nope"), lease::ResourceNotFound);
  EXPECT_EQ(transport_->requests().size(), 1U);
}

TEST_F(ClientRetryTest, EveryAttemptIsSignedAfresh) {
  auto client = make_client();
  respond_error(*transport_, 400, "ThrottlingException");
  respond(*transport_, json::object());

  (void)client.get_item(get_request());

  const auto requests = transport_->requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(transport_->endpoints()[0], "http://127.0.0.1:8000");
  for (const auto& request : requests) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.path, "/");
    EXPECT_EQ(header(request, "Host"), "127.0.0.1:8000");
    EXPECT_EQ(header(request, "Content-Type"), "application/x-amz-json-1.0");
    EXPECT_EQ(header(request, "X-Amz-Target"), "DynamoDB_20120810.GetItem");
    EXPECT_EQ(header(request, "X-Amz-Security-Token"), session_token);
    EXPECT_THAT(header(request, "Authorization"),
                StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/dynamodb/aws4_request"));
  }
  // The injected clock advances one second per read: each attempt carries its own date and signature.
  EXPECT_EQ(header(requests[0], "X-Amz-Date"), "20240102T000001Z");
  EXPECT_EQ(header(requests[1], "X-Amz-Date"), "20240102T000002Z");
  EXPECT_NE(header(requests[0], "Authorization"), header(requests[1], "Authorization"));
}

TEST_F(ClientRetryTest, ResponseThatIsNotJsonIsAProtocolErrorAndNotRetried) {
  auto client = make_client();
  transport_->then_respond(testing::html_response(200));

  try {
    (void)client.get_item(get_request());
    FAIL() << "expected ProtocolError";
  } catch (const lease::ProtocolError& e) {
    EXPECT_FALSE(e.retryable());
    EXPECT_EQ(e.http_status(), 200);
  }
  EXPECT_EQ(transport_->requests().size(), 1U);
}

TEST_F(ClientRetryTest, ResponseOfTheWrongShapeIsAProtocolError) {
  auto client = make_client();
  respond(*transport_, {{"Item", 5}});
  respond(*transport_, {{"Items", {{"pk", {{"S", "a"}}}}}, {"Count", "one"}});

  EXPECT_THROW((void)client.get_item(get_request()), lease::ProtocolError);
  QueryRequest query;
  query.table_name = "t";
  query.key_condition_expression = "pk = :pk";
  EXPECT_THROW((void)client.query(query), lease::ProtocolError);
  EXPECT_EQ(transport_->requests().size(), 2U);
}

TEST_F(ClientRetryTest, BatchWriteResendsUnprocessedItems) {
  auto client = make_client();
  BatchWriteRequest batch;
  for (int i = 0; i < 30; ++i) {
    batch.requests.push_back(WriteRequest::put("t", {{"pk", AttributeValue::number(i)}}));
  }
  // First call (25 writes): one comes back unprocessed; its resend and the last 5 succeed.
  respond(*transport_, {{"UnprocessedItems", {{"t", {{{"PutRequest", {{"Item", {{"pk", {{"N", "3"}}}}}}}}}}}}});
  respond(*transport_, {{"UnprocessedItems", json::object()}});
  respond(*transport_, {{"UnprocessedItems", json::object()}});

  const auto result = client.batch_write_item(batch);

  EXPECT_EQ(result.requests_sent, 3U);
  EXPECT_EQ(result.items_resent, 1U);
  const auto requests = transport_->requests();
  ASSERT_EQ(requests.size(), 3U);
  EXPECT_EQ(json::parse(requests[0].body)["RequestItems"]["t"].size(), 25U);
  const auto resent = json::parse(requests[1].body)["RequestItems"]["t"];
  ASSERT_EQ(resent.size(), 1U);
  EXPECT_EQ(resent[0]["PutRequest"]["Item"]["pk"]["N"], "3");
  EXPECT_EQ(json::parse(requests[2].body)["RequestItems"]["t"].size(), 5U);
  EXPECT_EQ(header(requests[0], "X-Amz-Target"), "DynamoDB_20120810.BatchWriteItem");
}

TEST_F(ClientRetryTest, BatchWriteGivesUpWhenUnprocessedItemsOutlastTheRetryBudget) {
  auto client = make_client(3);
  for (int i = 0; i < 3; ++i) {
    respond(*transport_, {{"UnprocessedItems", {{"t", {{{"DeleteRequest", {{"Key", {{"pk", {{"S", "x"}}}}}}}}}}}}});
  }
  BatchWriteRequest batch;
  batch.requests.push_back(WriteRequest::remove("t", {{"pk", AttributeValue::string("x")}}));

  try {
    (void)client.batch_write_item(batch);
    FAIL() << "expected ThrottlingError";
  } catch (const lease::ThrottlingError& e) {
    EXPECT_EQ(e.code(), "UnprocessedItems");
    EXPECT_TRUE(e.retryable());
  }
  EXPECT_EQ(transport_->requests().size(), 3U);
}

TEST_F(ClientRetryTest, WaitUntilActiveReportsProgressUntilTableAndIndexesAreActive) {
  auto client = make_client();
  const json key = json::array({{{"AttributeName", "pk"}, {"KeyType", "HASH"}}});
  auto table = [&](const char* status, const char* index_status) {
    return json{{"Table",
                 {{"TableName", "t"},
                  {"TableStatus", status},
                  {"KeySchema", key},
                  {"GlobalSecondaryIndexes",
                   json::array({{{"IndexName", "g"}, {"IndexStatus", index_status}, {"KeySchema", key}}})}}}};
  };
  respond_error(*transport_, 400, "ResourceNotFoundException");
  respond(*transport_, table("CREATING", "CREATING"));
  respond(*transport_, table("ACTIVE", "CREATING"));
  respond(*transport_, table("ACTIVE", "CREATING"));
  respond(*transport_, table("ACTIVE", "ACTIVE"));
  std::vector<std::string> seen;

  const auto description = client.wait_until_active("t", std::chrono::seconds{30},
                                                    [&](std::string_view status) { seen.emplace_back(status); });

  EXPECT_TRUE(description.all_active());
  EXPECT_THAT(seen, ::testing::ElementsAre("CREATING", "ACTIVE, index g CREATING", "ACTIVE"));
  EXPECT_EQ(transport_->requests().size(), 5U);
}

TEST_F(ClientRetryTest, ConsumedCapacityIsAddedToTheStats) {
  auto client = make_client();
  respond(*transport_, {{"ConsumedCapacity", {{"TableName", "t"}, {"CapacityUnits", 0.5}}}});
  respond(*transport_, {{"ConsumedCapacity", {{"TableName", "t"}, {"CapacityUnits", 2.0}}}});
  auto get = get_request();
  get.return_consumed_capacity = ReturnConsumedCapacity::total;
  PutItemRequest put;
  put.table_name = "t";
  put.item = {{"pk", AttributeValue::string("a")}};
  put.return_consumed_capacity = ReturnConsumedCapacity::total;

  EXPECT_EQ(client.get_item(get).consumed_capacity->capacity_units, 0.5);
  (void)client.put_item(put);

  const auto stats = client.stats();
  EXPECT_EQ(stats.read_capacity_units, 0.5);
  EXPECT_EQ(stats.write_capacity_units, 2.0);
  EXPECT_EQ(stats.requests, 2U);
}

}  // namespace
}  // namespace lease::dynamodb

namespace lease::dynamodb {
namespace {

UpdateItemRequest update_request() {
  UpdateItemRequest request;
  request.table_name = "t";
  request.key = {{"pk", AttributeValue::string("a")}};
  request.update_expression = "SET n = :one";
  request.expression_attribute_values = {{":one", AttributeValue::number(1)}};
  return request;
}

TEST_F(ClientRetryTest, DeadlineCapsEachAttemptsTimeout) {
  auto client = make_client();
  respond(*transport_, json::object());
  auto request = update_request();
  request.deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);

  (void)client.update_item(request);

  ASSERT_EQ(transport_->requests().size(), 1U);
  const auto timeout = transport_->requests()[0].timeout;
  EXPECT_GT(timeout.count(), 0);
  EXPECT_LE(timeout, std::chrono::minutes(1));
}

TEST_F(ClientRetryTest, NoAttemptStartsAfterTheDeadline) {
  auto client = make_client();
  auto request = update_request();
  request.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);

  EXPECT_THROW((void)client.update_item(request), lease::TransportError);
  EXPECT_TRUE(transport_->requests().empty());
}

TEST_F(ClientRetryTest, WithoutDeadlineTheTransportTimeoutsApply) {
  auto client = make_client();
  respond(*transport_, json::object());

  (void)client.update_item(update_request());

  ASSERT_EQ(transport_->requests().size(), 1U);
  EXPECT_EQ(transport_->requests()[0].timeout.count(), 0);
}

}  // namespace
}  // namespace lease::dynamodb

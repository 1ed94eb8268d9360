// Ambiguous writes (a scripted transport, since DynamoDB Local never loses a response): a retried
// conditional take or renewal that fails its condition because its first attempt *was* applied is
// recognised from the old item (ALL_OLD) and counts as success; someone else's row does not.

#include <gtest/gtest.h>

#include <memory>

#include <nlohmann/json.hpp>

#include "dynamodb/client.hpp"
#include "lease/pool.hpp"
#include "support/fake_transport.hpp"
#include "support/lease_fixture.hpp"

namespace lease::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr std::int64_t kWallNs = 1'700'000'000'000'000'000;  // the fixed wall clock of these tests
constexpr auto kDuration = 2000ms;
constexpr std::int64_t kUntil = kWallNs + 2'000'000'000;  // what a take or renewal at kWallNs writes

/// Fixed wall time (so the LeaseUntil a write carries is known), real elapsed time.
class FixedWallClock final : public Clock {
 public:
  [[nodiscard]] std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(kWallNs)));
  }
  [[nodiscard]] std::chrono::nanoseconds elapsed_now() const override {
    return SystemClock::instance()->elapsed_now();
  }
};

class AmbiguousWriteTest : public ::testing::Test {
 protected:
  AmbiguousWriteTest() {
    aws::ResolvedConfig config;
    config.endpoint = "http://127.0.0.1:8000";
    config.region = "us-east-1";
    config.credentials = aws::Credentials{"AKIDEXAMPLE", "secret", ""};
    RetryOptions retry;
    retry.base_delay = 1ms;
    retry.max_delay = 2ms;
    client_ = std::make_shared<dynamodb::Client>(config, transport_, retry, Logger{});
    PoolOptions options;
    options.clock = std::make_shared<FixedWallClock>();
    pool_ = std::make_unique<Pool>(Client(client_), "jobs", options);
    // The table, with a one-bucket index, and one free row in it.
    respond({{"Table",
              {{"TableName", "jobs"},
               {"TableStatus", "ACTIVE"},
               {"KeySchema", json::array({{{"AttributeName", "id"}, {"KeyType", "HASH"}}})},
               {"AttributeDefinitions", json::array({{{"AttributeName", "id"}, {"AttributeType", "S"}},
                                                     {{"AttributeName", "LeaseBucket"}, {"AttributeType", "N"}},
                                                     {{"AttributeName", "LeaseUntil"}, {"AttributeType", "N"}}})},
               {"GlobalSecondaryIndexes",
                json::array({{{"IndexName", "LeaseIndex_1"},
                              {"IndexStatus", "ACTIVE"},
                              {"Projection", {{"ProjectionType", "KEYS_ONLY"}}},
                              {"KeySchema", json::array({{{"AttributeName", "LeaseBucket"}, {"KeyType", "HASH"}},
                                                         {{"AttributeName", "LeaseUntil"}, {"KeyType", "RANGE"}}})}}})}}}});
    respond({{"Items", json::array({{{"id", {{"S", "job"}}}, {"LeaseBucket", {{"N", "0"}}}, {"LeaseUntil", {{"N", "0"}}}}})},
             {"Count", 1},
             {"ScannedCount", 1}});
  }

  void respond(const json& body) { transport_->then_respond(json_response(200, body.dump())); }

  /// A lost response: the server applied the write but the client saw a 500.
  void lose_response() { transport_->then_respond(error_response(500, "InternalServerError", "scripted")); }

  /// The condition failed; the row as it is now (ALL_OLD).
  void condition_failed(const std::string& lessee, std::int64_t until, std::int64_t token) {
    json body = {{"__type", "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"},
                 {"message", "The conditional request failed"},
                 {"Item",
                  {{"id", {{"S", "job"}}},
                   {"ProcessID", {{"S", lessee}}},
                   {"LeaseUntil", {{"N", std::to_string(until)}}},
                   {"LeaseToken", {{"N", std::to_string(token)}}}}}};
    transport_->then_respond(json_response(400, body.dump()));
  }

  std::shared_ptr<FakeTransport> transport_ = std::make_shared<FakeTransport>();
  std::shared_ptr<dynamodb::Client> client_;
  std::unique_ptr<Pool> pool_;
};

TEST_F(AmbiguousWriteTest, RetriedTakeThatHadSucceededHoldsTheLease) {
  lose_response();
  condition_failed("me", kUntil, 7);

  auto held = pool_->obtain(lease_request("me", kDuration, /*heartbeat=*/false));

  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->key(), "job");
  EXPECT_EQ(held->token(), 7);
  EXPECT_TRUE(held->valid());
  EXPECT_EQ(transport_->remaining(), 0U);
  held->keep();  // no release request: the script is done
}

TEST_F(AmbiguousWriteTest, RetriedTakeThatFailedBecauseOfAnotherHolderIsNotObtained) {
  lose_response();
  condition_failed("someone-else", kUntil, 7);

  EXPECT_FALSE(pool_->obtain(lease_request("me", kDuration, /*heartbeat=*/false)).has_value());
  EXPECT_EQ(transport_->remaining(), 0U);
}

TEST_F(AmbiguousWriteTest, RetriedRenewalThatHadSucceededKeepsTheLease) {
  respond({{"Attributes", {{"id", {{"S", "job"}}}, {"ProcessID", {{"S", "me"}}},
                           {"LeaseUntil", {{"N", std::to_string(kUntil)}}}, {"LeaseToken", {{"N", "3"}}}}}});
  auto held = pool_->obtain(lease_request("me", kDuration, /*heartbeat=*/false));
  ASSERT_TRUE(held.has_value());
  ASSERT_EQ(held->token(), 3);
  lose_response();
  condition_failed("me", kUntil, 3);

  EXPECT_TRUE(held->renew());

  EXPECT_EQ(held->state(), LeaseState::held);
  EXPECT_EQ(transport_->remaining(), 0U);
  held->keep();
}

TEST_F(AmbiguousWriteTest, RenewalThatFindsANewTokenIsStolen) {
  respond({{"Attributes", {{"id", {{"S", "job"}}}, {"ProcessID", {{"S", "me"}}},
                           {"LeaseUntil", {{"N", std::to_string(kUntil)}}}, {"LeaseToken", {{"N", "3"}}}}}});
  auto held = pool_->obtain(lease_request("me", kDuration, /*heartbeat=*/false));
  ASSERT_TRUE(held.has_value());
  condition_failed("me", kUntil, 4);  // the same lessee name, but a later take: not this lease

  EXPECT_FALSE(held->renew());

  EXPECT_EQ(held->loss_reason(), LossReason::stolen);
  EXPECT_EQ(transport_->remaining(), 0U);
}

}  // namespace
}  // namespace lease::testing

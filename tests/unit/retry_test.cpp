#include "dynamodb/retry.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <exception>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "dynamodb/errors.hpp"
#include "support/fake_transport.hpp"

namespace lease::dynamodb {
namespace {

using std::chrono::milliseconds;
using testing::error_response;
using testing::FakeTransport;
using testing::html_response;
using testing::json_response;

RetryOptions options(int max_attempts, milliseconds base, milliseconds max, milliseconds total) {
  RetryOptions o;
  o.max_attempts = max_attempts;
  o.base_delay = base;
  o.max_delay = max;
  o.max_total = total;
  return o;
}

// The error throw_error_response throws for `response`.
std::shared_ptr<lease::Error> error_for(const aws::HttpResponse& response) {
  try {
    throw_error_response(response);
  } catch (const ConditionalCheckFailed& e) {
    return std::make_shared<ConditionalCheckFailed>(e);
  } catch (const lease::Error& e) {
    return std::make_shared<lease::Error>(e);
  }
}

const ThrottlingError kThrottled("ThrottlingException", "slow down", 400, "r", true);

TEST(RetryPolicy, RejectsInvalidOptions) {
  EXPECT_THROW(RetryPolicy(options(0, milliseconds(1), milliseconds(1), milliseconds(1))), InvalidArgument);
  EXPECT_THROW(RetryPolicy(options(1, milliseconds(-1), milliseconds(1), milliseconds(1))), InvalidArgument);
  EXPECT_THROW(RetryPolicy(options(1, milliseconds(1), milliseconds(-1), milliseconds(1))), InvalidArgument);
  EXPECT_THROW(RetryPolicy(options(1, milliseconds(1), milliseconds(1), milliseconds(-1))), InvalidArgument);
  EXPECT_NO_THROW(RetryPolicy(options(1, milliseconds(0), milliseconds(0), milliseconds(0))));
}

TEST(RetryPolicy, RetriesThrottlingServerFaultsAndTransportFailuresOnly) {
  const RetryPolicy policy{RetryOptions{}};
  const std::vector<std::pair<std::shared_ptr<lease::Error>, bool>> cases{
      {error_for(error_response(400, "ConditionalCheckFailedException", "The conditional request failed")), false},
      {error_for(error_response(400, "ValidationException", "bad key")), false},
      {error_for(error_response(400, "SerializationException", "bad json")), false},
      {error_for(error_response(400, "UnrecognizedClientException", "bad token")), false},
      {error_for(error_response(400, "ResourceNotFoundException", "no table")), false},
      {error_for(error_response(400, "LimitExceededException", "too many tables")), false},
      {error_for(json_response(400, "{\"__type\":")), false},
      {std::make_shared<InvalidArgument>("bad argument"), false},
      {error_for(error_response(400, "ProvisionedThroughputExceededException", "slow down")), true},
      {error_for(error_response(400, "ThrottlingException", "slow down")), true},
      {error_for(error_response(400, "RequestLimitExceeded", "slow down")), true},
      {error_for(error_response(400, "TransactionConflictException", "conflict")), true},
      {error_for(error_response(500, "InternalServerError", "oops")), true},
      {error_for(error_response(503, "ServiceUnavailable", "later")), true},
      {error_for(html_response(503)), true},
      {error_for(json_response(500, "{\"__type\":\"com.amazonaws.dyn")), true},
      {std::make_shared<TransportError>("connection reset"), true}};
  for (const auto& [error, retried] : cases) {
    for (int attempts = 1; attempts < 4; ++attempts) {
      EXPECT_EQ(policy.next_delay(*error, attempts, milliseconds(0), 7).has_value(), retried) << error->what();
    }
  }
}

TEST(RetryPolicy, BackoffCapDoublesFromBaseUpToMaxDelay) {
  const RetryPolicy policy{options(20, milliseconds(25), milliseconds(2000), milliseconds(1'000'000))};
  const std::vector<long> caps{25, 50, 100, 200, 400, 800, 1600, 2000, 2000, 2000};
  for (std::size_t i = 0; i < caps.size(); ++i) {
    const int attempts_made = static_cast<int>(i) + 1;
    EXPECT_EQ(policy.backoff_cap(attempts_made), milliseconds(caps[i])) << attempts_made;
    // Full jitter: over many random draws the delays span [0, cap] and never pass the cap.
    milliseconds lowest = milliseconds::max();
    milliseconds highest = milliseconds::min();
    for (std::uint64_t random = 0; random < 5000; ++random) {
      const auto delay = policy.next_delay(kThrottled, attempts_made, milliseconds(0), random);
      ASSERT_TRUE(delay.has_value());
      lowest = std::min(lowest, *delay);
      highest = std::max(highest, *delay);
    }
    EXPECT_EQ(lowest, milliseconds(0)) << attempts_made;
    EXPECT_EQ(highest, milliseconds(caps[i])) << attempts_made;
  }
}

TEST(RetryPolicy, CapIsNeverExceededForLargeAttemptNumbersOrRandomValues) {
  const RetryPolicy policy{options(INT_MAX, milliseconds(25), milliseconds(2000), milliseconds(1'000'000))};
  std::mt19937_64 random(42);
  for (const int attempts_made : {30, 63, 64, 65, 1000, INT_MAX - 1}) {
    EXPECT_EQ(policy.backoff_cap(attempts_made), milliseconds(2000));
    for (int i = 0; i < 1000; ++i) {
      const auto delay = policy.next_delay(kThrottled, attempts_made, milliseconds(0), random());
      ASSERT_TRUE(delay.has_value());
      EXPECT_LE(*delay, milliseconds(2000));
      EXPECT_GE(*delay, milliseconds(0));
    }
    EXPECT_EQ(policy.next_delay(kThrottled, attempts_made, milliseconds(0), UINT64_MAX)->count(),
              static_cast<long>(UINT64_MAX % 2001));
  }
}

TEST(RetryPolicy, ZeroBaseDelayRetriesImmediately) {
  const RetryPolicy policy{options(5, milliseconds(0), milliseconds(2000), milliseconds(1000))};
  for (int attempts = 1; attempts < 5; ++attempts) {
    EXPECT_EQ(policy.next_delay(kThrottled, attempts, milliseconds(0), 12345), milliseconds(0));
  }
}

TEST(RetryPolicy, GivesUpWhenAttemptsAreExhausted) {
  const RetryPolicy three{options(3, milliseconds(10), milliseconds(100), milliseconds(100'000))};
  EXPECT_NE(three.next_delay(kThrottled, 1, milliseconds(0), 3), std::nullopt);
  EXPECT_NE(three.next_delay(kThrottled, 2, milliseconds(0), 3), std::nullopt);
  EXPECT_EQ(three.next_delay(kThrottled, 3, milliseconds(0), 3), std::nullopt);
  EXPECT_EQ(three.next_delay(kThrottled, 4, milliseconds(0), 3), std::nullopt);

  const RetryPolicy once{options(1, milliseconds(10), milliseconds(100), milliseconds(100'000))};
  EXPECT_EQ(once.next_delay(kThrottled, 1, milliseconds(0), 3), std::nullopt);
}

TEST(RetryPolicy, GivesUpWhenTheDelayWouldPassTheTotalTimeBound) {
  const RetryPolicy policy{options(100, milliseconds(200), milliseconds(200), milliseconds(1000))};
  // random % 201 is the delay.
  EXPECT_EQ(policy.next_delay(kThrottled, 2, milliseconds(900), 100), milliseconds(100));  // ends exactly at 1000
  EXPECT_EQ(policy.next_delay(kThrottled, 2, milliseconds(900), 101), std::nullopt);       // would end at 1001
  EXPECT_EQ(policy.next_delay(kThrottled, 2, milliseconds(1001), 0), std::nullopt);
  EXPECT_EQ(policy.next_delay(kThrottled, 2, std::chrono::microseconds(999'500), 0), milliseconds(0));
  EXPECT_EQ(policy.next_delay(kThrottled, 2, std::chrono::microseconds(999'500), 1), std::nullopt);
}

// The failures DynamoDB Local cannot produce, scripted, all lead to a retry until the success.
TEST(RetryPolicy, RetriesScriptedFailuresUntilSuccess) {
  FakeTransport transport;
  transport.then_respond(html_response(503))
      .then_respond(json_response(500, R"({"__type":"com.amazonaws.dynamodb.v20120810#Inter)"))
      .then_respond(error_response(400, "ProvisionedThroughputExceededException", "slow down"))
      .then_fail("connection reset by peer")
      .then_respond(json_response(200, "{}"));
  const RetryPolicy policy{RetryOptions{}};
  int attempts = 0;
  std::vector<std::string> codes;
  while (true) {
    ++attempts;
    try {
      const aws::HttpResponse response = transport.send("http://fake", aws::HttpRequest{});
      if (response.status == 200) break;
      throw_error_response(response);
    } catch (const lease::Error& e) {
      codes.push_back(e.code());
      ASSERT_NE(policy.next_delay(e, attempts, milliseconds(0), 1), std::nullopt) << e.what();
    }
  }
  EXPECT_EQ(attempts, 5);
  EXPECT_EQ(codes, (std::vector<std::string>{"Protocol", "Protocol", "ProvisionedThroughputExceededException", "Transport"}));
  EXPECT_EQ(transport.remaining(), 0u);
  EXPECT_EQ(transport.requests().size(), 5u);
}

}  // namespace
}  // namespace lease::dynamodb

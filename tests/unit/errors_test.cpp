#include "dynamodb/errors.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <exception>
#include <string>
#include <typeindex>
#include <typeinfo>

#include "support/fake_transport.hpp"

namespace lease::dynamodb {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::error_response;
using testing::html_response;
using testing::json_response;

// The error throw_error_response throws for `response`, kept so that its type can be inspected.
std::exception_ptr error_for(const aws::HttpResponse& response) {
  try {
    throw_error_response(response);
  } catch (...) {
    return std::current_exception();
  }
}

// The dynamic type of a lease::Error (typeid(void) for anything else).
std::type_index dynamic_type(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const lease::Error& e) {
    return typeid(e);
  } catch (...) {
    return typeid(void);
  }
}

// The error as an E, or a test failure.
template <class E>
E error_as(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const E& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected error type " << typeid(e).name() << ": " << e.what();
  } catch (...) {
    ADD_FAILURE() << "not a std::exception";
  }
  throw std::logic_error("wrong error type");
}

struct Expected {
  const char* code;
  long status;
  std::type_index type;
  bool retryable;
};

void PrintTo(const Expected& expected, std::ostream* out) { *out << expected.code << "/" << expected.status; }

class ErrorCodeMapping : public ::testing::TestWithParam<Expected> {};

TEST_P(ErrorCodeMapping, MapsCodeToTypedError) {
  const Expected& expected = GetParam();
  const auto error = error_for(error_response(expected.status, expected.code, "details here", "RID-1"));
  EXPECT_EQ(dynamic_type(error), expected.type);
  const auto e = error_as<lease::Error>(error);
  EXPECT_EQ(e.code(), expected.code);
  EXPECT_EQ(e.http_status(), expected.status);
  EXPECT_EQ(e.request_id(), "RID-1");
  EXPECT_EQ(e.retryable(), expected.retryable);
  EXPECT_THAT(e.what(), HasSubstr(expected.code));
  EXPECT_THAT(e.what(), HasSubstr("details here"));
}

INSTANTIATE_TEST_SUITE_P(
    DynamoDbCodes, ErrorCodeMapping,
    ::testing::Values(
        Expected{"ResourceNotFoundException", 400, typeid(ResourceNotFound), false},
        Expected{"ConditionalCheckFailedException", 400, typeid(ConditionalCheckFailed), false},
        Expected{"ProvisionedThroughputExceededException", 400, typeid(ThrottlingError), true},
        Expected{"ThrottlingException", 400, typeid(ThrottlingError), true},
        Expected{"RequestLimitExceeded", 400, typeid(ThrottlingError), true},
        Expected{"ValidationException", 400, typeid(ValidationError), false},
        Expected{"SerializationException", 400, typeid(ValidationError), false},
        Expected{"SomeFutureClientException", 400, typeid(ValidationError), false},
        Expected{"UnrecognizedClientException", 400, typeid(AuthError), false},
        Expected{"AccessDeniedException", 400, typeid(AuthError), false},
        Expected{"InvalidSignatureException", 400, typeid(AuthError), false},
        Expected{"MissingAuthenticationToken", 403, typeid(AuthError), false},
        Expected{"IncompleteSignature", 400, typeid(AuthError), false},
        Expected{"ExpiredTokenException", 400, typeid(AuthError), false},
        Expected{"TransactionConflictException", 400, typeid(ServiceError), true},
        Expected{"InternalServerError", 500, typeid(ServiceError), true},
        Expected{"ServiceUnavailable", 503, typeid(ServiceError), true},
        Expected{"SomeFutureServerFault", 502, typeid(ServiceError), true},
        Expected{"ItemCollectionSizeLimitExceededException", 400, typeid(ServiceError), false},
        Expected{"LimitExceededException", 400, typeid(ServiceError), false}));

TEST(ErrorResponse, TakesTheCodeAfterTheHashOfAnyNamespace) {
  const auto e = error_as<AuthError>(error_for(json_response(
      400, R"({"__type":"com.amazon.coral.service#UnrecognizedClientException","Message":"The security token is invalid"})")));
  EXPECT_EQ(e.code(), "UnrecognizedClientException");
  EXPECT_THAT(e.what(), HasSubstr("The security token is invalid"));  // capitalised "Message" too
}

TEST(ErrorResponse, FallsBackToTheErrorTypeHeader) {
  auto response = json_response(400, R"({"message":"bad"})");
  response.headers.push_back({"X-Amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/"});
  const auto e = error_as<ValidationError>(error_for(response));
  EXPECT_EQ(e.code(), "ValidationException");
}

TEST(ErrorResponse, ConditionalCheckFailedCarriesTheOldItem) {
  const auto e = error_as<ConditionalCheckFailed>(error_for(json_response(400, R"({
      "__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
      "message":"The conditional request failed",
      "Item":{"owner":{"S":"worker-7"},"count":{"N":"3"}}})")));
  ASSERT_TRUE(e.item().has_value());
  EXPECT_EQ(e.item()->size(), 2u);
  EXPECT_EQ(e.item()->at("owner").as_string(), "worker-7");
  EXPECT_EQ(e.item()->at("count").as_int64(), 3);
  const ConditionalCheckFailed copy = e;  // copies share the item
  EXPECT_EQ(&copy.item(), &e.item());
}

TEST(ErrorResponse, ConditionalCheckFailedWithoutItem) {
  const auto e = error_as<ConditionalCheckFailed>(
      error_for(error_response(400, "ConditionalCheckFailedException", "The conditional request failed")));
  EXPECT_FALSE(e.item().has_value());
  EXPECT_FALSE(e.retryable());
  EXPECT_EQ(e.code(), "ConditionalCheckFailedException");
}

TEST(ErrorResponse, UnreadableConditionItemIsProtocolError) {
  const auto e = error_as<ProtocolError>(error_for(json_response(
      400, R"({"__type":"x#ConditionalCheckFailedException","message":"m","Item":{"owner":{"XX":"?"}}})", "RID-9")));
  EXPECT_THAT(e.what(), HasSubstr("Item"));
  EXPECT_EQ(e.http_status(), 400);
  EXPECT_EQ(e.request_id(), "RID-9");
}

TEST(ErrorResponse, HtmlServiceUnavailablePageIsRetryableProtocolError) {
  const auto e = error_as<ProtocolError>(error_for(html_response(503)));
  EXPECT_TRUE(e.retryable());
  EXPECT_EQ(e.http_status(), 503);
  EXPECT_EQ(e.code(), "Protocol");
  EXPECT_THAT(e.what(), HasSubstr("503"));
  EXPECT_THAT(e.what(), HasSubstr("text/html"));
  EXPECT_THAT(e.what(), Not(HasSubstr("\n")));
}

TEST(ErrorResponse, EmptyAndTruncatedBodies) {
  const auto empty = error_as<ProtocolError>(error_for(json_response(500, "")));
  EXPECT_TRUE(empty.retryable());
  EXPECT_EQ(empty.request_id(), "FAKE-REQUEST-ID");

  const auto truncated = error_as<ProtocolError>(
      error_for(json_response(400, R"({"__type":"com.amazonaws.dynamodb.v20120810#Validati)")));
  EXPECT_FALSE(truncated.retryable());
  EXPECT_EQ(truncated.http_status(), 400);

  const auto no_code = error_as<ProtocolError>(error_for(json_response(400, R"({"message":"who knows"})")));
  EXPECT_FALSE(no_code.retryable());

  const auto not_object = error_as<ProtocolError>(error_for(json_response(502, R"(["a"])")));
  EXPECT_TRUE(not_object.retryable());
}

TEST(ErrorResponse, LongBodiesAreCutInTheMessage) {
  const std::string body(10'000, 'z');
  const auto e = error_as<ProtocolError>(error_for(json_response(500, body)));
  EXPECT_LT(std::string(e.what()).size(), 400u);
}

}  // namespace
}  // namespace lease::dynamodb

// What a broken endpoint may send the typed DynamoDB client (truncated bodies, HTML error pages,
// invalid or oddly shaped JSON, huge bodies, a connection that never answers): each call must end in
// a typed lease::Error (TransportError, ProtocolError or ServiceError), never anything else. Real
// HTTP over loopback: LocalHttpServer + CurlTransport with short timeouts, two attempts per call.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>

#include "aws/curl_transport.hpp"
#include "dynamodb/client.hpp"
#include "lease/error.hpp"
#include "support/local_http_server.hpp"

namespace lease::dynamodb {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::CannedResponse;
using testing::LocalHttpServer;
using testing::ReceivedRequest;
using Action = CannedResponse::Action;

constexpr const char* kSecret = "brokenEndpointSecretKeyNeverShown";
constexpr std::size_t kMaxResponseBytes = 64 * 1024;

/// A loopback server answering every request with `response`, and a client of it that gives up
/// after two attempts of at most 500 ms each.
class BrokenEndpointTest : public ::testing::Test {
 protected:
  void serve(CannedResponse response) {
    server_ = std::make_unique<LocalHttpServer>([response](const ReceivedRequest&) { return response; });
    aws::ResolvedConfig config;
    config.endpoint = server_->endpoint();
    config.region = "us-east-1";
    config.credentials = aws::Credentials{"AKIDEXAMPLE", kSecret, ""};
    aws::TransportOptions transport;
    transport.connect_timeout = std::chrono::milliseconds(500);
    transport.request_timeout = std::chrono::milliseconds(500);
    transport.max_response_bytes = kMaxResponseBytes;
    RetryOptions retry;
    retry.max_attempts = 2;
    retry.base_delay = std::chrono::milliseconds(1);
    retry.max_delay = std::chrono::milliseconds(5);
    client_ = std::make_unique<Client>(config, std::make_shared<aws::CurlTransport>(transport), retry, Logger{});
  }

  void serve(Action action, int status, std::string body, std::string content_type = "application/x-amz-json-1.0") {
    CannedResponse response;
    response.action = action;
    response.status = status;
    response.headers = {{"Content-Type", std::move(content_type)}, {"x-amzn-RequestId", "REQ-BROKEN"}};
    response.body = std::move(body);
    serve(std::move(response));
  }

  /// The error of type Expected that `call` threw; any other outcome (a return, another lease::Error
  /// type, an untyped exception) fails the test. The message must not show the secret key.
  template <class Expected, class Call>
  std::optional<Expected> error_of(Call call) {
    try {
      call();
      ADD_FAILURE() << "the call returned instead of throwing";
    } catch (const Expected& e) {
      EXPECT_THAT(e.what(), Not(HasSubstr(kSecret)));
      return e;
    } catch (const lease::Error& e) {
      ADD_FAILURE() << "threw " << typeid(e).name() << " (code " << e.code() << "): " << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "an untyped exception escaped: " << typeid(e).name() << ": " << e.what();
    }
    return std::nullopt;
  }

  template <class Expected>
  std::optional<Expected> get_item_error() {
    return error_of<Expected>([this] {
      GetItemRequest request;
      request.table_name = "leases";
      request.key = {{"pk", AttributeValue::string("row-1")}};
      (void)client_->get_item(request);
    });
  }

  [[nodiscard]] std::size_t requests() const { return server_->requests().size(); }

  std::unique_ptr<LocalHttpServer> server_;  // declared first: outlives the client's connections
  std::unique_ptr<Client> client_;
};

std::string item_json(std::size_t value_size) {
  return R"({"Item":{"pk":{"S":"row-1"},"owner":{"S":")" + std::string(value_size, 'w') + R"("}}})";
}

TEST_F(BrokenEndpointTest, BodyShorterThanContentLengthIsARetriedTransportError) {
  serve(Action::close_mid_response, 200, item_json(2000));
  const auto error = get_item_error<TransportError>();
  ASSERT_TRUE(error);
  EXPECT_TRUE(error->retryable());
  EXPECT_EQ(error->http_status(), 0);
  EXPECT_EQ(requests(), 2u);
}

TEST_F(BrokenEndpointTest, TruncatedErrorResponseIsATransportError) {
  serve(Action::close_mid_response, 500,
        R"({"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error"})");
  ASSERT_TRUE(get_item_error<TransportError>());
  EXPECT_EQ(requests(), 2u);
}

TEST_F(BrokenEndpointTest, CompleteResponseHoldingCutJsonIsAProtocolError) {
  const std::string whole = item_json(100);
  serve(Action::respond, 200, whole.substr(0, whole.size() / 2));
  const auto error = get_item_error<ProtocolError>();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->http_status(), 200);
  EXPECT_EQ(error->request_id(), "REQ-BROKEN");
  EXPECT_FALSE(error->retryable());
  EXPECT_EQ(requests(), 1u);
}

TEST_F(BrokenEndpointTest, HtmlErrorPageWith503IsARetryableProtocolError) {
  serve(Action::respond, 503,
        "<html><head><title>503 Service Temporarily Unavailable</title></head>"
        "<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>",
        "text/html");
  const auto error = get_item_error<ProtocolError>();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->http_status(), 503);
  EXPECT_TRUE(error->retryable());
  EXPECT_THAT(error->what(), HasSubstr("text/html"));
  EXPECT_EQ(requests(), 2u);
}

TEST_F(BrokenEndpointTest, HtmlPageWith200IsAProtocolError) {
  serve(Action::respond, 200, "<!DOCTYPE html><html><body>Welcome to the captive portal</body></html>", "text/html");
  const auto error = get_item_error<ProtocolError>();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->http_status(), 200);
  EXPECT_EQ(requests(), 1u);
}

TEST_F(BrokenEndpointTest, InvalidJsonWith200IsAProtocolError) {
  serve(Action::respond, 200, R"({"Item": {"pk": {"S": 'row-1'}}})");
  ASSERT_TRUE(get_item_error<ProtocolError>());
}

TEST_F(BrokenEndpointTest, EmptyBodyWith200IsAProtocolError) {
  serve(Action::respond, 200, "");
  ASSERT_TRUE(get_item_error<ProtocolError>());
}

TEST_F(BrokenEndpointTest, JsonOfTheWrongShapeWith200IsAProtocolError) {
  for (const char* body : {R"([{"pk":{"S":"row-1"}}])", R"({"Item":["pk","row-1"]})", R"({"Item":{"pk":"row-1"}})",
                           R"({"Item":{"pk":{"S":1}}})", R"({"Item":{"pk":{"X":"row-1"}}})",
                           R"({"Item":{"n":{"N":"twelve"}}})", R"({"ConsumedCapacity":[]})"}) {
    SCOPED_TRACE(body);
    serve(Action::respond, 200, body);
    ASSERT_TRUE(get_item_error<ProtocolError>());
    EXPECT_EQ(requests(), 1u);
  }
}

TEST_F(BrokenEndpointTest, DescribeTableOfTheWrongShapeIsAProtocolError) {
  for (const char* body : {R"({"Table":{"TableName":"leases"}})", R"({"Table":[]})",
                           R"({"Table":{"TableName":"t","TableStatus":"ACTIVE","KeySchema":[{"KeyType":"SIDEWAYS"}]}})",
                           R"({"Table":{"TableName":"t","TableStatus":"ACTIVE","ItemCount":"many"}})"}) {
    SCOPED_TRACE(body);
    serve(Action::respond, 200, body);
    ASSERT_TRUE(error_of<ProtocolError>([this] { (void)client_->describe_table("leases"); }));
  }
}

TEST_F(BrokenEndpointTest, BodyOverTheSizeLimitIsATransportError) {
  serve(Action::respond, 200, item_json(4 * kMaxResponseBytes));
  const auto error = get_item_error<TransportError>();
  ASSERT_TRUE(error);
  EXPECT_THAT(error->what(), HasSubstr("larger than " + std::to_string(kMaxResponseBytes) + " bytes"));
  EXPECT_EQ(requests(), 2u);
}

TEST_F(BrokenEndpointTest, ErrorBodyOverTheSizeLimitIsATransportError) {
  serve(Action::respond, 500, std::string(2 * kMaxResponseBytes, '<'), "text/html");
  ASSERT_TRUE(get_item_error<TransportError>());
}

TEST_F(BrokenEndpointTest, ConnectionThatNeverAnswersIsATransportError) {
  serve(Action::never_answer, 200, item_json(10));
  const auto error = get_item_error<TransportError>();
  ASSERT_TRUE(error);
  EXPECT_TRUE(error->retryable());
  EXPECT_EQ(requests(), 2u);  // each attempt timed out and the retry budget ended the call
}

TEST_F(BrokenEndpointTest, ConnectionClosedOrResetWithoutAnswerIsATransportError) {
  for (const Action action : {Action::close_without_response, Action::reset}) {
    serve(action, 200, item_json(10));
    ASSERT_TRUE(get_item_error<TransportError>());
    EXPECT_EQ(requests(), 2u);
  }
}

TEST_F(BrokenEndpointTest, UnknownJsonErrorWith5xxIsARetryableServiceError) {
  serve(Action::respond, 502, R"({"__type":"com.example#GatewayHiccup","message":"upstream went away"})");
  const auto error = get_item_error<ServiceError>();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), "GatewayHiccup");
  EXPECT_EQ(error->http_status(), 502);
  EXPECT_TRUE(error->retryable());
  EXPECT_EQ(requests(), 2u);
}

}  // namespace
}  // namespace lease::dynamodb

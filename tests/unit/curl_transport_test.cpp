#include "aws/curl_transport.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "lease/error.hpp"
#include "support/local_http_server.hpp"

namespace lease::aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::CannedResponse;
using testing::LocalHttpServer;
using testing::ReceivedRequest;

HttpRequest post(std::string body) {
  HttpRequest request;
  request.headers = {{"Content-Type", "application/x-amz-json-1.0"}, {"X-Amz-Target", "DynamoDB_20120810.GetItem"}};
  request.body = std::move(body);
  return request;
}

CannedResponse echo(const ReceivedRequest& request) {
  CannedResponse response;
  response.body = request.body;
  return response;
}

CannedResponse answer(CannedResponse::Action action) {
  CannedResponse response;
  response.action = action;
  response.body = std::string(100, 'x');
  return response;
}

TransportOptions short_timeouts() {
  TransportOptions options;
  options.connect_timeout = std::chrono::milliseconds(300);
  options.request_timeout = std::chrono::milliseconds(300);
  return options;
}

TEST(CurlTransport, ReturnsStatusHeadersAndBody) {
  LocalHttpServer server([](const ReceivedRequest&) {
    CannedResponse response;
    response.status = 201;
    response.headers = {{"X-Amzn-RequestId", "req-1"}, {"X-Test", "a value"}};
    response.body = R"({"ok":true})";
    return response;
  });
  CurlTransport transport(TransportOptions{});
  HttpRequest request = post(R"({"TableName":"t"})");
  request.path = "/some/path";
  request.query = "a=1&b=2";

  const HttpResponse response = transport.send(server.endpoint(), request);

  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, R"({"ok":true})");
  EXPECT_EQ(response.header("x-amzn-requestid"), "req-1");
  EXPECT_EQ(response.header("X-TEST"), "a value");
  EXPECT_EQ(response.header("Content-Length"), "11");
  EXPECT_EQ(response.header("missing"), "");
  const auto received = server.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].target, "/some/path?a=1&b=2");
  EXPECT_EQ(received[0].body, R"({"TableName":"t"})");
  EXPECT_EQ(received[0].header("X-Amz-Target"), "DynamoDB_20120810.GetItem");
  EXPECT_EQ(received[0].header("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(received[0].header("Expect"), std::nullopt);
}

TEST(CurlTransport, ReturnsErrorStatusesInsteadOfThrowing) {
  LocalHttpServer server([](const ReceivedRequest&) {
    CannedResponse response;
    response.status = 400;
    response.body = R"({"__type":"x#ValidationException"})";
    return response;
  });
  CurlTransport transport(TransportOptions{});
  const HttpResponse response = transport.send(server.endpoint(), post("{}"));
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(response.body, HasSubstr("ValidationException"));
}

TEST(CurlTransport, SendsGetAndEmptyHeaderValuesAndNoDefaultContentType) {
  LocalHttpServer server(echo);
  CurlTransport transport(TransportOptions{});
  HttpRequest request;
  request.method = "GET";
  request.headers = {{"X-Empty", ""}};
  EXPECT_EQ(transport.send(server.endpoint(), request).status, 200);
  const auto received = server.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method, "GET");
  EXPECT_EQ(received[0].header("X-Empty"), "");
  EXPECT_EQ(received[0].header("Content-Type"), std::nullopt);
}

TEST(CurlTransport, SequentialRequestsReuseOneConnection) {
  LocalHttpServer server(echo);
  CurlTransport transport(TransportOptions{});
  for (int i = 0; i < 20; ++i) {
    const std::string body = "request " + std::to_string(i);
    ASSERT_EQ(transport.send(server.endpoint(), post(body)).body, body);
  }
  EXPECT_EQ(transport.stats().requests, 20u);
  EXPECT_EQ(transport.stats().connections_opened, 1u);
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST(CurlTransport, KeepsNoIdleHandlesBeyondMaxConnections) {
  LocalHttpServer server(echo);
  TransportOptions options;
  options.max_connections = 0;
  CurlTransport transport(options);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(transport.send(server.endpoint(), post("x")).status, 200);
  EXPECT_EQ(transport.stats().connections_opened, 3u);
  EXPECT_EQ(server.connections_accepted(), 3u);
}

TEST(CurlTransport, ConcurrentSendersAllSucceedOnPooledConnections) {
  LocalHttpServer server(echo);
  CurlTransport transport(TransportOptions{});
  constexpr int kThreads = 8;
  constexpr int kRequestsPerThread = 10;
  std::vector<std::vector<std::string>> bodies(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRequestsPerThread; ++i) {
        try {
          bodies[t].push_back(transport.send(server.endpoint(), post(std::to_string(t) + "/" + std::to_string(i))).body);
        } catch (const Error& e) {
          bodies[t].push_back(e.what());
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(bodies[t].size(), static_cast<std::size_t>(kRequestsPerThread));
    for (int i = 0; i < kRequestsPerThread; ++i) EXPECT_EQ(bodies[t][i], std::to_string(t) + "/" + std::to_string(i));
  }
  EXPECT_EQ(transport.stats().requests, static_cast<std::uint64_t>(kThreads * kRequestsPerThread));
  // At most one handle (and so one connection) per concurrent sender.
  EXPECT_LE(transport.stats().connections_opened, static_cast<std::uint64_t>(kThreads));
  EXPECT_LE(server.connections_accepted(), static_cast<std::size_t>(kThreads));
}

TEST(CurlTransport, ServerClosingMidResponseIsTransportError) {
  LocalHttpServer server([](const ReceivedRequest&) { return answer(CannedResponse::Action::close_mid_response); });
  CurlTransport transport(short_timeouts());
  try {
    (void)transport.send(server.endpoint(), post("{}"));
    FAIL() << "expected TransportError";
  } catch (const TransportError& e) {
    EXPECT_TRUE(e.retryable());
    EXPECT_EQ(e.code(), "Transport");
    EXPECT_THAT(e.what(), HasSubstr("127.0.0.1"));
  }
}

TEST(CurlTransport, ServerClosingWithoutAnswerOrResettingIsTransportError) {
  for (const auto action : {CannedResponse::Action::close_without_response, CannedResponse::Action::reset}) {
    LocalHttpServer server([action](const ReceivedRequest&) { return answer(action); });
    CurlTransport transport(short_timeouts());
    EXPECT_THROW((void)transport.send(server.endpoint(), post("{}")), TransportError);
  }
}

TEST(CurlTransport, SilentServerTimesOutWithoutLeakingRequestHeaders) {
  LocalHttpServer server([](const ReceivedRequest&) { return answer(CannedResponse::Action::never_answer); });
  CurlTransport transport(short_timeouts());
  HttpRequest request = post("{}");
  request.headers.push_back({"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDSECRET, Signature=deadbeef"});
  request.headers.push_back({"X-Amz-Security-Token", "TOKENSECRET"});
  try {
    (void)transport.send(server.endpoint(), request);
    FAIL() << "expected TransportError";
  } catch (const TransportError& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, HasSubstr(server.endpoint()));
    EXPECT_THAT(message, HasSubstr("imeout"));
    EXPECT_THAT(message, Not(HasSubstr("SECRET")));
    EXPECT_THAT(message, Not(HasSubstr("deadbeef")));
  }
}

TEST(CurlTransport, ConnectionRefusedIsTransportError) {
  std::string endpoint;
  {
    LocalHttpServer server(echo);
    endpoint = server.endpoint();
  }  // the port is closed again
  CurlTransport transport(short_timeouts());
  try {
    (void)transport.send(endpoint, post("{}"));
    FAIL() << "expected TransportError";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr(endpoint));
    EXPECT_EQ(e.http_status(), 0);
  }
}

TEST(CurlTransport, RecoversAfterAFailedRequest) {
  int calls = 0;
  LocalHttpServer server([&calls](const ReceivedRequest& request) {
    return ++calls == 1 ? answer(CannedResponse::Action::reset) : echo(request);
  });
  CurlTransport transport(short_timeouts());
  EXPECT_THROW((void)transport.send(server.endpoint(), post("first")), TransportError);
  EXPECT_EQ(transport.send(server.endpoint(), post("second")).body, "second");
}

TEST(CurlTransport, ResponseBodyOverTheCapIsTransportError) {
  LocalHttpServer server([](const ReceivedRequest&) {
    CannedResponse response;
    response.body = std::string(5000, 'x');
    return response;
  });
  TransportOptions options;
  options.max_response_bytes = 1000;
  CurlTransport transport(options);
  try {
    (void)transport.send(server.endpoint(), post("{}"));
    FAIL() << "expected TransportError";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("larger than 1000 bytes"));
  }
}

TEST(CurlTransport, RejectsInvalidOptions) {
  TransportOptions negative;
  negative.request_timeout = std::chrono::milliseconds(-1);
  EXPECT_THROW(CurlTransport{negative}, InvalidArgument);
  TransportOptions no_body;
  no_body.max_response_bytes = 0;
  EXPECT_THROW(CurlTransport{no_body}, InvalidArgument);
}

}  // namespace
}  // namespace lease::aws

namespace lease::aws {
namespace {

TEST(CurlTransport, RequestTimeoutCapsTheTransportsTimeout) {
  LocalHttpServer server([](const ReceivedRequest&) { return answer(CannedResponse::Action::never_answer); });
  TransportOptions options;
  options.request_timeout = std::chrono::milliseconds(0);  // none: only the request's own cap can end it
  CurlTransport transport(options);
  HttpRequest request;
  request.body = "{}";
  request.timeout = std::chrono::milliseconds(200);
  EXPECT_THROW((void)transport.send(server.endpoint(), request), TransportError);
}

}  // namespace
}  // namespace lease::aws

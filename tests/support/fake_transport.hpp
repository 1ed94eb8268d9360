#pragma once
// A scripted HttpTransport for unit tests of failures DynamoDB Local cannot produce (HTML 503 pages,
// truncated JSON, throttling, connection failures), and builders of such responses.

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "aws/http.hpp"

namespace lease::testing {

/// Answers each send() with the next scripted step: a response, or a lease::TransportError.
/// A send() with nothing left in the script fails the test and throws TransportError.
/// Thread-safe: steps are consumed in call order whatever the thread.
class FakeTransport final : public aws::HttpTransport {
 public:
  /// Queues a response for a later send().
  FakeTransport& then_respond(aws::HttpResponse response);
  /// Queues a lease::TransportError with that message for a later send().
  FakeTransport& then_fail(std::string message);

  aws::HttpResponse send(const std::string& endpoint, const aws::HttpRequest& request) override;

  /// Requests received so far, in order.
  [[nodiscard]] std::vector<aws::HttpRequest> requests() const;
  /// Endpoints of the requests received so far, in order.
  [[nodiscard]] std::vector<std::string> endpoints() const;
  /// Steps not consumed yet.
  [[nodiscard]] std::size_t remaining() const;

 private:
  struct Failure {
    std::string message;
  };
  mutable std::mutex mutex_;
  std::deque<std::variant<aws::HttpResponse, Failure>> script_;  // guarded by mutex_
  std::vector<aws::HttpRequest> requests_;                      // guarded by mutex_
  std::vector<std::string> endpoints_;                          // guarded by mutex_
};

/// A DynamoDB JSON response: Content-Type application/x-amz-json-1.0 and an x-amzn-RequestId.
[[nodiscard]] aws::HttpResponse json_response(long status, std::string body,
                                              std::string request_id = "FAKE-REQUEST-ID");
/// A DynamoDB error: {"__type":"com.amazonaws.dynamodb.v20120810#<code>","message":"<message>"}.
[[nodiscard]] aws::HttpResponse error_response(long status, std::string_view code, std::string_view message,
                                               std::string request_id = "FAKE-REQUEST-ID");
/// A load balancer's HTML error page (text/html, no request id).
[[nodiscard]] aws::HttpResponse html_response(long status);

}  // namespace lease::testing

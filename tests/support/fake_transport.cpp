#include "support/fake_transport.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <utility>

#include "lease/error.hpp"

namespace lease::testing {

FakeTransport& FakeTransport::then_respond(aws::HttpResponse response) {
  std::lock_guard lock(mutex_);
  script_.emplace_back(std::move(response));
  return *this;
}

FakeTransport& FakeTransport::then_fail(std::string message) {
  std::lock_guard lock(mutex_);
  script_.emplace_back(Failure{std::move(message)});
  return *this;
}

aws::HttpResponse FakeTransport::send(const std::string& endpoint, const aws::HttpRequest& request) {
  std::unique_lock lock(mutex_);
  requests_.push_back(request);
  endpoints_.push_back(endpoint);
  if (script_.empty()) {
    lock.unlock();
    ADD_FAILURE() << "FakeTransport: unexpected request " << request.method << " " << endpoint << request.path
                  << " (script exhausted)";
    throw TransportError("FakeTransport: no scripted response left");
  }
  auto step = std::move(script_.front());
  script_.pop_front();
  lock.unlock();
  if (auto* failure = std::get_if<Failure>(&step)) throw TransportError(failure->message);
  return std::get<aws::HttpResponse>(std::move(step));
}

std::vector<aws::HttpRequest> FakeTransport::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<std::string> FakeTransport::endpoints() const {
  std::lock_guard lock(mutex_);
  return endpoints_;
}

std::size_t FakeTransport::remaining() const {
  std::lock_guard lock(mutex_);
  return script_.size();
}

aws::HttpResponse json_response(long status, std::string body, std::string request_id) {
  aws::HttpResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/x-amz-json-1.0"},
                      {"Content-Length", std::to_string(body.size())},
                      {"x-amzn-RequestId", std::move(request_id)}};
  response.body = std::move(body);
  return response;
}

aws::HttpResponse error_response(long status, std::string_view code, std::string_view message,
                                 std::string request_id) {
  const nlohmann::json body{{"__type", "com.amazonaws.dynamodb.v20120810#" + std::string(code)},
                            {"message", std::string(message)}};
  return json_response(status, body.dump(), std::move(request_id));
}

aws::HttpResponse html_response(long status) {
  aws::HttpResponse response;
  response.status = status;
  response.body = "<html>\r\n<head><title>" + std::to_string(status) +
                  " Service Temporarily Unavailable</title></head>\r\n<body><center><h1>" + std::to_string(status) +
                  " Service Temporarily Unavailable</h1></center></body>\r\n</html>\r\n";
  response.headers = {{"Content-Type", "text/html"}, {"Content-Length", std::to_string(response.body.size())}};
  return response;
}

}  // namespace lease::testing

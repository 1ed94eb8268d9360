// Fuzz target: a non-2xx DynamoDB response -> lease::dynamodb::throw_error_response, which must
// always throw a lease::Error subtype, whatever the body (JSON error, HTML page, garbage, truncated).
// Input: byte 0 picks the status, byte 1 the headers, the rest is the body.

#include <array>

#include <nlohmann/json.hpp>

#include "dynamodb/errors.hpp"
#include "fuzz_support.hpp"

namespace {

namespace fz = lease::fuzz;

constexpr std::array kStatuses{400, 403, 404, 413, 429, 500, 502, 503, 504, 200, 302, 0, 999, -1};

lease::aws::HttpResponse response_of(const std::uint8_t* data, std::size_t size) {
  lease::aws::HttpResponse response;
  response.status = size > 0 ? kStatuses[data[0] % kStatuses.size()] : 400;
  const unsigned headers = size > 1 ? data[1] : 0;
  if (headers & 1u) response.headers.push_back({"x-amzn-RequestId", "REQ123"});
  if (headers & 2u) response.headers.push_back({"Content-Type", "application/x-amz-json-1.0"});
  if (headers & 4u) response.headers.push_back({"Content-Type", "text/html"});
  if (headers & 8u) response.headers.push_back({"x-amzn-ErrorType", "ThrottlingException:http://internal/"});
  if (headers & 16u) response.headers.push_back({"X-Amzn-ErrorType", ""});
  if (size > 2) response.body.assign(reinterpret_cast<const char*>(data) + 2, size - 2);
  return response;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const lease::aws::HttpResponse response = response_of(data, size);
  try {
    lease::dynamodb::throw_error_response(response);
  } catch (const lease::Error& e) {
    if (e.http_status() != static_cast<int>(response.status)) fz::fail("the error lost the HTTP status");
    if (e.code().empty()) fz::fail("an error without a code");
    // A body that is no JSON object at all: a ProtocolError, retryable exactly for 5xx and 429.
    if (!nlohmann::json::parse(response.body, nullptr, false).is_object()) {
      if (dynamic_cast<const lease::ProtocolError*>(&e) == nullptr) fz::fail("not a ProtocolError");
      if (e.retryable() != (response.status >= 500 || response.status == 429)) fz::fail("wrong retryable");
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "throw_error_response: an untyped exception escaped: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "throw_error_response: an exception of unknown type escaped\n");
  }
  std::abort();
}

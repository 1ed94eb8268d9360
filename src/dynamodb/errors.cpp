#include "dynamodb/errors.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <string_view>
#include <utility>

#include "dynamodb/attribute_json.hpp"

namespace lease::dynamodb {

namespace {

enum class Kind { not_found, conditional, throttling, validation, auth, transient, service };

struct KnownCode {
  std::string_view name;  // without a trailing "Exception"
  Kind kind;
};

constexpr std::array kKnownCodes{
    KnownCode{"ResourceNotFound", Kind::not_found},
    KnownCode{"ConditionalCheckFailed", Kind::conditional},
    KnownCode{"ProvisionedThroughputExceeded", Kind::throttling},
    KnownCode{"Throttling", Kind::throttling},
    KnownCode{"Throttled", Kind::throttling},
    KnownCode{"RequestThrottled", Kind::throttling},
    KnownCode{"RequestLimitExceeded", Kind::throttling},
    KnownCode{"TooManyRequests", Kind::throttling},
    KnownCode{"Validation", Kind::validation},
    KnownCode{"Serialization", Kind::validation},
    KnownCode{"UnrecognizedClient", Kind::auth},
    KnownCode{"AccessDenied", Kind::auth},
    KnownCode{"InvalidSignature", Kind::auth},
    KnownCode{"MissingAuthenticationToken", Kind::auth},
    KnownCode{"IncompleteSignature", Kind::auth},
    KnownCode{"ExpiredToken", Kind::auth},
    KnownCode{"InvalidClientTokenId", Kind::auth},
    KnownCode{"SignatureDoesNotMatch", Kind::auth},
    KnownCode{"TransactionConflict", Kind::transient},
    KnownCode{"ReplicatedWriteConflict", Kind::transient},
    KnownCode{"InternalServerError", Kind::transient},
    KnownCode{"InternalFailure", Kind::transient},
    KnownCode{"ServiceUnavailable", Kind::transient},
    KnownCode{"ItemCollectionSizeLimitExceeded", Kind::service},
    KnownCode{"LimitExceeded", Kind::service},
    KnownCode{"ResourceInUse", Kind::service},
    KnownCode{"TransactionCanceled", Kind::service},
    KnownCode{"TransactionInProgress", Kind::service},
    KnownCode{"IdempotentParameterMismatch", Kind::service},
};

Kind classify(std::string_view code, long status) {
  std::string_view base = code;
  if (base.ends_with("Exception")) base.remove_suffix(9);
  for (const auto& known : kKnownCodes) {
    if (known.name == base) return known.kind;
  }
  if (status >= 500) return Kind::transient;
  if (status == 429) return Kind::throttling;
  if (status >= 400) return Kind::validation;
  return Kind::service;
}

// The error code of a response: the part of "__type" after '#', else of x-amzn-ErrorType before ':'.
std::string error_code(const nlohmann::json& body, const aws::HttpResponse& response) {
  if (const auto type = body.find("__type"); type != body.end() && type->is_string()) {
    const auto& text = type->get_ref<const std::string&>();
    return text.substr(text.rfind('#') + 1);  // npos + 1 == 0: the whole text
  }
  const std::string_view header = response.header("x-amzn-ErrorType");
  return std::string(header.substr(0, header.find(':')));
}

std::string error_message(const nlohmann::json& body) {
  for (const char* key : {"message", "Message"}) {
    if (const auto it = body.find(key); it != body.end() && it->is_string()) return it->get<std::string>();
  }
  return "(no message)";
}

// " (HTTP 400, request id X)"
std::string describe_response(long status, const std::string& request_id) {
  std::string text = " (HTTP " + std::to_string(status);
  if (!request_id.empty()) text += ", request id " + request_id;
  return text + ")";
}

// A short printable excerpt of an unexpected body, for the error message.
std::string excerpt(std::string_view body) {
  constexpr std::size_t kMax = 120;
  std::string text;
  for (const char c : body.substr(0, kMax)) text += (c >= 0x20 && c < 0x7f) ? c : ' ';
  if (body.size() > kMax) text += "...";
  return text;
}

[[noreturn]] void throw_unreadable(const aws::HttpResponse& response, const std::string& request_id) {
  const int status = static_cast<int>(response.status);
  std::string message = "HTTP " + std::to_string(status) + " response is not a DynamoDB error";
  const std::string_view content_type = response.header("Content-Type");
  message += " (" + (content_type.empty() ? std::string("no content type") : std::string(content_type)) + ", " +
             std::to_string(response.body.size()) + " bytes)";
  if (!response.body.empty()) message += ": " + excerpt(response.body);
  if (!request_id.empty()) message += " [request id " + request_id + "]";
  throw ProtocolError(message, status, request_id, status >= 500 || status == 429);
}

std::optional<AttributeMap> condition_item(nlohmann::json& body, long status, const std::string& request_id) {
  const auto it = body.find("Item");
  if (it == body.end() || it->is_null()) return std::nullopt;
  try {
    return map_from_json(std::move(*it), "Item");
  } catch (const lease::Error& e) {
    throw ProtocolError(std::string("ConditionalCheckFailedException with an unreadable Item: ") + e.what(),
                        static_cast<int>(status), request_id);
  }
}

}  // namespace

ConditionalCheckFailed::ConditionalCheckFailed(const std::string& message, int http_status, std::string request_id,
                                               std::optional<AttributeMap> item)
    : ServiceError("ConditionalCheckFailedException", message, http_status, std::move(request_id), false),
      item_(std::make_shared<const std::optional<AttributeMap>>(std::move(item))) {}

void throw_error_response(const aws::HttpResponse& response) {
  const std::string request_id(response.header("x-amzn-RequestId"));
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) throw_unreadable(response, request_id);
  const std::string code = error_code(body, response);
  if (code.empty()) throw_unreadable(response, request_id);

  const long status = response.status;
  const int http_status = static_cast<int>(status);
  const std::string message = code + ": " + error_message(body) + describe_response(status, request_id);
  switch (classify(code, status)) {
    case Kind::not_found:
      throw ResourceNotFound(code, message, http_status, request_id, false);
    case Kind::conditional:
      throw ConditionalCheckFailed(message, http_status, request_id, condition_item(body, status, request_id));
    case Kind::throttling:
      throw ThrottlingError(code, message, http_status, request_id, true);
    case Kind::validation:
      throw ValidationError(code, message, http_status, request_id, false);
    case Kind::auth:
      throw AuthError(code, message, http_status, request_id, false);
    case Kind::transient:
      throw ServiceError(code, message, http_status, request_id, true);
    case Kind::service:
      break;
  }
  throw ServiceError(code, message, http_status, request_id, status >= 500);
}

}  // namespace lease::dynamodb

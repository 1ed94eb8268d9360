#pragma once
// DynamoDB error responses -> the library's typed errors. Internal header (not installed).

#include <memory>
#include <optional>
#include <string>

#include "aws/http.hpp"
#include "lease/attribute_value.hpp"
#include "lease/error.hpp"

namespace lease::dynamodb {

/// A conditional write failed (`ConditionalCheckFailedException`, never retryable). Carries the
/// item's current attributes when the request asked for ReturnValuesOnConditionCheckFailure=ALL_OLD
/// and the item exists (DynamoDB returns them in the error body as "Item").
/// Thread-safety: an immutable value; copies share the item.
class ConditionalCheckFailed : public lease::ServiceError {
 public:
  ConditionalCheckFailed(const std::string& message, int http_status, std::string request_id,
                         std::optional<AttributeMap> item);

  /// The item as it was when the condition failed, or nullopt when none was returned.
  [[nodiscard]] const std::optional<AttributeMap>& item() const noexcept { return *item_; }

 private:
  std::shared_ptr<const std::optional<AttributeMap>> item_;  // shared: copying an exception must not throw
};

/// Maps a non-2xx response (DynamoDB JSON error body
/// {"__type":"com.amazonaws.dynamodb.v20120810#Code","message"|"Message":...}, request id from
/// x-amzn-RequestId) to its typed error and throws it:
///   ResourceNotFoundException -> lease::ResourceNotFound; ConditionalCheckFailedException ->
///   ConditionalCheckFailed; throttling codes -> lease::ThrottlingError (retryable); validation and
///   unknown 4xx codes -> lease::ValidationError; authentication codes -> lease::AuthError;
///   TransactionConflict, InternalServerError, ServiceUnavailable and any 5xx -> lease::ServiceError
///   (retryable); other service codes (LimitExceeded, ...) -> lease::ServiceError.
/// A body that is not a DynamoDB JSON error (HTML page, empty, truncated) -> lease::ProtocolError with
/// the HTTP status, retryable for 5xx and 429. An unreadable "Item" also gives lease::ProtocolError.
[[noreturn]] void throw_error_response(const aws::HttpResponse& response);

}  // namespace lease::dynamodb

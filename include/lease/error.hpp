#pragma once
/// \file
/// Typed errors. Every failure the library reports is a `lease::Error` (or a subclass); the library
/// never aborts or exits. Contention ("not obtained") is not an error: it is an empty optional.
///
/// Thread-safety: error objects are immutable values; copying them between threads is safe.
///
/// Example:
/// \code
///   try { pool.obtain(request); }
///   catch (const lease::ResourceNotFound& e) { /* table missing: e.code() == "ResourceNotFoundException" */ }
///   catch (const lease::Error& e) { if (e.retryable()) { /* try again later */ } }
/// \endcode

#include <stdexcept>
#include <string>
#include <utility>

namespace lease {

/// Base of every error the library throws.
class Error : public std::runtime_error {
 public:
  /// `code` is the AWS error code (e.g. "ThrottlingException") or one of the library's own codes
  /// ("InvalidArgument", "Configuration", "Transport", "Protocol", "LeaseLost", "DataMapping").
  Error(std::string code, const std::string& message, int http_status = 0, std::string request_id = {},
        bool retryable = false)
      : std::runtime_error(message),
        code_(std::move(code)),
        request_id_(std::move(request_id)),
        http_status_(http_status),
        retryable_(retryable) {}

  /// The AWS error code (the part of `__type` after '#') or the library's own code.
  [[nodiscard]] const std::string& code() const noexcept { return code_; }
  /// HTTP status of the response that carried the error; 0 when no response was received.
  [[nodiscard]] int http_status() const noexcept { return http_status_; }
  /// `x-amzn-RequestId` of the failing response, empty when none.
  [[nodiscard]] const std::string& request_id() const noexcept { return request_id_; }
  /// True when the same call may succeed if repeated later (throttling, 5xx, network).
  [[nodiscard]] bool retryable() const noexcept { return retryable_; }

 private:
  std::string code_;
  std::string request_id_;
  int http_status_;
  bool retryable_;
};

/// A caller passed a bad argument (empty key, non-positive duration, reserved names misused, ...).
class InvalidArgument : public Error {
 public:
  explicit InvalidArgument(const std::string& message) : Error("InvalidArgument", message) {}
};

/// Configuration could not be resolved (no credentials, no region, unreadable profile, bad endpoint).
class ConfigurationError : public Error {
 public:
  explicit ConfigurationError(const std::string& message) : Error("Configuration", message) {}
};

/// The request did not produce a usable HTTP response (connect failure, timeout, reset, TLS error).
/// Always retryable: the server may or may not have applied the request.
class TransportError : public Error {
 public:
  explicit TransportError(const std::string& message) : Error("Transport", message, 0, {}, true) {}
};

/// The server answered something that is not a valid DynamoDB response (bad JSON, wrong shape).
class ProtocolError : public Error {
 public:
  ProtocolError(const std::string& message, int http_status = 0, std::string request_id = {},
                bool retryable = false)
      : Error("Protocol", message, http_status, std::move(request_id), retryable) {}
};

/// DynamoDB answered with an error (`__type` in the body).
class ServiceError : public Error {
 public:
  using Error::Error;
};

/// The table (or index) does not exist: `ResourceNotFoundException`.
class ResourceNotFound : public ServiceError {
 public:
  using ServiceError::ServiceError;
};

/// The request was rejected as malformed: `ValidationException` and similar 4xx client errors.
class ValidationError : public ServiceError {
 public:
  using ServiceError::ServiceError;
};

/// Throttled: `ProvisionedThroughputExceededException`, `ThrottlingException`,
/// `RequestLimitExceeded`. Retryable.
class ThrottlingError : public ServiceError {
 public:
  using ServiceError::ServiceError;
};

/// Authentication or authorisation failed (`UnrecognizedClientException`, `AccessDeniedException`,
/// `InvalidSignatureException`, ...). Never retried.
class AuthError : public ServiceError {
 public:
  using ServiceError::ServiceError;
};

}  // namespace lease

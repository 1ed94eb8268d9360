#pragma once
/// \file
/// How to reach DynamoDB: endpoint, region, credentials, timeouts and retries.
/// Every field left empty is resolved the way AWS SDKs do (see README "Configuration").

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "lease/logger.hpp"

namespace lease {

/// Retry policy for retryable failures (throttling, 5xx, transport errors): capped exponential
/// backoff with full jitter, bounded in attempts and in total time.
struct RetryOptions {
  int max_attempts = 8;                             ///< attempts in all, the first included (1 = no retry)
  std::chrono::milliseconds base_delay{25};         ///< backoff cap of the first retry; doubles each retry
  std::chrono::milliseconds max_delay{2'000};       ///< upper bound of any single backoff
  std::chrono::milliseconds max_total{20'000};      ///< no retry starts after this much time since the first attempt
};

/// Static credentials given explicitly (they take precedence over the environment and files).
struct StaticCredentials {
  std::string access_key_id;      ///< AWS access key id
  std::string secret_access_key;  ///< AWS secret access key (never logged or printed)
  std::string session_token;      ///< optional STS session token (never logged or printed)
};

/// Options of a `lease::Client`. Empty fields fall back to environment variables, then shared files.
struct ClientOptions {
  std::string endpoint_url;                            ///< e.g. "http://127.0.0.1:8000"; else AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL, regional
  std::string region;                                  ///< else AWS_REGION, AWS_DEFAULT_REGION, the profile's region
  std::string profile;                                 ///< else AWS_PROFILE, else "default"
  std::optional<StaticCredentials> credentials;        ///< else environment, then ~/.aws/credentials and ~/.aws/config
  std::chrono::milliseconds connect_timeout{3'000};    ///< TCP + TLS connect timeout per attempt
  std::chrono::milliseconds request_timeout{10'000};   ///< whole-request timeout per attempt
  std::size_t max_connections = 32;                    ///< kept-alive connections pooled for reuse
  RetryOptions retry;                                  ///< retry policy for retryable errors
  Logger logger;                                       ///< diagnostics sink; empty logs nothing
};

}  // namespace lease

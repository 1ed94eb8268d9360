#pragma once
// AWS Signature Version 4 (header form): a pure function of the request, the credentials, the
// region, the service and a time. No network, no clock, no environment. Internal header.
//
// Thread-safety: every function here is reentrant; concurrent calls on different requests are safe.

#include <array>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>

#include "aws/http.hpp"

namespace lease::aws {

/// AWS credentials used to sign. `session_token` is empty for long-term keys.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;  // never logged or put in an error message
  std::string session_token;      // never logged or put in an error message
};

/// What the signature is scoped to, and how the request is canonicalised.
struct SigningParams {
  std::string region;                           // e.g. "us-east-1"
  std::string service;                          // e.g. "dynamodb"
  std::chrono::system_clock::time_point time;   // signing time (whole seconds are used)
  bool normalize_path = true;                   // remove dot segments and collapse '/' (all but S3)
  bool sign_body = false;                       // also add and sign X-Amz-Content-Sha256
  bool omit_session_token = false;              // add X-Amz-Security-Token after signing, unsigned
};

/// The intermediate and final values of one signature (for diagnostics and tests: they contain
/// the signature, so never log them).
struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex HMAC-SHA256
  std::string authorization;  // the value of the Authorization header set on the request
};

/// The HMAC-SHA256 key derived from the secret for one (date, region, service). It is valid for a
/// whole UTC day, so a caller may cache it per scope. It is as sensitive as the secret itself.
using SigningKey = std::array<unsigned char, 32>;

/// Derives the signing key: HMAC chain "AWS4"+secret -> date (YYYYMMDD) -> region -> service ->
/// "aws4_request". Throws lease::Error (code "Internal") only if OpenSSL fails.
[[nodiscard]] SigningKey derive_signing_key(std::string_view secret_access_key, std::string_view date,
                                            std::string_view region, std::string_view service);

/// Remembers the signing key of the last (secret, date, region, service) it derived, so a client
/// derives it once a day instead of once per request (four HMACs saved per signature). Holds a copy
/// of the secret and the key (both wiped when replaced or destroyed); never log it. Thread-safe: a
/// mutex guards its single entry.
class SigningKeyCache {
 public:
  SigningKeyCache() = default;
  ~SigningKeyCache();
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  /// The key for this scope: the cached one when secret, date, region and service are the same as
  /// last time, else a newly derived one (which replaces it).
  [[nodiscard]] SigningKey get(std::string_view secret_access_key, std::string_view date, std::string_view region,
                               std::string_view service);
  /// Keys derived so far (the cache misses).
  [[nodiscard]] std::size_t derivations() const;

 private:
  void wipe() noexcept;

  mutable std::mutex mutex_;
  std::string secret_;
  std::string scope_;  // "date/region/service"
  SigningKey key_{};
  std::size_t derivations_ = 0;
};

/// Canonicalises and signs `request` with the Authorization header (replacing any previous one, so a
/// request can be signed again before a retry). Sets X-Amz-Date from `params.time`; sets
/// X-Amz-Security-Token when the credentials carry a session token (and removes a stale one when
/// they do not); the body hash is SHA-256 of `request.body`. The request must carry a Host header.
/// Throws lease::InvalidArgument for missing credentials, region, service or Host header.
/// With a `cache`, the signing key comes from it (same signature, fewer HMACs).
SigningResult sign(HttpRequest& request, const Credentials& credentials, const SigningParams& params,
                   SigningKeyCache* cache = nullptr);

// Building blocks, exposed for tests and for a later signing-key cache.

/// "YYYYMMDDTHHMMSSZ" in UTC (the X-Amz-Date format).
[[nodiscard]] std::string amz_date(std::chrono::system_clock::time_point time);
/// Lower-case hex SHA-256 of `data`.
[[nodiscard]] std::string sha256_hex(std::string_view data);
/// RFC 3986 percent-encoding of every byte but the unreserved ones (and '/' when `keep_slash`).
[[nodiscard]] std::string uri_encode(std::string_view text, bool keep_slash);
/// The canonical URI: optionally normalised (dot segments removed, slashes collapsed), then encoded.
/// The path is encoded as given, so an already-encoded path is encoded twice, as SigV4 requires for
/// every service but S3.
[[nodiscard]] std::string canonical_path(std::string_view path, bool normalize);
/// The canonical query string: parameters decoded, re-encoded strictly and sorted by name, value.
[[nodiscard]] std::string canonical_query(std::string_view query);

}  // namespace lease::aws

#pragma once
// Resolution of endpoint, region and credentials from ClientOptions, the environment and the AWS
// shared files, in the order AWS SDKs use (see README "Configuration"). Internal header.
//
// Thread-safety: resolve_config is reentrant; it reads the files it needs on every call and keeps
// nothing. Environment::process() reads the process environment (getenv), which must not be
// modified concurrently.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "aws/sigv4.hpp"
#include "lease/client_options.hpp"

namespace lease::aws {

/// Where environment variables and the home directory come from; tests inject their own.
struct Environment {
  std::function<std::optional<std::string>(std::string_view)> get;  // getenv; empty means "no variables"
  std::string home;                                                 // for ~/.aws/...; empty: no home

  /// The real process environment (getenv; home from HOME, else USERPROFILE).
  static Environment process();
};

/// Where to send requests and how to sign them.
struct ResolvedConfig {
  std::string endpoint;            // "scheme://host[:port]" without trailing slash or path
  std::string region;
  Credentials credentials;
  std::string credentials_source;  // e.g. "explicit", "environment",
                                   // "shared credentials file /root/.aws/credentials [default]"
};

/// Resolves the configuration. Precedence:
/// - credentials: options.credentials > AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY(/AWS_SESSION_TOKEN)
///   > shared credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, [NAME])
///   > shared config file (AWS_CONFIG_FILE or ~/.aws/config, [profile NAME], or [default]);
/// - profile NAME: options.profile > AWS_PROFILE > "default";
/// - region: options.region > AWS_REGION > AWS_DEFAULT_REGION > the profile's `region` (config file);
/// - endpoint: options.endpoint_url > AWS_ENDPOINT_URL_DYNAMODB > AWS_ENDPOINT_URL > the profile's
///   `endpoint_url` (config file) > https://dynamodb.REGION.amazonaws.com (.com.cn for cn-*).
/// The endpoint is validated with parse_endpoint (http/https, a host, no path).
/// Empty values count as unset. The shared files are read only when something is still missing;
/// then a profile named explicitly (options or AWS_PROFILE) must exist in one of them.
/// Throws lease::ConfigurationError when credentials or region are missing (the message lists every
/// place looked at), when a value is invalid or partial, or a file is unreadable or malformed.
/// Messages never contain secret keys or session tokens.
[[nodiscard]] ResolvedConfig resolve_config(const lease::ClientOptions& options, const Environment& env);

}  // namespace lease::aws

#pragma once
// Splitting an endpoint URL into what the transport needs ("scheme://authority") and the Host
// header the request is signed with. Stateless: safe from any thread. Internal header.

#include <string>
#include <string_view>

namespace lease::aws {

/// An endpoint, parsed.
struct Endpoint {
  std::string url;   // "scheme://host[:port]", no path: what aws::HttpTransport::send takes
  std::string host;  // "host[:port]": the Host header
};

/// Parses "http(s)://host[:port][/]" with libcurl's URL parser. Throws lease::ConfigurationError for
/// anything else (another scheme, a path, a query, user info).
[[nodiscard]] Endpoint parse_endpoint(std::string_view url);

}  // namespace lease::aws

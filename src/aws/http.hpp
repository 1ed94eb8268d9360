#pragma once
// HTTP request/response values and the transport interface shared by the signer, the libcurl
// transport and the DynamoDB client. Internal header (not installed).

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace lease::aws {

struct Header {
  std::string name;
  std::string value;
};

/// One HTTP request, as the signer sees it and the transport sends it.
struct HttpRequest {
  std::string method = "POST";  // "GET", "POST", ...
  std::string path = "/";       // raw path as sent on the wire (already percent-encoded)
  std::string query;            // raw query string without the leading '?', may be empty
  std::vector<Header> headers;  // in order; names as given (the signer lower-cases for signing)
  std::string body;
  std::chrono::milliseconds timeout{0};  // caps the transport's connect and request timeouts; 0: no cap
};

/// One HTTP response.
struct HttpResponse {
  long status = 0;
  std::vector<Header> headers;  // names as received
  std::string body;

  /// First header of that name (case-insensitive), or empty.
  [[nodiscard]] std::string_view header(std::string_view name) const;
};

/// Sends requests. Implementations are safe to call from several threads at once.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  /// Sends `request` to `endpoint` ("scheme://host[:port]", no path). Returns any response the server
  /// gave, whatever its status. Throws lease::TransportError when no complete response was received
  /// (connect failure, timeout, reset, TLS failure).
  virtual HttpResponse send(const std::string& endpoint, const HttpRequest& request) = 0;
};

}  // namespace lease::aws

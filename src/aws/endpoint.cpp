#include "aws/endpoint.hpp"

#include <curl/curl.h>

#include <memory>
#include <optional>

#include "lease/error.hpp"

namespace lease::aws {

namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const noexcept { curl_url_cleanup(url); }
};
struct PartDeleter {
  void operator()(char* part) const noexcept { curl_free(part); }
};

/// One part of `url`, or nullopt when the URL has none.
std::optional<std::string> url_part(CURLU* url, CURLUPart which) {
  char* raw = nullptr;
  if (curl_url_get(url, which, &raw, 0) != CURLUE_OK || raw == nullptr) return std::nullopt;
  std::unique_ptr<char, PartDeleter> part(raw);
  return std::string(part.get());
}

// "scheme://user:password@host/..." -> "scheme://***@host/...": a password never reaches a message.
std::string redact_user_info(std::string_view url) {
  const auto start = url.find("://");
  const auto from = start == std::string_view::npos ? 0 : start + 3;
  const auto end = url.find_first_of("/?#", from);
  const auto at = url.substr(from, end == std::string_view::npos ? std::string_view::npos : end - from).rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, from)) + "***" + std::string(url.substr(from + at));
}

[[noreturn]] void reject(std::string_view url, std::string_view why) {
  throw lease::ConfigurationError("endpoint '" + redact_user_info(url) + "' " + std::string(why));
}

}  // namespace

Endpoint parse_endpoint(std::string_view text) {
  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (!url) throw lease::ConfigurationError("endpoint: out of memory");
  const std::string copy(text);
  if (curl_url_set(url.get(), CURLUPART_URL, copy.c_str(), 0) != CURLUE_OK) {
    reject(text, "is not a URL (expected http(s)://host[:port])");
  }
  const auto scheme = url_part(url.get(), CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https") reject(text, "must use http or https");
  if (url_part(url.get(), CURLUPART_USER) || url_part(url.get(), CURLUPART_QUERY) ||
      url_part(url.get(), CURLUPART_FRAGMENT)) {
    reject(text, "must not carry user info, a query or a fragment");
  }
  if (const auto path = url_part(url.get(), CURLUPART_PATH); path && *path != "/" && !path->empty()) {
    reject(text, "must not have a path");
  }
  const auto host = url_part(url.get(), CURLUPART_HOST);
  if (!host || host->empty()) reject(text, "has no host");
  std::string authority = *host;
  if (const auto port = url_part(url.get(), CURLUPART_PORT)) authority += ":" + *port;
  return Endpoint{*scheme + "://" + authority, authority};
}

}  // namespace lease::aws

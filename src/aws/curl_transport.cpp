#include "aws/curl_transport.hpp"

#include <curl/curl.h>
#include <strings.h>

#include <algorithm>
#include <utility>

#include "lease/error.hpp"

namespace lease::aws {

namespace {

void global_init_once() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (result != CURLE_OK) {
    throw TransportError(std::string("libcurl initialisation failed: ") + curl_easy_strerror(result));
  }
}

// "scheme://host[:port]" of an endpoint, for error messages (drops anything else, e.g. user info).
std::string describe_endpoint(const std::string& endpoint) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), &curl_url_cleanup);
  if (!url || curl_url_set(url.get(), CURLUPART_URL, endpoint.c_str(), 0) != CURLUE_OK) {
    return "an unparseable endpoint";
  }
  std::string out;
  for (const auto& [part, prefix] : {std::pair{CURLUPART_SCHEME, ""}, std::pair{CURLUPART_HOST, "://"},
                                     std::pair{CURLUPART_PORT, ":"}}) {
    char* value = nullptr;
    if (curl_url_get(url.get(), part, &value, 0) == CURLUE_OK && value != nullptr) {
      out.append(prefix).append(value);
    }
    curl_free(value);
  }
  return out;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// What the libcurl callbacks collect during one transfer.
struct Transfer {
  HttpResponse response;
  std::size_t max_body = 0;
  bool body_too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (transfer.response.body.size() + bytes > transfer.max_body) {
    transfer.body_too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  try {
    transfer.response.body.append(data, bytes);
  } catch (...) {
    return 0;
  }
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto& headers = static_cast<Transfer*>(user)->response.headers;
  const std::size_t bytes = size * count;
  const std::string_view line(data, bytes);
  try {
    if (line.starts_with("HTTP/")) {
      headers.clear();  // a new response starts (e.g. after "100 Continue"): keep only the last one's
    } else if (!line.empty() && (line.front() == ' ' || line.front() == '\t') && !headers.empty()) {
      headers.back().value.append(" ").append(trim(line));  // obsolete line folding
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
      headers.push_back(Header{std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
    }
  } catch (...) {
    return 0;
  }
  return bytes;
}

using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

HeaderList make_header_list(const HttpRequest& request) {
  HeaderList list(nullptr, &curl_slist_free_all);
  const auto append = [&list](const std::string& line) {
    curl_slist* grown = curl_slist_append(list.get(), line.c_str());
    if (grown == nullptr) throw TransportError("out of memory building HTTP request headers");
    list.release();
    list.reset(grown);
  };
  bool has_content_type = false;
  for (const auto& header : request.headers) {
    // libcurl sends "Name;" as a header with an empty value ("Name:" would remove the header).
    append(header.value.empty() ? header.name + ";" : header.name + ": " + header.value);
    has_content_type = has_content_type || strcasecmp(header.name.c_str(), "Content-Type") == 0;
  }
  append("Expect:");  // no "Expect: 100-continue" round trip
  if (!has_content_type) append("Content-Type:");  // no libcurl default form content type
  return list;
}

// Configures a (reset) easy handle for one request; the pointed-to objects must outlive the transfer.
CURLcode configure(CURL* easy, const TransportOptions& options, const std::string& url, const HttpRequest& request,
                   curl_slist* headers, Transfer& transfer, char* error_buffer) {
  CURLcode rc = CURLE_OK;
  const auto set = [easy, &rc](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(easy, option, value);
  };
  set(CURLOPT_ERRORBUFFER, error_buffer);
  set(CURLOPT_URL, url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_TCP_NODELAY, 1L);
  // A request may carry a tighter cap (a caller's deadline, e.g. a lease's local deadline).
  const auto capped = [&request](std::chrono::milliseconds limit) {
    return static_cast<long>(request.timeout.count() > 0 && (limit.count() == 0 || request.timeout < limit)
                                 ? request.timeout.count()
                                 : limit.count());
  };
  set(CURLOPT_CONNECTTIMEOUT_MS, capped(options.connect_timeout));
  set(CURLOPT_TIMEOUT_MS, capped(options.request_timeout));
  set(CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
  set(CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
  set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_response_bytes));
  set(CURLOPT_HTTPHEADER, headers);
  set(CURLOPT_WRITEFUNCTION, &on_body);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&transfer));
  set(CURLOPT_HEADERFUNCTION, &on_header);
  set(CURLOPT_HEADERDATA, static_cast<void*>(&transfer));
  if (request.method == "GET" && request.body.empty()) {
    set(CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else {
    set(CURLOPT_POST, 1L);
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    set(CURLOPT_POSTFIELDS, request.body.data());
    if (request.method != "POST") set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  return rc;
}

}  // namespace

void CurlTransport::EasyDeleter::operator()(void* easy) const noexcept { curl_easy_cleanup(static_cast<CURL*>(easy)); }

CurlTransport::CurlTransport(TransportOptions options) : options_(options) {
  if (options_.connect_timeout.count() < 0 || options_.request_timeout.count() < 0) {
    throw InvalidArgument("transport timeouts must not be negative");
  }
  if (options_.max_response_bytes == 0) throw InvalidArgument("max_response_bytes must be positive");
  global_init_once();
}

CurlTransport::~CurlTransport() = default;

CurlTransport::EasyHandle CurlTransport::check_out() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_.empty()) {
      EasyHandle easy = std::move(idle_.back());
      idle_.pop_back();
      return easy;
    }
  }
  EasyHandle easy(curl_easy_init());
  if (!easy) throw TransportError("curl_easy_init failed");
  return easy;
}

void CurlTransport::check_in(EasyHandle easy) {
  std::lock_guard lock(pool_mutex_);
  if (idle_.size() < options_.max_connections) idle_.push_back(std::move(easy));
}  // a handle beyond the pool's size (the parameter) is cleaned up after the lock is released

HttpResponse CurlTransport::send(const std::string& endpoint, const HttpRequest& request) {
  EasyHandle handle = check_out();
  auto* easy = static_cast<CURL*>(handle.get());
  curl_easy_reset(easy);  // forgets options, keeps the live connection and caches

  std::string url = endpoint + request.path;
  if (!request.query.empty()) url.append("?").append(request.query);
  const HeaderList headers = make_header_list(request);
  Transfer transfer;
  transfer.max_body = options_.max_response_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {};

  CURLcode rc = configure(easy, options_, url, request, headers.get(), transfer, error_buffer);
  if (rc == CURLE_OK) {
    requests_.fetch_add(1, std::memory_order_relaxed);
    rc = curl_easy_perform(easy);
    long connects = 0;
    if (curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK && connects > 0) {
      connections_opened_.fetch_add(static_cast<std::uint64_t>(connects), std::memory_order_relaxed);
    }
  }
  if (rc == CURLE_OK) {
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &transfer.response.status);
    check_in(std::move(handle));
    return std::move(transfer.response);
  }
  // The failed handle is dropped (not pooled): its connection is in an unknown state.
  std::string message = request.method + " " + describe_endpoint(endpoint) + " failed: ";
  if (transfer.body_too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    message += "response body larger than " + std::to_string(options_.max_response_bytes) + " bytes";
  } else {
    message += curl_easy_strerror(rc);
    if (error_buffer[0] != '\0') message.append(" (").append(error_buffer).append(")");
  }
  throw TransportError(message);
}

TransportStats CurlTransport::stats() const {
  return TransportStats{requests_.load(std::memory_order_relaxed), connections_opened_.load(std::memory_order_relaxed)};
}

}  // namespace lease::aws

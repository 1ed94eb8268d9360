#pragma once
// The production HttpTransport: libcurl easy handles, pooled so that their kept-alive connections
// are reused across requests. Internal header (not installed).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aws/http.hpp"

namespace lease::aws {

/// Timeouts and limits of a CurlTransport.
struct TransportOptions {
  std::chrono::milliseconds connect_timeout{3000};   ///< TCP + TLS connect, per request
  std::chrono::milliseconds request_timeout{10000};  ///< the whole request, per request
  std::size_t max_connections = 32;                  ///< idle handles (each with its connection) kept for reuse
  bool verify_tls = true;                            ///< verify the server's certificate and host name
  std::size_t max_response_bytes = 64 * 1024 * 1024;  ///< larger response bodies fail with TransportError
};

/// Counters since construction.
struct TransportStats {
  std::uint64_t requests = 0;            ///< requests attempted
  std::uint64_t connections_opened = 0;  ///< new connections (sum of CURLINFO_NUM_CONNECTS)
};

/// Sends HTTP requests with libcurl. Thread-safe: any number of threads may call send() at once;
/// each sender checks an easy handle out of the pool, so concurrent requests use separate connections.
class CurlTransport final : public HttpTransport {
 public:
  /// Throws lease::InvalidArgument for negative timeouts or a zero body cap.
  explicit CurlTransport(TransportOptions options);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  HttpResponse send(const std::string& endpoint, const HttpRequest& request) override;

  [[nodiscard]] TransportStats stats() const;

 private:
  struct EasyDeleter {
    void operator()(void* easy) const noexcept;
  };
  using EasyHandle = std::unique_ptr<void, EasyDeleter>;

  [[nodiscard]] EasyHandle check_out();
  void check_in(EasyHandle easy);

  const TransportOptions options_;
  std::mutex pool_mutex_;
  std::vector<EasyHandle> idle_;  // guarded by pool_mutex_
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> connections_opened_{0};
};

}  // namespace lease::aws

#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 (an ephemeral port), for unit-testing the libcurl transport
// without DynamoDB: keep-alive, canned responses, delays, abrupt closes.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "aws/http.hpp"

namespace lease::testing {

/// One request as the server received it.
struct ReceivedRequest {
  std::string method;
  std::string target;  // path and query, as on the request line
  std::vector<aws::Header> headers;
  std::string body;
  std::size_t connection = 0;  // 1-based index of the accepted socket that carried it

  /// First header of that name (case-insensitive), or nullopt.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

/// What the server does with one request.
struct CannedResponse {
  enum class Action {
    respond,                 // send the response (and keep the connection unless keep_alive is false)
    close_mid_response,      // send the headers and half of the body (Content-Length is the full size), close
    close_without_response,  // close the connection without answering
    reset,                   // abort the connection (TCP RST) without answering
    never_answer,            // keep the connection open and silent until the server stops
  };
  Action action = Action::respond;
  int status = 200;
  std::vector<aws::Header> headers;  // Content-Length and Connection are added
  std::string body;
  std::chrono::milliseconds delay{0};  // waited before acting
  bool keep_alive = true;
};

/// The server. Thread-safety: the handler is called from one thread per connection, possibly
/// concurrently; the observers (endpoint, counters, requests) may be called from any thread.
class LocalHttpServer {
 public:
  using Handler = std::function<CannedResponse(const ReceivedRequest&)>;

  /// Binds 127.0.0.1 on an ephemeral port and starts serving. Throws std::system_error.
  explicit LocalHttpServer(Handler handler);
  ~LocalHttpServer();  // stop()
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  /// "http://127.0.0.1:PORT".
  [[nodiscard]] std::string endpoint() const;
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  /// Sockets accepted so far.
  [[nodiscard]] std::size_t connections_accepted() const noexcept { return accepted_.load(); }
  /// Requests received so far, in arrival order.
  [[nodiscard]] std::vector<ReceivedRequest> requests() const;

  /// Closes every connection (silent ones included) and joins the server's threads. Idempotent.
  void stop();

 private:
  void accept_loop();
  void serve(int fd, std::size_t connection);
  [[nodiscard]] bool wait_readable(int fd);
  [[nodiscard]] bool sleep_unless_stopped(std::optional<std::chrono::milliseconds> duration);

  Handler handler_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> accepted_{0};
  mutable std::mutex mutex_;
  std::condition_variable stopped_;
  std::vector<ReceivedRequest> requests_;  // guarded by mutex_
  std::vector<std::thread> connections_;   // guarded by mutex_
  std::thread acceptor_;
};

}  // namespace lease::testing

#include "support/local_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace lease::testing {

namespace {

constexpr int kPollMillis = 20;  // how often blocked server threads look at the stop flag

[[noreturn]] void throw_errno(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent <= 0) {
      if (sent < 0 && errno == EINTR) continue;
      return;  // the client went away: nothing left to do
    }
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
}

std::string response_head(const CannedResponse& response, std::size_t content_length) {
  std::string head = "HTTP/1.1 " + std::to_string(response.status) + (response.status == 200 ? " OK" : " Status") + "\r\n";
  for (const auto& header : response.headers) head += header.name + ": " + header.value + "\r\n";
  head += "Content-Length: " + std::to_string(content_length) + "\r\n";
  head += response.keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return head;
}

// Parses the request line and headers of `head` (without the blank line) into `request`.
void parse_head(std::string_view head, ReceivedRequest& request) {
  const auto line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const auto first_space = request_line.find(' ');
  const auto second_space = request_line.find(' ', first_space + 1);
  request.method = std::string(request_line.substr(0, first_space));
  request.target = std::string(request_line.substr(first_space + 1, second_space - first_space - 1));
  std::string_view rest = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
  while (!rest.empty()) {
    const auto end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.push_back(aws::Header{std::string(line.substr(0, colon)), std::string(value)});
  }
}

}  // namespace

std::optional<std::string> ReceivedRequest::header(std::string_view name) const {
  for (const auto& header : headers) {
    if (header.name.size() == name.size() && ::strncasecmp(header.name.data(), name.data(), name.size()) == 0) {
      return header.value;
    }
  }
  return std::nullopt;
}

LocalHttpServer::LocalHttpServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw_errno("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int error = errno;
    ::close(listen_fd_);
    throw std::system_error(error, std::generic_category(), "binding 127.0.0.1:0");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

LocalHttpServer::~LocalHttpServer() { stop(); }

std::string LocalHttpServer::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<ReceivedRequest> LocalHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void LocalHttpServer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stopped_.notify_all();
  if (acceptor_.joinable()) acceptor_.join();  // no connection thread is added after this
  std::vector<std::thread> connections;
  {
    std::lock_guard lock(mutex_);
    connections.swap(connections_);
  }
  for (auto& connection : connections) connection.join();
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
}

bool LocalHttpServer::wait_readable(int fd) {
  pollfd entry{fd, POLLIN, 0};
  while (!stopping_) {
    const int ready = ::poll(&entry, 1, kPollMillis);
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
  return false;
}

bool LocalHttpServer::sleep_unless_stopped(std::optional<std::chrono::milliseconds> duration) {
  std::unique_lock lock(mutex_);
  if (!duration) {
    stopped_.wait(lock, [this] { return stopping_.load(); });
    return false;
  }
  return !stopped_.wait_for(lock, *duration, [this] { return stopping_.load(); });
}

void LocalHttpServer::accept_loop() {
  while (wait_readable(listen_fd_)) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const std::size_t connection = ++accepted_;
    std::lock_guard lock(mutex_);
    connections_.emplace_back([this, fd, connection] { serve(fd, connection); });
  }
}

void LocalHttpServer::serve(int fd, std::size_t connection) {
  std::string buffer;
  const auto read_more = [&] {
    char chunk[16 * 1024];
    if (!wait_readable(fd)) return false;
    const ssize_t received = ::recv(fd, chunk, sizeof(chunk), 0);
    if (received <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(received));
    return true;
  };
  bool open = true;
  while (open) {
    std::size_t head_end = 0;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more()) {
        ::close(fd);
        return;
      }
    }
    ReceivedRequest request;
    request.connection = connection;
    parse_head(std::string_view(buffer).substr(0, head_end), request);
    const std::size_t body_length = std::stoul(request.header("Content-Length").value_or("0"));
    const std::size_t request_end = head_end + 4 + body_length;
    while (buffer.size() < request_end) {
      if (!read_more()) {
        ::close(fd);
        return;
      }
    }
    request.body = buffer.substr(head_end + 4, body_length);
    buffer.erase(0, request_end);
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    const CannedResponse response = handler_(request);
    if (!sleep_unless_stopped(response.delay)) break;
    switch (response.action) {
      case CannedResponse::Action::respond:
        send_all(fd, response_head(response, response.body.size()) + response.body);
        open = response.keep_alive;
        break;
      case CannedResponse::Action::close_mid_response: {
        const std::size_t full = response.body.empty() ? 64 : response.body.size();
        send_all(fd, response_head(response, full) + response.body.substr(0, response.body.size() / 2));
        open = false;
        break;
      }
      case CannedResponse::Action::close_without_response:
        open = false;
        break;
      case CannedResponse::Action::reset: {
        const linger abort_on_close{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close));
        open = false;
        break;
      }
      case CannedResponse::Action::never_answer:
        (void)sleep_unless_stopped(std::nullopt);
        open = false;
        break;
    }
  }
  ::close(fd);
}

}  // namespace lease::testing

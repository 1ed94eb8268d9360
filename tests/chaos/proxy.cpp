#include "proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace lease::chaos {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxQueued = 1 << 20;  // bytes queued per direction before reading pauses
constexpr std::size_t kReadSize = 64 * 1024;

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

int listen_on(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  auto addr = loopback(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 128) != 0) {
    int err = errno;
    ::close(fd);
    throw std::system_error(err, std::generic_category(), "bind/listen on 127.0.0.1:" + std::to_string(port));
  }
  return fd;
}

int bound_port(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.sin_port);
}

void no_delay(int fd) {
  int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

// Closes with an RST instead of a FIN.
void reset_close(int fd) {
  if (fd < 0) return;
  linger hard{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  ::close(fd);
}

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  auto addr = loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  no_delay(fd);
  return fd;
}

}  // namespace

// One proxied connection: the client's socket, the upstream socket, and a queue of delayed
// chunks each way.
struct FaultProxy::Conn {
  struct Chunk {
    Clock::time_point due;
    std::string data;
    std::size_t sent = 0;
  };
  struct Direction {
    std::deque<Chunk> queue;
    std::size_t queued = 0;  // bytes not yet written
    bool eof = false;        // the source sent its FIN
    bool shut = false;       // ... and it was passed on
    [[nodiscard]] bool done() const { return eof && queue.empty(); }
    [[nodiscard]] bool due(Clock::time_point now) const { return !queue.empty() && queue.front().due <= now; }
  };
  int client = -1;
  int upstream = -1;
  bool connecting = true;
  bool closed = false;
  Direction up;    // client -> upstream
  Direction down;  // upstream -> client
};

// One control connection and the part of a line read so far.
struct FaultProxy::Control {
  int fd = -1;
  std::string input;
  bool closed = false;
};

FaultProxy::FaultProxy(int upstream_port, std::uint64_t seed, int port, int control_port)
    : upstream_port_(upstream_port), rng_(seed) {
  listen_fd_ = listen_on(port);
  control_fd_ = listen_on(control_port);
  port_ = bound_port(listen_fd_);
  control_port_ = bound_port(control_fd_);
  if (::pipe2(wake_, O_NONBLOCK | O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
}

FaultProxy::~FaultProxy() {
  close_all(true);
  for (auto& control : controls_) ::close(control->fd);
  for (int fd : {listen_fd_, control_fd_, wake_[0], wake_[1]}) {
    if (fd >= 0) ::close(fd);
  }
}

void FaultProxy::stop() noexcept {
  stopping_ = true;
  char byte = 'x';
  [[maybe_unused]] auto n = ::write(wake_[1], &byte, 1);
}

int FaultProxy::poll_timeout_ms() const {
  auto next = Clock::now() + std::chrono::milliseconds(100);
  if (!blackhole_) {
    for (const auto& conn : conns_) {
      for (const auto* dir : {&conn->up, &conn->down}) {
        if (!dir->queue.empty()) next = std::min(next, dir->queue.front().due);
      }
    }
  }
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(wait + 1, 0, 100));
}

void FaultProxy::run() {
  while (!stopping_) {
    const auto now = Clock::now();
    const bool blackholed = blackhole_;  // the poll set below was built for this setting
    std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {control_fd_, POLLIN, 0}};
    const std::size_t control_count = controls_.size();  // accept_control() may add more below
    for (const auto& control : controls_) fds.push_back({control->fd, POLLIN, 0});
    const std::size_t listen_index = fds.size();
    const std::size_t conn_count = blackholed ? 0 : conns_.size();  // accept_clients() may add more below
    if (!blackholed) {
      fds.push_back({listen_fd_, POLLIN, 0});
      for (std::size_t i = 0; i < conn_count; ++i) {
        const Conn& c = *conns_[i];
        short client = static_cast<short>((!c.up.eof && c.up.queued < kMaxQueued ? POLLIN : 0) |
                                          (c.down.due(now) ? POLLOUT : 0));
        short upstream = c.connecting ? POLLOUT
                                      : static_cast<short>((!c.down.eof && c.down.queued < kMaxQueued ? POLLIN : 0) |
                                                           (c.up.due(now) ? POLLOUT : 0));
        fds.push_back({c.client, client, 0});
        fds.push_back({c.upstream, upstream, 0});
      }
    }
    if (::poll(fds.data(), fds.size(), poll_timeout_ms()) < 0 && errno != EINTR) {
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    if (fds[0].revents != 0) {
      char buffer[64];
      while (::read(wake_[0], buffer, sizeof buffer) > 0) {
      }
    }
    if (fds[1].revents != 0) accept_control();
    for (std::size_t i = 0; i < control_count; ++i) {
      if (fds[2 + i].revents != 0) serve_control(*controls_[i]);
    }
    if (!blackholed) {
      // Every connection is pumped, events or not: delayed chunks fall due with time. A control
      // command may have closed some (pump skips those); new clients are polled from the next round.
      for (std::size_t i = 0; i < conn_count; ++i) {
        pump(*conns_[i], fds[listen_index + 1 + 2 * i].revents, fds[listen_index + 2 + 2 * i].revents);
      }
      if (fds[listen_index].revents != 0 && !blackhole_) accept_clients();
    }
    std::erase_if(conns_, [](const auto& c) { return c->closed; });
    std::erase_if(controls_, [](const auto& c) { return c->closed; });
  }
}

void FaultProxy::accept_clients() {
  for (;;) {
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0) return;
    ++stats_.accepted;
    no_delay(client);
    int upstream = connect_to(upstream_port_);
    if (upstream < 0) {
      ++stats_.reset;
      reset_close(client);
      continue;
    }
    auto conn = std::make_unique<Conn>();
    conn->client = client;
    conn->upstream = upstream;
    conns_.push_back(std::move(conn));
  }
}

void FaultProxy::pump(Conn& c, short client_events, short upstream_events) {
  if (c.closed) return;
  const auto now = Clock::now();
  auto abort = [&] {
    reset_close(c.client);
    reset_close(c.upstream);
    c.closed = true;
    ++stats_.reset;
  };
  // Reads one chunk from `fd` into `dir`; false when the connection must be reset.
  auto read_into = [&](int fd, Conn::Direction& dir) {
    std::string data(kReadSize, '\0');
    ssize_t n = ::read(fd, data.data(), data.size());
    if (n == 0) {
      dir.eof = true;
      return true;
    }
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (flaky_ > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < flaky_) return false;
    data.resize(static_cast<std::size_t>(n));
    auto jitter = jitter_.count() > 0 ? std::uniform_int_distribution<long long>(0, jitter_.count())(rng_) : 0;
    auto due = now + latency_ + std::chrono::milliseconds(jitter);
    dir.queued += data.size();
    dir.queue.push_back({due, std::move(data)});
    return true;
  };
  // Writes what is due from `dir` to `fd`; false when the connection must be reset.
  auto flush = [&](int fd, Conn::Direction& dir) {
    while (dir.due(now)) {
      auto& chunk = dir.queue.front();
      ssize_t n = ::send(fd, chunk.data.data() + chunk.sent, chunk.data.size() - chunk.sent, MSG_NOSIGNAL);
      if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
      chunk.sent += static_cast<std::size_t>(n);
      dir.queued -= static_cast<std::size_t>(n);
      stats_.bytes += static_cast<std::uint64_t>(n);
      if (chunk.sent < chunk.data.size()) return true;
      dir.queue.pop_front();
    }
    return true;
  };
  constexpr short readable = POLLIN | POLLHUP | POLLERR;
  if (c.connecting && (upstream_events & (POLLOUT | POLLERR | POLLHUP)) != 0) {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(c.upstream, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return abort();  // upstream down (e.g. DynamoDB Local restarting)
    c.connecting = false;
  }
  if ((client_events & readable) != 0 && !c.up.eof && !read_into(c.client, c.up)) return abort();
  if (!c.connecting && (upstream_events & readable) != 0 && !c.down.eof && !read_into(c.upstream, c.down)) {
    return abort();
  }
  if (!c.connecting && !flush(c.upstream, c.up)) return abort();
  if (!flush(c.client, c.down)) return abort();
  if (!c.connecting && c.up.done() && !c.up.shut) {
    ::shutdown(c.upstream, SHUT_WR);
    c.up.shut = true;
  }
  if (c.down.done() && !c.down.shut) {
    ::shutdown(c.client, SHUT_WR);
    c.down.shut = true;
  }
  if (c.up.shut && c.down.shut) {
    ::close(c.client);
    ::close(c.upstream);
    c.closed = true;
  }
}

void FaultProxy::close_all(bool reset) {
  for (auto& c : conns_) {
    if (c->closed) continue;
    if (reset) {
      reset_close(c->client);
      reset_close(c->upstream);
      ++stats_.reset;
    } else {
      ::shutdown(c->client, SHUT_RDWR);
      ::shutdown(c->upstream, SHUT_RDWR);
      ::close(c->client);
      ::close(c->upstream);
      ++stats_.dropped;
    }
    c->closed = true;
  }
}

void FaultProxy::accept_control() {
  for (;;) {
    int fd = ::accept4(control_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    auto control = std::make_unique<Control>();
    control->fd = fd;
    controls_.push_back(std::move(control));
  }
}

void FaultProxy::serve_control(Control& control) {
  char buffer[512];
  ssize_t n = ::read(control.fd, buffer, sizeof buffer);
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    ::close(control.fd);
    control.closed = true;
    return;
  }
  control.input.append(buffer, static_cast<std::size_t>(n));
  for (auto newline = control.input.find('\n'); newline != std::string::npos; newline = control.input.find('\n')) {
    std::string reply = execute(control.input.substr(0, newline)) + "\n";
    control.input.erase(0, newline + 1);
    [[maybe_unused]] auto sent = ::send(control.fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  }
  if (control.input.size() > 4096) {  // not a command: hang up
    ::close(control.fd);
    control.closed = true;
  }
}

std::string FaultProxy::execute(const std::string& line) {
  std::istringstream in(line);
  std::string command;
  in >> command;
  if (command == "latency") {
    long long ms = -1, jitter = 0;
    in >> ms >> jitter;
    if (ms < 0 || jitter < 0) return "error usage: latency MS [JITTER_MS]";
    latency_ = std::chrono::milliseconds(ms);
    jitter_ = std::chrono::milliseconds(jitter);
  } else if (command == "flaky") {
    double p = -1;
    in >> p;
    if (!(p >= 0 && p <= 1)) return "error usage: flaky P (0..1)";
    flaky_ = p;
  } else if (command == "blackhole") {
    std::string mode;
    in >> mode;
    if (mode != "on" && mode != "off") return "error usage: blackhole on|off";
    blackhole_ = mode == "on";
  } else if (command == "drop" || command == "reset") {
    close_all(command == "reset");
  } else if (command == "upstream") {
    int port = 0;
    in >> port;
    if (port <= 0 || port > 65535) return "error usage: upstream PORT";
    upstream_port_ = port;
  } else if (command == "heal") {
    latency_ = jitter_ = std::chrono::milliseconds(0);
    flaky_ = 0;
    blackhole_ = false;
  } else if (command == "stats") {
    std::size_t open = std::count_if(conns_.begin(), conns_.end(), [](const auto& c) { return !c->closed; });
    return "ok accepted=" + std::to_string(stats_.accepted) + " dropped=" + std::to_string(stats_.dropped) +
           " reset=" + std::to_string(stats_.reset) + " bytes=" + std::to_string(stats_.bytes) +
           " open=" + std::to_string(open);
  } else if (command == "quit") {
    stopping_ = true;
  } else {
    return "error unknown command '" + command + "'";
  }
  return "ok";
}

std::string proxy_command(int control_port, const std::string& line, std::chrono::milliseconds timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("proxy control: socket failed");
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  auto addr = loopback(control_port);
  std::string reply;
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  std::string request = line + "\n";
  ok = ok && ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size());
  while (ok && reply.find('\n') == std::string::npos && reply.size() < 4096) {
    char buffer[256];
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) ok = false;
    if (n > 0) reply.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (!ok) throw std::runtime_error("proxy control port " + std::to_string(control_port) + ": no answer to '" + line + "'");
  return reply.substr(0, reply.find('\n'));
}

}  // namespace lease::chaos

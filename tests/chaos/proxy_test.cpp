// The fault proxy between a client and a local echo server: it forwards both ways, and its
// commands delay, stall, drop and reset traffic as documented. No timing is asserted: only what
// arrives, in what order, and how connections end.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <string>
#include <thread>
#include <vector>

#include "proxy.hpp"

namespace lease::chaos {
namespace {

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Echoes every byte back on every connection, from one thread. Stops on destruction.
class EchoServer {
 public:
  EchoServer() {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~EchoServer() {
    stop_ = true;
    thread_.join();
    for (int fd : clients_) ::close(fd);
    ::close(listen_);
  }
  [[nodiscard]] int port() const { return port_; }

 private:
  void serve() {
    while (!stop_) {
      std::vector<pollfd> fds{{listen_, POLLIN, 0}};
      for (int fd : clients_) fds.push_back({fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents != 0) clients_.push_back(::accept(listen_, nullptr, nullptr));
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        char buffer[4096];
        ssize_t n = ::recv(fds[i].fd, buffer, sizeof buffer, 0);
        if (n > 0) {
          ::send(fds[i].fd, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL);
        } else {
          ::close(fds[i].fd);
          std::erase(clients_, fds[i].fd);
        }
      }
    }
  }

  int listen_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::vector<int> clients_;  // only touched by the server thread until it is joined
  std::thread thread_;
};

/// A proxy in front of an echo server, run on its own thread.
class ChaosProxy : public ::testing::Test {
 protected:
  ChaosProxy() : proxy_(echo_.port(), 1), thread_([this] { proxy_.run(); }) {}
  ~ChaosProxy() override {
    proxy_.stop();
    thread_.join();
    for (int fd : clients_) ::close(fd);
  }

  int client() {
    int fd = connect_loopback(proxy_.port());
    clients_.push_back(fd);
    return fd;
  }
  std::string command(const std::string& line) { return proxy_command(proxy_.control_port(), line); }

  // Reads until `n` bytes came, the peer closed, or an error (returned as a negative errno) or
  // `timeout_ms` passed without data.
  static std::string read_bytes(int fd, std::size_t n, int timeout_ms, int* error = nullptr) {
    std::string data;
    while (data.size() < n) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, timeout_ms) <= 0) break;
      char buffer[4096];
      ssize_t got = ::recv(fd, buffer, std::min(sizeof buffer, n - data.size()), 0);
      if (got <= 0) {
        if (error != nullptr) *error = got == 0 ? 0 : errno;
        break;
      }
      data.append(buffer, static_cast<std::size_t>(got));
    }
    return data;
  }
  // Echoes a few bytes on a new connection, sends `command_line` to the proxy, and returns how the
  // connection then ended for the client: 0 (FIN) or the errno of the failed read.
  int end_after(const std::string& command_line) {
    int fd = client();
    send_text(fd, "ping");
    EXPECT_EQ(read_bytes(fd, 4, 10'000), "ping");
    EXPECT_EQ(command(command_line), "ok");
    int error = -1;
    EXPECT_EQ(read_bytes(fd, 1, 10'000, &error), "");
    return error;
  }
  static void send_text(int fd, const std::string& text) {
    ASSERT_EQ(::send(fd, text.data(), text.size(), MSG_NOSIGNAL), static_cast<ssize_t>(text.size()));
  }

  EchoServer echo_;
  FaultProxy proxy_;
  std::thread thread_;
  std::vector<int> clients_;
};

TEST_F(ChaosProxy, ForwardsBothWays) {
  int fd = client();
  send_text(fd, "hello through the proxy");
  EXPECT_EQ(read_bytes(fd, 23, 10'000), "hello through the proxy");
  EXPECT_EQ(command("stats").substr(0, 13), "ok accepted=1");
}

TEST_F(ChaosProxy, LatencyKeepsEveryByteInOrder) {
  ASSERT_EQ(command("latency 20 30"), "ok");
  int fd = client();
  std::string sent;
  for (int i = 0; i < 20; ++i) {
    std::string chunk = "chunk-" + std::to_string(i) + ";";
    send_text(fd, chunk);
    sent += chunk;
  }
  EXPECT_EQ(read_bytes(fd, sent.size(), 10'000), sent);
}

TEST_F(ChaosProxy, ResetSendsAnRstToOpenConnections) { EXPECT_EQ(end_after("reset"), ECONNRESET); }

TEST_F(ChaosProxy, DropClosesOpenConnectionsWithAFin) { EXPECT_EQ(end_after("drop"), 0); }

TEST_F(ChaosProxy, BlackholeStallsTrafficUntilLifted) {
  int fd = client();
  send_text(fd, "a");
  ASSERT_EQ(read_bytes(fd, 1, 10'000), "a");
  ASSERT_EQ(command("blackhole on"), "ok");
  send_text(fd, "b");
  EXPECT_EQ(read_bytes(fd, 1, 300), "");  // stalled, not lost
  ASSERT_EQ(command("blackhole off"), "ok");
  EXPECT_EQ(read_bytes(fd, 1, 10'000), "b");
}

TEST_F(ChaosProxy, FlakyOneResetsEveryConnectionThatSendsData) {
  ASSERT_EQ(command("flaky 1"), "ok");
  int fd = client();
  send_text(fd, "doomed");
  int error = -1;
  EXPECT_EQ(read_bytes(fd, 6, 10'000, &error), "");
  EXPECT_EQ(error, ECONNRESET);
  ASSERT_EQ(command("heal"), "ok");
  int healthy = client();
  send_text(healthy, "fine");
  EXPECT_EQ(read_bytes(healthy, 4, 10'000), "fine");
}

TEST_F(ChaosProxy, UpstreamThatIsDownResetsTheClient) {
  // A port nothing listens on: bind one, note it, close it.
  int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(probe);
  ASSERT_EQ(command("upstream " + std::to_string(ntohs(addr.sin_port))), "ok");
  int fd = client();
  // The proxy may reset the connection before this send: then the send reports it, else the read.
  const bool sent = ::send(fd, "anyone?", 7, MSG_NOSIGNAL) == 7;
  int error = -1;
  EXPECT_EQ(read_bytes(fd, 1, 10'000, &error), "");
  EXPECT_TRUE(!sent || error == ECONNRESET) << "the connection ended with a FIN, not an RST";
}

TEST_F(ChaosProxy, BadCommandsAreAnsweredWithAnError) {
  EXPECT_EQ(command("explode").substr(0, 5), "error");
  EXPECT_EQ(command("flaky 2").substr(0, 5), "error");
  EXPECT_EQ(command("blackhole maybe").substr(0, 5), "error");
}

}  // namespace
}  // namespace lease::chaos

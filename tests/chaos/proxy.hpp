#pragma once
// The chaos run's TCP fault proxy: it sits on 127.0.0.1 between the workers and DynamoDB Local and,
// on command, delays traffic, drops or resets connections, and blackholes everything for a while.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace lease::chaos {

/// Counters of what the proxy did.
struct ProxyStats {
  std::uint64_t accepted = 0;  ///< client connections accepted
  std::uint64_t dropped = 0;   ///< connections closed by "drop" (FIN)
  std::uint64_t reset = 0;     ///< connections reset by "reset", by "flaky" or after an upstream failure (RST)
  std::uint64_t bytes = 0;     ///< bytes forwarded, both ways
};

/// A single-threaded poll(2) loop that forwards every connection accepted on its port to
/// 127.0.0.1:<upstream port>, and takes one-line commands on a control port:
///   latency MS [JITTER_MS]   delay every chunk, both ways, by MS plus up to JITTER_MS
///   flaky P                  reset the connection of each chunk read with probability P (0..1)
///   blackhole on|off         stop accepting, reading and writing (connections stall), or resume
///   drop                     close every connection now (FIN)
///   reset                    reset every connection now (RST)
///   upstream PORT            new connections go to this port (after a restart of the server)
///   heal                     latency 0, flaky 0, blackhole off
///   stats                    "ok accepted=.. dropped=.. reset=.. bytes=.. open=.."
///   quit                     stop serving
/// Each command is answered with one line, "ok ..." or "error ...".
/// Thread-safety: run() on one thread; stop() may be called from any thread (and from a signal
/// handler: it only stores a flag and writes one byte to a pipe).
class FaultProxy {
 public:
  /// Binds both ports on 127.0.0.1 (0: any free port). Throws std::system_error.
  FaultProxy(int upstream_port, std::uint64_t seed, int port = 0, int control_port = 0);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  [[nodiscard]] int port() const noexcept { return port_; }
  [[nodiscard]] int control_port() const noexcept { return control_port_; }
  /// Serves until stop() or "quit".
  void run();
  void stop() noexcept;

 private:
  struct Conn;
  struct Control;
  void accept_clients();
  void accept_control();
  void serve_control(Control& control);
  std::string execute(const std::string& line);
  void pump(Conn& conn, short client_events, short upstream_events);
  [[nodiscard]] int poll_timeout_ms() const;
  void close_all(bool reset);

  int upstream_port_;
  int port_ = 0;
  int control_port_ = 0;
  int listen_fd_ = -1;
  int control_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::mt19937_64 rng_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<std::unique_ptr<Control>> controls_;
  std::chrono::milliseconds latency_{0};
  std::chrono::milliseconds jitter_{0};
  double flaky_ = 0;
  bool blackhole_ = false;
  ProxyStats stats_;
};

/// Sends one command to a proxy's control port and returns its answer line (without "\n").
/// Throws std::runtime_error when the proxy cannot be reached or does not answer within `timeout`.
std::string proxy_command(int control_port, const std::string& line,
                          std::chrono::milliseconds timeout = std::chrono::milliseconds(5'000));

}  // namespace lease::chaos

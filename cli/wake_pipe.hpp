#pragma once
// A self-pipe that wakes the main loop of `run` and `watch`: signal handlers and library threads
// (lost-lease callbacks) each write one byte, the main thread waits for it with a timeout.

#include <chrono>
#include <initializer_list>
#include <optional>
#include <vector>

namespace lease::cli {

/// One per process at a time (signal handlers reach it through a global). notify() is safe from
/// any thread and from signal handlers; wait() is for one thread.
class WakePipe {
 public:
  /// The byte notify_lost() writes (no signal has number 0).
  static constexpr unsigned char kLeaseLost = 0;

  WakePipe();
  /// Restores the signal handlers it installed and closes the pipe.
  ~WakePipe();
  WakePipe(const WakePipe&) = delete;
  WakePipe& operator=(const WakePipe&) = delete;

  /// Catches these signals: each delivery writes the signal number.
  void catch_signals(std::initializer_list<int> signals);
  /// Writes `byte` (async-signal-safe and thread-safe; a no-op once the pipe is gone).
  static void notify(unsigned char byte) noexcept;
  /// The next byte written, or empty when `timeout` passes first.
  [[nodiscard]] std::optional<unsigned char> wait(std::chrono::milliseconds timeout);

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
  std::vector<int> caught_;
};

}  // namespace lease::cli

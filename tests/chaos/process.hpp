#pragma once
// Child processes of the chaos run (workers, the proxy, scripts): started with fork/exec, signalled,
// reaped with bounded waits, and never left behind.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace lease::chaos {

/// One child process. It receives SIGKILL when its parent dies (PR_SET_PDEATHSIG), and the handle
/// kills and reaps it on destruction if it still runs, so no child outlives the run.
/// Not thread-safe; create and use it on one thread (the death signal follows the creating thread).
class Child {
 public:
  Child() = default;
  /// Starts argv[0] (a path) with argv, stdin from /dev/null and stdout+stderr appended to
  /// `output_file`; `extra_env` changes this process's environment for it ("NAME=value" sets NAME,
  /// a bare "NAME" removes it).
  /// Throws std::system_error when fork fails; a failed exec makes the child exit 127.
  [[nodiscard]] static Child spawn(const std::vector<std::string>& argv, const std::string& output_file,
                                   const std::vector<std::string>& extra_env = {});
  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  /// True while it has not exited (reaps it without blocking when it has).
  [[nodiscard]] bool running();
  /// Its wait status once reaped.
  [[nodiscard]] std::optional<int> status() const noexcept { return status_; }
  /// Sends a signal (no-op once reaped).
  void signal(int sig) const noexcept;
  /// Waits up to `timeout` for it to exit; its wait status, or empty when it still runs.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);
  /// SIGTERM, up to `grace` to exit, then SIGKILL. Returns the wait status.
  int stop(std::chrono::milliseconds grace);
  /// SIGKILL (after SIGCONT, in case it was stopped) and reap. Returns the wait status.
  int kill();

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

/// Runs a command to completion, output appended to `output_file`. It is killed after `timeout`.
/// Returns its wait status.
int run_command(const std::vector<std::string>& argv, const std::string& output_file,
                const std::vector<std::string>& extra_env, std::chrono::milliseconds timeout);

/// "exit 3", "signal 9".
[[nodiscard]] std::string describe_status(int status);
/// True for a normal exit with code 0.
[[nodiscard]] bool exited_cleanly(int status) noexcept;

}  // namespace lease::chaos

#include "child_process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <set>

#include "exit_codes.hpp"

extern char** environ;

namespace lease::cli {

namespace {

std::vector<std::string> child_environment(const EnvironmentOverrides& overrides) {
  std::set<std::string, std::less<>> replaced;
  for (const auto& [name, value] : overrides) replaced.insert(name);
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    if (!replaced.contains(text.substr(0, text.find('=')))) entries.emplace_back(text);
  }
  for (const auto& [name, value] : overrides) entries.push_back(name + "=" + value);
  return entries;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& text : strings) result.push_back(text.data());
  result.push_back(nullptr);
  return result;
}

// In the forked child: only async-signal-safe calls until exec (the parent has other threads).
[[noreturn]] void exec_child(char* const* argv, char* const* envp, int error_fd, pid_t parent) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE, SIGQUIT}) ::signal(signal, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execvpe(argv[0], argv, envp);
  const int error = errno;
  [[maybe_unused]] auto written = ::write(error_fd, &error, sizeof error);
  ::_exit(127);
}

}  // namespace

pid_t start_child(const std::vector<std::string>& argv, const EnvironmentOverrides& overrides) {
  std::vector<std::string> args = argv;
  std::vector<std::string> env = child_environment(overrides);
  auto arg_pointers = pointers(args);
  auto env_pointers = pointers(env);
  int error_pipe[2];
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) {
    throw CommandFailure(126, std::string("cannot start '") + argv[0] + "': " + std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child == 0) exec_child(arg_pointers.data(), env_pointers.data(), error_pipe[1], parent);
  const int fork_error = errno;
  ::close(error_pipe[1]);
  if (child < 0) {
    ::close(error_pipe[0]);
    throw CommandFailure(126, std::string("cannot start '") + argv[0] + "': " + std::strerror(fork_error));
  }
  ::setpgid(child, child);  // also here, so signals sent right away reach the group
  int exec_error = 0;
  ssize_t got = 0;
  do {
    got = ::read(error_pipe[0], &exec_error, sizeof exec_error);  // EOF: exec succeeded (close-on-exec)
  } while (got < 0 && errno == EINTR);
  ::close(error_pipe[0]);
  if (got == static_cast<ssize_t>(sizeof exec_error)) {
    while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
    throw CommandFailure(exec_error == ENOENT ? 127 : 126,
                         std::string("cannot run '") + argv[0] + "': " + std::strerror(exec_error));
  }
  return child;
}

void signal_child(pid_t child, int signal) noexcept {
  if (::kill(-child, signal) != 0) ::kill(child, signal);
}

std::optional<int> reap_child(pid_t child) {
  int status = 0;
  pid_t done = 0;
  do {
    done = ::waitpid(child, &status, WNOHANG);
  } while (done < 0 && errno == EINTR);
  if (done != child) return std::nullopt;
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace lease::cli

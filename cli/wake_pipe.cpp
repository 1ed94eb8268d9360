#include "wake_pipe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace lease::cli {

namespace {

std::atomic<int> g_write_fd{-1};

extern "C" void on_signal(int signal) {
  const int saved = errno;
  WakePipe::notify(static_cast<unsigned char>(signal));
  errno = saved;
}

}  // namespace

WakePipe::WakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  read_fd_ = fds[0];
  write_fd_ = fds[1];
  g_write_fd = write_fd_;
}

WakePipe::~WakePipe() {
  for (int signal : caught_) std::signal(signal, SIG_DFL);
  g_write_fd = -1;
  ::close(read_fd_);
  ::close(write_fd_);
}

void WakePipe::catch_signals(std::initializer_list<int> signals) {
  caught_.insert(caught_.end(), signals.begin(), signals.end());
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int signal : signals) ::sigaction(signal, &action, nullptr);
}

void WakePipe::notify(unsigned char byte) noexcept {
  const int fd = g_write_fd.load();
  if (fd < 0) return;
  [[maybe_unused]] auto written = ::write(fd, &byte, 1);  // a full pipe already wakes the reader
}

std::optional<unsigned char> WakePipe::wait(std::chrono::milliseconds timeout) {
  pollfd entry{read_fd_, POLLIN, 0};
  const auto millis = std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0, std::numeric_limits<int>::max());
  const int ready = ::poll(&entry, 1, static_cast<int>(millis));
  if (ready <= 0) return std::nullopt;  // timeout, or EINTR: the caller loops anyway
  unsigned char byte = 0;
  if (::read(read_fd_, &byte, 1) != 1) return std::nullopt;
  return byte;
}

}  // namespace lease::cli

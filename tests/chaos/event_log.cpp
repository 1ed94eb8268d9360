#include "event_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "chaos_clock.hpp"

namespace lease::chaos {

EventLog::EventLog(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + path_);
}

EventLog::~EventLog() {
  if (fd_ >= 0) ::close(fd_);
}

void EventLog::write(nlohmann::json event) noexcept {
  try {
    if (!event.contains("bt")) event["bt"] = boot_ns();
    if (!event.contains("rt")) event["rt"] = real_ns();
    std::string line = event.dump() + '\n';
    std::lock_guard lock(mutex_);
    std::size_t done = 0;
    while (done < line.size()) {
      ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ++failed_;
        return;
      }
      done += static_cast<std::size_t>(n);
    }
  } catch (...) {  // out of memory, or a string that is not UTF-8: drop the event, count it
    std::lock_guard lock(mutex_);
    ++failed_;
  }
}

std::size_t EventLog::failed_writes() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

EventFile read_events(const std::string& path) {
  EventFile file;
  std::ifstream in(path);
  if (!in) {
    if (::access(path.c_str(), F_OK) != 0) return file;
    throw std::runtime_error("cannot read " + path);
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (event.is_object()) {
      file.events.push_back(std::move(event));
    } else {
      ++file.bad_lines;
    }
  }
  return file;
}

}  // namespace lease::chaos

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
    // Error texts from the network layer may hold bytes that are not UTF-8: replace, never drop.
    std::string line = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
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
  } catch (...) {  // out of memory: drop the event, count it
    std::lock_guard lock(mutex_);
    ++failed_;
  }
}

std::size_t EventLog::failed_writes() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

std::size_t for_each_event(const std::string& path, const std::function<void(nlohmann::json&& event)>& each) {
  std::ifstream in(path);
  if (!in) {
    if (::access(path.c_str(), F_OK) != 0) return 0;
    throw std::runtime_error("cannot read " + path);
  }
  std::size_t bad_lines = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (event.is_object()) {
      each(std::move(event));
    } else {
      ++bad_lines;
    }
  }
  return bad_lines;
}

EventFile read_events(const std::string& path) {
  EventFile file;
  file.bad_lines = for_each_event(path, [&](nlohmann::json&& event) { file.events.push_back(std::move(event)); });
  return file;
}

}  // namespace lease::chaos

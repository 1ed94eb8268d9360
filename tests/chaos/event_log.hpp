#pragma once
// Event logs of the chaos run: one JSON object per line. Every worker, and the orchestrator, appends
// to its own file; the checker reads them all after the run.

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lease::chaos {

/// Appends events to a file, one line each, with one write(2) per line on an O_APPEND descriptor:
/// a line is in the file as soon as write() returns, so it survives a SIGKILL of the writer.
/// Thread-safe.
class EventLog {
 public:
  /// Opens (creates) `path` for appending. Throws std::system_error.
  explicit EventLog(std::string path);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  /// Appends `event` with "bt" (CLOCK_BOOTTIME ns) and "rt" (CLOCK_REALTIME ns) unless it has them.
  /// A failed write is counted, never thrown (a worker keeps going).
  void write(nlohmann::json event) noexcept;
  [[nodiscard]] std::size_t failed_writes() const;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  mutable std::mutex mutex_;
  std::size_t failed_ = 0;
};

/// The events of one log file. A line that is not a JSON object (the last line of a process
/// killed mid-write) is counted in `bad_lines` and skipped.
struct EventFile {
  std::vector<nlohmann::json> events;
  std::size_t bad_lines = 0;
};
/// Reads a log file; a missing file reads as empty. Throws std::runtime_error when it cannot be read.
[[nodiscard]] EventFile read_events(const std::string& path);
/// Same, one event at a time (a long run's logs need not fit in memory as JSON). Returns the number
/// of bad lines.
std::size_t for_each_event(const std::string& path, const std::function<void(nlohmann::json&& event)>& each);

}  // namespace lease::chaos

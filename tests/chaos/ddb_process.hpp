#pragma once
// DynamoDB Local for a chaos run: started, stopped, paused and restarted through
// scripts/dynamodb-local, on a database folder that survives restarts.

#include <sys/types.h>

#include <string>

namespace lease::chaos {

/// One DynamoDB Local, run by `scripts/dynamodb-local start|stop DIR` with
/// LEASE_DDB_LOCAL_DBPATH=<db folder>, so its data survives a restart. Each start may pick another
/// port. Stopped on destruction (resumed first if paused). Not thread-safe.
class DdbLocal {
 public:
  /// `script`: path of scripts/dynamodb-local; `dir`: its state folder (endpoint, pid, log);
  /// `db_path`: the database folder.
  DdbLocal(std::string script, std::string dir, std::string db_path);
  ~DdbLocal();
  DdbLocal(const DdbLocal&) = delete;
  DdbLocal& operator=(const DdbLocal&) = delete;

  /// Starts it and waits until it answers. Throws std::runtime_error naming the script's output file.
  void start();
  /// Stops it (no-op when not running). Never throws.
  void stop() noexcept;
  /// SIGSTOP / SIGCONT of the Java process.
  void pause();
  void resume() noexcept;

  [[nodiscard]] const std::string& endpoint() const noexcept { return endpoint_; }
  [[nodiscard]] int port() const noexcept { return port_; }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }

 private:
  std::string script_;
  std::string dir_;
  std::string db_path_;
  std::string endpoint_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool paused_ = false;
};

}  // namespace lease::chaos

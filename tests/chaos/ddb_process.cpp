#include "ddb_process.hpp"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "process.hpp"

namespace lease::chaos {

namespace {

std::string read_word(const std::string& path) {
  std::ifstream in(path);
  std::string word;
  in >> word;
  return word;
}

}  // namespace

DdbLocal::DdbLocal(std::string script, std::string dir, std::string db_path)
    : script_(std::move(script)), dir_(std::move(dir)), db_path_(std::move(db_path)) {}

DdbLocal::~DdbLocal() { stop(); }

void DdbLocal::start() {
  std::filesystem::create_directories(dir_);
  std::filesystem::create_directories(db_path_);
  const std::string output = dir_ + "/script.out";
  // LEASE_TEST_ENDPOINT would make the script use someone else's server, which we cannot pause.
  int status = run_command({script_, "start", dir_}, output,
                           {"LEASE_DDB_LOCAL_DBPATH=" + db_path_, "LEASE_TEST_ENDPOINT"}, std::chrono::minutes(3));
  endpoint_ = read_word(dir_ + "/endpoint");
  const std::string pid = read_word(dir_ + "/pid");
  if (!exited_cleanly(status) || endpoint_.empty() || pid.empty()) {
    throw std::runtime_error("DynamoDB Local did not start (" + describe_status(status) + "); see " + output +
                             " and " + dir_ + "/log");
  }
  pid_ = static_cast<pid_t>(std::stol(pid));
  port_ = std::stoi(endpoint_.substr(endpoint_.rfind(':') + 1));
  paused_ = false;
}

void DdbLocal::stop() noexcept {
  try {
    resume();
    if (pid_ > 0 || std::filesystem::exists(dir_ + "/pid")) {
      run_command({script_, "stop", dir_}, dir_ + "/script.out", {}, std::chrono::seconds(30));
    }
  } catch (...) {  // best effort: the ctest cleanup fixture runs the script again
  }
  pid_ = -1;
  port_ = 0;
  endpoint_.clear();
}

void DdbLocal::pause() {
  if (pid_ <= 0 || ::kill(pid_, SIGSTOP) != 0) throw std::runtime_error("cannot pause DynamoDB Local");
  paused_ = true;
}

void DdbLocal::resume() noexcept {
  if (paused_ && pid_ > 0) ::kill(pid_, SIGCONT);
  paused_ = false;
}

}  // namespace lease::chaos

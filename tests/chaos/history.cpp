#include "history.hpp"

#include <algorithm>

namespace lease::chaos {

std::int64_t Holding::end() const noexcept {
  return release_begin ? std::min(*release_begin, valid_until) : valid_until;
}

namespace {

std::int64_t int_of(const nlohmann::json& event, const char* field) {
  auto it = event.find(field);
  return it != event.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

std::string string_of(const nlohmann::json& event, const char* field) {
  auto it = event.find(field);
  return it != event.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

// Applies one worker's events to the history.
class HistoryBuilder::Worker {
 public:
  Worker(std::string worker, History& history) : worker_(std::move(worker)), history_(history) {}

  void apply(const nlohmann::json& event) {
    const std::string ev = string_of(event, "ev");
    const std::int64_t at = int_of(event, "bt");
    if (ev == "acq") {
      Holding holding;
      holding.worker = worker_;
      holding.attempt = int_of(event, "a");
      holding.key = string_of(event, "key");
      holding.token = int_of(event, "tok");
      holding.duration_ns = int_of(event, "d") * 1'000'000;
      holding.start = at;
      holding.valid_until = int_of(event, "dl");
      holdings_[holding.attempt] = history_.holdings.size();
      history_.holdings.push_back(std::move(holding));
    } else if (ev == "oerr") {
      ++history_.obtain_errors[string_of(event, "code")];
    } else if (ev == "we") {
      if (auto it = writes_.find(string_of(event, "wid")); it != writes_.end()) {
        history_.writes[it->second].outcome = string_of(event, "out");
      }
    } else if (Holding* holding = find(event)) {
      apply_to(*holding, ev, at, event);
    }
  }

 private:
  Holding* find(const nlohmann::json& event) {
    if (!event.contains("a")) return nullptr;
    auto it = holdings_.find(int_of(event, "a"));
    if (it == holdings_.end()) {
      ++history_.stray_events;
      return nullptr;
    }
    return &history_.holdings[it->second];
  }

  void apply_to(Holding& holding, const std::string& ev, std::int64_t at, const nlohmann::json& event) {
    if (ev == "wb") {
      holding.valid_until = std::max(holding.valid_until, int_of(event, "dl"));
      WriteAttempt write{worker_, holding.key, string_of(event, "wid"), int_of(event, "tok"), at, ""};
      writes_[write.write_id] = history_.writes.size();
      history_.writes.push_back(std::move(write));
    } else if (ev == "invalid") {
      holding.invalid_at = at;
      holding.valid_until = std::max(holding.valid_until, int_of(event, "dl"));
    } else if (ev == "lost") {
      holding.lost_at = at;
      holding.lost_reason = string_of(event, "reason");
      holding.valid_until = std::max(holding.valid_until, int_of(event, "dl"));
    } else if (ev == "nolost") {
      holding.waited_in_vain = true;
    } else if (ev == "rb") {
      holding.release_begin = at;
      holding.valid_until = std::max(holding.valid_until, int_of(event, "dl"));
    } else if (ev == "re") {
      holding.release_end = at;
      holding.release_ok = event.value("ok", false);
    }
  }

  std::string worker_;
  History& history_;
  std::map<std::int64_t, std::size_t> holdings_;  // attempt -> index in history_.holdings
  std::map<std::string, std::size_t> writes_;     // write id -> index in history_.writes
};

HistoryBuilder::HistoryBuilder() = default;
HistoryBuilder::~HistoryBuilder() = default;

void HistoryBuilder::add(const std::string& worker, const nlohmann::json& event) {
  auto& replay = workers_[worker];
  if (!replay) replay = std::make_unique<Worker>(worker, history_);
  replay->apply(event);
}

History HistoryBuilder::take() && { return std::move(history_); }

History build_history(const std::map<std::string, std::vector<nlohmann::json>>& worker_events) {
  HistoryBuilder builder;
  for (const auto& [worker, events] : worker_events) {
    for (const auto& event : events) builder.add(worker, event);
  }
  return std::move(builder).take();
}

}  // namespace lease::chaos

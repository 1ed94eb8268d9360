#include "checker.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>
#include <utility>

#include "history.hpp"
#include "lease/options.hpp"

namespace lease::chaos {

namespace {

// Allowance for the few milliseconds between logging a fault's start and the fault taking hold.
constexpr std::int64_t kFaultTolerance = 100'000'000;

std::string milliseconds(std::int64_t ns) { return std::to_string(ns / 1'000'000) + " ms"; }

std::string counts(const std::map<std::string, std::size_t>& by_name) {
  std::string text;
  for (const auto& [name, n] : by_name) text += (text.empty() ? "" : ", ") + name + " " + std::to_string(n);
  return text.empty() ? "none" : text;
}

/// A fault as the orchestrator logged it.
struct FaultSpan {
  std::string kind;
  std::string worker;  // kill, pause
  std::int64_t start = 0;
  std::int64_t end = 0;
  const nlohmann::json* event = nullptr;
};

/// Runs every check over one run's records and fills a Report. Not thread-safe; one per check_run.
class Checker {
 public:
  explicit Checker(const RunData& run) : run_(run), history_(run.history) { read_run_log(); }

  Report check() {
    report_.bad_lines = run_.bad_lines;
    report_.obtain_errors = history_.obtain_errors;
    for (const auto& h : history_.holdings) ++(is_pool_key(h.key) ? report_.pool_acquisitions : report_.lock_acquisitions);
    check_overlaps();
    check_tokens();
    check_fence();
    check_losses();
    check_faulted_holders();
    check_liveness();
    check_user_attributes();
    check_restarts();
    return std::move(report_);
  }

 private:
  void read_run_log() {
    for (const auto& event : run_.run_events) {
      const std::string ev = event.value("ev", "");
      const std::int64_t at = event.value("bt", std::int64_t{0});
      if (ev == "begin") {
        origin_ = at;
      } else if (ev == "fault") {
        FaultSpan fault{event.value("kind", ""), event.value("w", ""), at, event.value("end", at), &event};
        ++report_.faults[fault.kind];
        if (fault.kind == "kill") killed_.insert(fault.worker);
        faults_.push_back(std::move(fault));
      } else if (ev == "killed_at_end") {
        killed_.insert(event.value("w", ""));
      } else if (ev == "quiet") {
        quiet_ = at;
      } else if (ev == "stop") {
        stop_ = at;
      } else if (ev == "exit" && event.value("unexpected", false)) {
        violate("worker", "worker " + event.value("w", "?") + " exited on its own (" + event.value("status", "?") +
                              "; see its .out file)");
      }
    }
  }

  void violate(std::string check, std::string detail) {
    report_.violations.push_back({std::move(check), std::move(detail)});
  }

  [[nodiscard]] std::string at(std::int64_t bt) const {
    char text[32];
    std::snprintf(text, sizeof text, "t=%.3fs", static_cast<double>(bt - origin_) / 1e9);
    return text;
  }

  [[nodiscard]] std::string describe(const Holding& h) const {
    if (h.end() <= h.start) return h.worker + " token " + std::to_string(h.token) + " (never valid after " + at(h.start) + ")";
    return h.worker + " token " + std::to_string(h.token) + " valid [" + at(h.start) + ", " + at(h.end()) + "]";
  }

  // Holdings per key, by start time.
  [[nodiscard]] std::map<std::string, std::vector<const Holding*>> by_key() const {
    std::map<std::string, std::vector<const Holding*>> keys;
    for (const auto& h : history_.holdings) keys[h.key].push_back(&h);
    for (auto& [key, list] : keys) {
      std::sort(list.begin(), list.end(), [](const auto* a, const auto* b) { return a->start < b->start; });
    }
    return keys;
  }

  void check_overlaps() {
    for (const auto& [key, holdings] : by_key()) {
      const Holding* widest = nullptr;  // the holding reaching furthest so far
      for (const Holding* h : holdings) {
        if (h->end() <= h->start) continue;  // never valid after obtain returned
        if (widest != nullptr && h->start < widest->end()) {
          violate("overlap", key + ": " + describe(*widest) + " and " + describe(*h) + " overlap by " +
                                 milliseconds(std::min(widest->end(), h->end()) - h->start));
        }
        if (widest == nullptr || h->end() > widest->end()) widest = h;
      }
    }
  }

  // Tokens rise in the order of the holdings that were valid (those do not overlap, so their order
  // is defined); a take whose answer came after its lease had lapsed (never valid) may return after
  // its successor's, so it only has to have a token of its own.
  void check_tokens() {
    std::map<std::string, std::int64_t> highest;
    for (const auto& [key, holdings] : by_key()) {
      const Holding* previous = nullptr;
      std::map<std::int64_t, const Holding*> seen;
      for (const Holding* h : holdings) {
        highest[key] = std::max(highest[key], h->token);
        if (auto [it, fresh] = seen.emplace(h->token, h); !fresh) {
          violate("token", key + ": token " + std::to_string(h->token) + " handed out twice (" + it->second->worker +
                               " at " + at(it->second->start) + ", " + h->worker + " at " + at(h->start) + ")");
        }
        if (h->end() <= h->start) continue;
        if (previous != nullptr && h->token <= previous->token) {
          violate("token", key + ": token " + std::to_string(h->token) + " (" + h->worker + " at " + at(h->start) +
                               ") is not above token " + std::to_string(previous->token) + " (" + previous->worker +
                               " at " + at(previous->start) + ")");
        }
        previous = h;
      }
    }
    auto check_rows = [&](const std::vector<AttributeMap>& rows, auto key_of) {
      for (const auto& row : rows) {
        const std::string key = key_of(row.at("id").as_string());
        auto token = row.find(lease::AttributeNames{}.token);
        const std::int64_t kept = token != row.end() && token->second.is_number() ? token->second.as_int64() : 0;
        if (kept < highest[key]) {
          violate("token", key + ": the row's token is " + std::to_string(kept) + " after token " +
                               std::to_string(highest[key]) + " was handed out");
        }
      }
    };
    check_rows(run_.final_rows.pool, pool_key);
    check_rows(run_.final_rows.locks, lock_key);
  }

  void check_fence() {
    struct Sent {
      std::int64_t attempts = 0;
      std::int64_t acknowledged = 0;
    };
    std::map<std::pair<std::string, std::int64_t>, Sent> sent;
    for (const auto& w : history_.writes) {
      auto& s = sent[{w.key, w.token}];
      ++s.attempts;
      if (w.outcome == "accepted") ++s.acknowledged, ++report_.writes_accepted;
      if (w.outcome == "fenced") ++report_.writes_fenced;
      if (w.outcome == "unknown" || w.outcome.empty()) ++report_.writes_unknown;
    }
    std::set<std::pair<std::string, std::int64_t>> held;
    for (const auto& h : history_.holdings) held.insert({h.key, h.token});
    std::set<std::pair<std::string, std::int64_t>> recorded;
    for (const auto& record : run_.fence) {
      std::int64_t total = 0;
      const FenceTokenRecord* previous = nullptr;
      for (const auto& t : record.tokens) {
        recorded.insert({record.key, t.token});
        total += t.count;
        const std::string what = record.key + " token " + std::to_string(t.token);
        if (previous != nullptr && previous->last >= t.first) {
          violate("fence", record.key + ": a write with token " + std::to_string(previous->token) + " (#" +
                               std::to_string(previous->last) + ") was accepted after one with token " +
                               std::to_string(t.token) + " (#" + std::to_string(t.first) + ")");
        }
        previous = &t;
        const Sent s = sent.count({record.key, t.token}) != 0 ? sent.at({record.key, t.token}) : Sent{};
        if (t.count > s.attempts) {
          violate("fence", what + ": " + std::to_string(t.count) + " writes accepted, only " +
                               std::to_string(s.attempts) + " sent");
        }
        if (t.count < s.acknowledged) {
          violate("fence", what + ": " + std::to_string(s.acknowledged) + " writes acknowledged, only " +
                               std::to_string(t.count) + " recorded (acknowledged writes lost)");
        }
        if (!held.contains({record.key, t.token})) violate("fence", what + ": accepted, but no holder had it");
      }
      if (total != record.writes) {
        violate("fence", record.key + ": " + std::to_string(record.writes) + " writes accepted in all, but " +
                             std::to_string(total) + " by token");
      }
      if (!record.tokens.empty() && record.highest != record.tokens.back().token) {
        violate("fence", record.key + ": highest token " + std::to_string(record.highest) + ", but token " +
                             std::to_string(record.tokens.back().token) + " was accepted");
      }
    }
    for (const auto& [key_token, s] : sent) {
      if (s.acknowledged > 0 && !recorded.contains(key_token)) {
        violate("fence", key_token.first + " token " + std::to_string(key_token.second) + ": " +
                             std::to_string(s.acknowledged) + " writes acknowledged, none recorded");
      }
    }
  }

  // When the holder could first have noticed: its deadline, or the end of a pause that covers it.
  [[nodiscard]] std::int64_t could_notice(const Holding& h) const {
    std::int64_t from = h.valid_until > 0 ? h.valid_until : h.start;
    for (const auto& f : faults_) {
      if (f.kind == "pause" && f.worker == h.worker && f.start <= from && from <= f.end) from = f.end;
    }
    return from;
  }

  void check_losses() {
    for (const auto& h : history_.holdings) {
      if (h.lost_at) {
        ++report_.losses[h.lost_reason];
        const std::int64_t delay = std::max<std::int64_t>(0, *h.lost_at - could_notice(h));
        if (delay > report_.worst_detection_ns) {
          report_.worst_detection_ns = delay;
          report_.worst_detection = h.key + " " + describe(h) + ", on_lost at " + at(*h.lost_at);
        }
      }
      if (h.log_ended()) {
        if (!killed_.contains(h.worker)) {
          violate("loss", h.key + ": " + describe(h) + ": the worker's log ends while it holds the lease, "
                                                       "and it was not killed");
        }
      } else if (h.invalid_at && !h.lost_at) {
        violate("loss", h.key + ": " + describe(h) + " saw its lease invalid at " + at(*h.invalid_at) +
                            " but on_lost was never called" + (h.waited_in_vain ? " (it waited)" : ""));
      }
    }
  }

  // Holders paused (SIGSTOP) or cut off (blackhole, DynamoDB Local paused or restarting). A renewal
  // confirmed during the fault was sent before it, so a fault longer than the lease outlives it: the
  // holder's deadline may not reach past the fault's start + its lease (after a shorter fault,
  // renewals sent after it may extend it), and the holder must report the loss (unless it released
  // the lease, while still valid, before that).
  void check_faulted_holders() {
    static const std::set<std::string> partitions{"blackhole", "ddb_pause", "ddb_restart"};
    for (const auto& f : faults_) {
      const bool pause = f.kind == "pause";
      if (!pause && !partitions.contains(f.kind)) continue;
      const std::string fault = f.kind + (pause ? " of " + f.worker : "") + " [" + at(f.start) + ", " + at(f.end) + "]";
      for (const auto& h : history_.holdings) {
        if (pause && h.worker != f.worker) continue;
        const bool open_at_start = h.start <= f.start && (!h.release_begin || *h.release_begin > f.start);
        if (!open_at_start) continue;
        const std::int64_t latest = f.start + h.duration_ns + kFaultTolerance;
        if (latest >= f.end) continue;  // its lease could have lasted through the fault
        if (h.valid_until > latest) {
          violate("validity", h.key + ": " + describe(h) + " outlived " + fault + ": its deadline is past " +
                                  at(latest) + ", the latest a renewal sent before the fault allows");
        }
        if (!h.lost_at && h.log_ended() && killed_.contains(h.worker)) continue;  // killed before it could tell
        if (!h.lost_at && h.release_begin && !h.invalid_at) continue;  // released while valid (checked above)
        ++(pause ? report_.paused_holders : report_.partitioned_holders);
        if (h.lost_at) {
          ++(pause ? report_.paused_reported : report_.partitioned_reported);
        } else {
          violate("loss", h.key + ": " + describe(h) + " was cut off by " + fault +
                              ", longer than its lease, and did not report the loss");
        }
      }
    }
  }

  void check_liveness() {
    if (!quiet_ || !stop_) return;
    const std::int64_t bound = run_.config.liveness_bound_ns();
    report_.liveness_bound_ns = bound;
    report_.worst_quiet_wait_ns = 0;
    auto keys = by_key();
    for (const auto& row : run_.config.row_names()) {
      const std::string key = pool_key(row);
      std::int64_t free_since = *quiet_;  // the row is busy until here
      auto note_gap = [&](std::int64_t until) {
        const std::int64_t gap = std::min(until, *stop_) - free_since;
        if (gap <= report_.worst_quiet_wait_ns) return;
        report_.worst_quiet_wait_ns = gap;
        report_.worst_quiet_wait = key + " free from " + at(free_since) + " to " + at(std::min(until, *stop_));
        if (gap > bound) {
          violate("liveness", key + " stayed free for " + milliseconds(gap) + " after faults stopped (from " +
                                  at(free_since) + "; bound " + milliseconds(bound) + ")");
        }
      };
      for (const Holding* h : keys[key]) {
        if (h->start > free_since) note_gap(h->start);
        const std::int64_t busy_until = h->release_ok && h->release_end ? *h->release_end : h->end();
        free_since = std::max({free_since, busy_until, h->start});
      }
      if (free_since < *stop_) note_gap(*stop_);
    }
  }

  void check_user_attributes() {
    auto compare = [&](const std::string& table, const std::vector<AttributeMap>& before,
                       const std::vector<AttributeMap>& after) {
      std::map<std::string, const AttributeMap*> now;
      for (const auto& row : after) now[row.at("id").as_string()] = &row;
      for (const auto& row : before) {
        const std::string id = row.at("id").as_string();
        auto it = now.find(id);
        if (it == now.end()) {
          violate("attributes", table + " row " + id + " is gone");
        } else if (user_attributes(row) != user_attributes(*it->second)) {
          violate("attributes", table + " row " + id + ": user attributes were " +
                                    to_dynamodb_json(user_attributes(row)) + ", now " +
                                    to_dynamodb_json(user_attributes(*it->second)));
        }
      }
    };
    compare("pool", run_.initial_rows.pool, run_.final_rows.pool);
    compare("lock", run_.initial_rows.locks, run_.final_rows.locks);
  }

  void check_restarts() {
    for (const auto& f : faults_) {
      if (f.kind != "ddb_restart") continue;
      ++report_.restarts_checked;
      const auto& before = f.event->value("before", nlohmann::json::object());
      const auto& after = f.event->value("after", nlohmann::json::object());
      for (const auto& [key, value] : before.items()) {
        if (!after.contains(key) || after.at(key).get<std::int64_t>() < value.get<std::int64_t>()) {
          violate("restart", "restart at " + at(f.start) + ": " + key + " was " + value.dump() + " before, " +
                                 (after.contains(key) ? after.at(key).dump() : std::string("missing")) + " after");
        }
      }
    }
  }

  const RunData& run_;
  const History& history_;
  Report report_;
  std::vector<FaultSpan> faults_;
  std::set<std::string> killed_;
  std::optional<std::int64_t> quiet_;
  std::optional<std::int64_t> stop_;
  std::int64_t origin_ = 0;
};

}  // namespace

Report check_run(const RunData& run) { return Checker(run).check(); }

void Report::print(std::ostream& out) const {
  auto ms = [](std::int64_t ns) { return milliseconds(ns); };
  out << "  acquisitions      " << pool_acquisitions + lock_acquisitions << " (pool " << pool_acquisitions
      << ", locks " << lock_acquisitions << "); obtain errors: " << counts(obtain_errors) << "\n"
      << "  fenced writes     " << writes_accepted << " accepted, " << writes_fenced << " fenced out (stale holders), "
      << writes_unknown << " outcome unknown\n"
      << "  faults            " << counts(faults) << "\n"
      << "  losses detected   " << counts(losses) << "; worst detection delay " << ms(worst_detection_ns)
      << (worst_detection.empty() ? "" : " (" + worst_detection + ")") << "\n"
      << "  paused holders    " << paused_reported << "/" << paused_holders << " reported their loss; partitioned "
      << partitioned_reported << "/" << partitioned_holders << "\n";
  if (worst_quiet_wait_ns >= 0) {
    out << "  liveness          longest a pool row stayed free after faults stopped: " << ms(worst_quiet_wait_ns)
        << " (bound " << ms(liveness_bound_ns) << (worst_quiet_wait.empty() ? "" : "; " + worst_quiet_wait) << ")\n";
  }
  out << "  restarts          " << restarts_checked << " checked (rows and fence records survived unless listed)\n";
  if (bad_lines > 0) out << "  log lines cut     " << bad_lines << " (a worker killed mid-line)\n";
  out << "  violations        " << violations.size() << "\n";
  for (const auto& v : violations) out << "VIOLATION [" << v.check << "] " << v.detail << "\n";
}

}  // namespace lease::chaos

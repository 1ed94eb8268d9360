// The checker on small made-up histories: a clean one passes, and each kind of broken guarantee is
// reported. Also the fault schedule and the event log's handling of a cut line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "checker.hpp"
#include "event_log.hpp"
#include "fault_plan.hpp"

namespace lease::chaos {
namespace {

using nlohmann::json;

constexpr std::int64_t ms(std::int64_t n) { return n * 1'000'000; }

AttributeMap pool_row(std::int64_t token, std::int64_t weight = 10) {
  return {{"id", AttributeValue::string("row-1")},
          {"weight", AttributeValue::number(weight)},
          {"LeaseToken", AttributeValue::number(token)}};
}

/// Builds the records of a run with one pool row ("pool/row-1") and no locks; times in ms since
/// the run began.
class RunBuilder {
 public:
  RunBuilder() {
    run_.config.rows = 1;
    run_.config.locks = 0;
    run_.run_events.push_back({{"ev", "begin"}, {"bt", 0}});
    run_.initial_rows.pool.push_back(pool_row(0));
    run_.final_rows.pool.push_back(pool_row(0));
    run_.fence.push_back({"pool/row-1", 0, 0, {}});
  }

  /// A holding of worker `w`: obtained at `start`, valid (as seen) until `until`, released at
  /// `release` (< 0: never; the log ends). Each entry of `writes` is the time of an accepted write.
  RunBuilder& hold(const std::string& w, std::int64_t attempt, std::int64_t token, std::int64_t start,
                   std::int64_t until, std::int64_t release, const std::vector<std::int64_t>& writes = {}) {
    auto& log = events_[w];
    log.push_back({{"ev", "acq"}, {"bt", ms(start)}, {"a", attempt}, {"key", "pool/row-1"}, {"tok", token},
                   {"d", 1000}, {"dl", ms(until)}});
    int n = 0;
    for (auto at : writes) {
      const std::string wid = w + "." + std::to_string(attempt) + "." + std::to_string(++n);
      log.push_back({{"ev", "wb"}, {"bt", ms(at)}, {"a", attempt}, {"key", "pool/row-1"}, {"tok", token},
                     {"wid", wid}, {"dl", ms(until)}});
      log.push_back({{"ev", "we"}, {"bt", ms(at) + 1}, {"a", attempt}, {"wid", wid}, {"out", "accepted"}});
      accept(token);
    }
    if (release >= 0) {
      log.push_back({{"ev", "rb"}, {"bt", ms(release)}, {"a", attempt}});
      log.push_back({{"ev", "re"}, {"bt", ms(release) + 1}, {"a", attempt}, {"ok", true}});
    }
    auto& row = run_.final_rows.pool.front();
    row["LeaseToken"] = AttributeValue::number(std::max(token, row.at("LeaseToken").as_int64()));
    return *this;
  }

  /// Records the fence's acceptance of one more write with `token` (as fence_record reads it back:
  /// one entry per token, ascending).
  RunBuilder& accept(std::int64_t token) {
    auto& record = run_.fence.front();
    auto it = std::find_if(record.tokens.begin(), record.tokens.end(), [&](const auto& t) { return t.token == token; });
    if (it == record.tokens.end()) {
      record.tokens.push_back({token, record.writes, record.writes, 0});
      std::sort(record.tokens.begin(), record.tokens.end(), [](const auto& a, const auto& b) { return a.token < b.token; });
      it = std::find_if(record.tokens.begin(), record.tokens.end(), [&](const auto& t) { return t.token == token; });
    }
    it->last = record.writes;
    ++it->count;
    ++record.writes;
    record.highest = std::max(record.highest, token);
    return *this;
  }

  std::vector<json>& events(const std::string& w) { return events_[w]; }
  RunBuilder& event(const std::string& w, json e) {
    events_[w].push_back(std::move(e));
    return *this;
  }
  RunBuilder& fault(const std::string& kind, const std::string& w, std::int64_t start, std::int64_t end) {
    run_.run_events.push_back({{"ev", "fault"}, {"kind", kind}, {"w", w}, {"bt", ms(start)}, {"end", ms(end)}});
    return *this;
  }
  RunBuilder& quiet(std::int64_t from, std::int64_t stop) {
    run_.run_events.push_back({{"ev", "quiet"}, {"bt", ms(from)}});
    run_.run_events.push_back({{"ev", "stop"}, {"bt", ms(stop)}});
    return *this;
  }
  RunData& data() { return run_; }
  [[nodiscard]] Report check() const {
    RunData run = run_;
    run.history = build_history(events_);
    return check_run(run);
  }

 private:
  RunData run_;
  std::map<std::string, std::vector<json>> events_;  // worker -> its log
};

std::vector<std::string> checks_of(const Report& report) {
  std::vector<std::string> checks;
  for (const auto& v : report.violations) checks.push_back(v.check);
  return checks;
}

TEST(ChaosChecker, CleanHistoryPasses) {
  RunBuilder run;
  run.hold("w1", 1, 1, 0, 1000, 900, {100, 200}).hold("w2", 1, 2, 950, 2000, 1900, {1000}).quiet(1500, 2500);
  run.hold("w1", 2, 3, 1950, 3000, 2400);
  const Report report = run.check();
  EXPECT_TRUE(report.ok()) << report.violations.front().detail;
  EXPECT_EQ(report.pool_acquisitions, 3u);
  EXPECT_EQ(report.writes_accepted, 3u);
}

TEST(ChaosChecker, OverlappingValidityIsAViolation) {
  RunBuilder run;
  run.hold("w1", 1, 1, 0, 1500, 1500).hold("w2", 1, 2, 1200, 2500, 2400);
  const Report report = run.check();
  ASSERT_EQ(checks_of(report), std::vector<std::string>{"overlap"});
  EXPECT_NE(report.violations[0].detail.find("overlap by 300 ms"), std::string::npos) << report.violations[0].detail;
}

TEST(ChaosChecker, ReleaseEndsValidityEvenBeforeTheDeadline) {
  RunBuilder run;
  run.hold("w1", 1, 1, 0, 2000, 500).hold("w2", 1, 2, 600, 2500, 2400);
  EXPECT_TRUE(run.check().ok());
}

TEST(ChaosChecker, TokenThatDoesNotRiseIsAViolation) {
  RunBuilder run;
  run.hold("w1", 1, 6, 0, 1000, 900).hold("w2", 1, 5, 1000, 2000, 1900);
  EXPECT_EQ(checks_of(run.check()), std::vector<std::string>{"token"});
}

TEST(ChaosChecker, TokenHandedOutTwiceIsAViolation) {
  RunBuilder run;
  run.hold("w1", 1, 5, 0, 1000, 900).hold("w2", 1, 5, 1000, 0, 1100);  // the second never valid
  const Report report = run.check();
  ASSERT_EQ(checks_of(report), std::vector<std::string>{"token"});
  EXPECT_NE(report.violations[0].detail.find("handed out twice"), std::string::npos);
}

TEST(ChaosChecker, LateAnswerToATakeMayReturnAfterItsSuccessor) {
  RunBuilder run;  // token 2's take was answered after token 3 had been taken: never valid, no order
  run.hold("w1", 1, 3, 1000, 2000, 1900).hold("w2", 1, 2, 1500, 0, 1600);
  EXPECT_TRUE(run.check().ok());
}

TEST(ChaosChecker, RowTokenBelowAHandedOutTokenIsAViolation) {
  RunBuilder run;
  run.hold("w1", 1, 4, 0, 1000, 900);
  run.data().final_rows.pool.front()["LeaseToken"] = AttributeValue::number(std::int64_t{3});
  EXPECT_EQ(checks_of(run.check()), std::vector<std::string>{"token"});
}

TEST(ChaosChecker, FenceAcceptingALowerTokenAfterAHigherOneIsAViolation) {
  RunBuilder run;
  run.hold("w1", 1, 1, 0, 1000, 900, {100}).hold("w2", 1, 2, 1000, 2000, 1900, {1100});
  run.accept(1);  // a stale write of token 1 accepted after token 2's
  run.events("w1").push_back(
      {{"ev", "wb"}, {"bt", ms(950)}, {"a", 1}, {"key", "pool/row-1"}, {"tok", 1}, {"wid", "w1.1.9"}, {"dl", 0}});
  const Report report = run.check();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.violations[0].check, "fence");
  EXPECT_NE(report.violations[0].detail.find("was accepted after one with token 2"), std::string::npos)
      << report.violations[0].detail;
}

TEST(ChaosChecker, AcknowledgedWriteMissingFromTheFenceIsAViolation) {
  RunBuilder run;
  run.hold("w1", 1, 1, 0, 1000, 900, {100, 200});
  auto& record = run.data().fence.front();
  record.tokens.back().count = 1;  // one acknowledged write lost
  record.writes = 1;
  const Report report = run.check();
  ASSERT_EQ(checks_of(report), std::vector<std::string>{"fence"});
  EXPECT_NE(report.violations[0].detail.find("acknowledged writes lost"), std::string::npos);
}

TEST(ChaosChecker, WriteNobodySentIsAViolation) {
  RunBuilder run;
  run.hold("w1", 1, 1, 0, 1000, 900, {100});
  run.accept(1);
  EXPECT_EQ(checks_of(run.check()), std::vector<std::string>{"fence"});
}

TEST(ChaosChecker, LossSeenWithoutOnLostIsAViolation) {
  RunBuilder run;
  run.hold("w1", 1, 1, 0, 1000, -1).event("w1", {{"ev", "invalid"}, {"bt", ms(1001)}, {"a", 1}});
  run.event("w1", {{"ev", "nolost"}, {"bt", ms(4000)}, {"a", 1}}).event("w1", {{"ev", "rb"}, {"bt", ms(4000)}, {"a", 1}});
  EXPECT_EQ(checks_of(run.check()), std::vector<std::string>{"loss"});

  RunBuilder reported;
  reported.hold("w1", 1, 1, 0, 1000, -1).event("w1", {{"ev", "invalid"}, {"bt", ms(1001)}, {"a", 1}});
  reported.event("w1", {{"ev", "lost"}, {"bt", ms(1250)}, {"a", 1}, {"reason", "expired"}});
  reported.event("w1", {{"ev", "rb"}, {"bt", ms(1300)}, {"a", 1}});
  const Report report = reported.check();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.losses.at("expired"), 1u);
  EXPECT_EQ(report.worst_detection_ns, ms(250));
}

TEST(ChaosChecker, PausedHolderMustReportItsLoss) {
  RunBuilder silent;
  silent.hold("w1", 1, 1, 0, 1000, -1).fault("pause", "w1", 500, 3000);
  silent.event("w1", {{"ev", "invalid"}, {"bt", ms(3001)}, {"a", 1}});
  silent.event("w1", {{"ev", "rb"}, {"bt", ms(7000)}, {"a", 1}});
  EXPECT_EQ(checks_of(silent.check()), (std::vector<std::string>{"loss", "loss"}));  // saw it, and was paused

  RunBuilder reported;
  reported.hold("w1", 1, 1, 0, 1000, -1).fault("pause", "w1", 500, 3000);
  reported.event("w1", {{"ev", "lost"}, {"bt", ms(3100)}, {"a", 1}, {"reason", "expired"}});
  reported.event("w1", {{"ev", "rb"}, {"bt", ms(3200)}, {"a", 1}});
  const Report report = reported.check();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.paused_holders, 1u);
  EXPECT_EQ(report.paused_reported, 1u);
  EXPECT_EQ(report.worst_detection_ns, ms(100));  // counted from the end of the pause
}

TEST(ChaosChecker, DeadlinePastAPauseIsAViolation) {
  RunBuilder run;  // paused at 500 ms with a 1000 ms lease, yet it saw the lease valid until 3400 ms
  run.hold("w1", 1, 1, 0, 1000, 3300).fault("pause", "w1", 500, 3000);
  run.event("w1", {{"ev", "wb"}, {"bt", ms(3100)}, {"a", 1}, {"key", "pool/row-1"}, {"tok", 1}, {"wid", "w1.1.7"},
                   {"dl", ms(3400)}});
  const Report report = run.check();
  ASSERT_EQ(checks_of(report), std::vector<std::string>{"validity"});
  EXPECT_NE(report.violations[0].detail.find("outlived pause of w1"), std::string::npos) << report.violations[0].detail;
}

TEST(ChaosChecker, PartitionShorterThanTheLeaseNeedsNoLossAndAllowsLaterRenewals) {
  RunBuilder run;  // 700 ms < 1000 ms lease: renewed after it, the holder stays valid until 2500 ms
  run.hold("w1", 1, 1, 0, 1000, 2400).fault("blackhole", "", 500, 1200);
  run.event("w1", {{"ev", "wb"}, {"bt", ms(1300)}, {"a", 1}, {"key", "pool/row-1"}, {"tok", 1}, {"wid", "w1.1.8"},
                   {"dl", ms(2500)}});
  const Report report = run.check();
  EXPECT_TRUE(report.ok()) << report.violations.front().detail;
  EXPECT_EQ(report.partitioned_holders, 0u);
}

TEST(ChaosChecker, LogEndingWhileHoldingIsAViolationUnlessKilled) {
  RunBuilder crashed;
  crashed.hold("w1", 1, 1, 0, 1000, -1);
  EXPECT_EQ(checks_of(crashed.check()), std::vector<std::string>{"loss"});

  RunBuilder killed;
  killed.hold("w1", 1, 1, 0, 1000, -1).fault("kill", "w1", 500, 510);
  EXPECT_TRUE(killed.check().ok());
}

TEST(ChaosChecker, RowLeftFreeAfterFaultsStopIsAViolation) {
  RunBuilder run;  // bound: 2000 + 200 + 250 + 1000 ms
  run.hold("w1", 1, 1, 0, 3000, 2000).quiet(1000, 10'000);
  const Report report = run.check();
  ASSERT_EQ(checks_of(report), std::vector<std::string>{"liveness"});
  EXPECT_EQ(report.worst_quiet_wait_ns, ms(8000) - 1);

  RunBuilder busy;
  busy.hold("w1", 1, 1, 0, 3000, 2000).hold("w2", 1, 2, 2100, 9000, 9900).quiet(1000, 10'000);
  EXPECT_TRUE(busy.check().ok());
}

TEST(ChaosChecker, ChangedUserAttributeIsAViolation) {
  RunBuilder run;
  run.data().final_rows.pool.front()["weight"] = AttributeValue::number(std::int64_t{11});
  const Report report = run.check();
  ASSERT_EQ(checks_of(report), std::vector<std::string>{"attributes"});
  EXPECT_NE(report.violations[0].detail.find("\"weight\":{\"N\":\"11\"}"), std::string::npos);
}

TEST(ChaosChecker, DataLostInARestartIsAViolation) {
  RunBuilder run;
  run.data().run_events.push_back({{"ev", "fault"}, {"kind", "ddb_restart"}, {"bt", ms(100)}, {"end", ms(5000)},
                                   {"before", {{"pool/row-1", 7}, {"fence/pool/row-1", 30}}},
                                   {"after", {{"pool/row-1", 7}, {"fence/pool/row-1", 29}}}});
  const Report report = run.check();
  ASSERT_EQ(checks_of(report), std::vector<std::string>{"restart"});
  EXPECT_EQ(report.restarts_checked, 1u);
}

TEST(ChaosChecker, WorkerExitingOnItsOwnIsAViolation) {
  RunBuilder run;
  run.data().run_events.push_back({{"ev", "exit"}, {"w", "w4"}, {"status", "exit 3"}, {"unexpected", true}});
  EXPECT_EQ(checks_of(run.check()), std::vector<std::string>{"worker"});
}

TEST(ChaosFaultPlan, SameSeedSameFaultsAndEveryKindInOneDeck) {
  RunConfig config;
  FaultPlan a(7, config), b(7, config);
  std::vector<std::string> kinds;
  for (int i = 0; i < 11; ++i) {
    const Fault fa = a.next(), fb = b.next();
    EXPECT_EQ(fa.kind, fb.kind);
    EXPECT_EQ(fa.length, fb.length);
    EXPECT_EQ(fa.victim, fb.victim);
    kinds.emplace_back(to_string(fa.kind));
    if (fa.kind == FaultKind::pause) EXPECT_GT(fa.length.count(), config.lease_max_ms);
    EXPECT_LT(fa.victim, static_cast<std::size_t>(config.workers));
  }
  for (auto kind : kAllFaultKinds) {
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), to_string(kind)), kinds.end()) << to_string(kind);
  }
}

TEST(ChaosEventLog, LineCutByAKillIsSkippedAndCounted) {
  const std::string path = ::testing::TempDir() + "chaos_event_log_" + std::to_string(::getpid()) + ".log";
  std::filesystem::remove(path);
  {
    EventLog log(path);
    log.write({{"ev", "acq"}, {"a", 1}});
    log.write({{"ev", "rb"}, {"a", 1}});
  }
  std::ofstream(path, std::ios::app) << "{\"ev\":\"wb\",\"a";  // what a SIGKILL mid-line leaves
  const EventFile file = read_events(path);
  ASSERT_EQ(file.events.size(), 2u);
  EXPECT_EQ(file.events[1]["ev"], "rb");
  EXPECT_TRUE(file.events[0].contains("bt"));
  EXPECT_EQ(file.bad_lines, 1u);
  std::filesystem::remove(path);
}

TEST(ChaosEventLog, TextThatIsNotUtf8IsKeptNotDropped) {
  const std::string path = ::testing::TempDir() + "chaos_event_log_utf8_" + std::to_string(::getpid()) + ".log";
  std::filesystem::remove(path);
  {
    EventLog log(path);
    log.write({{"ev", "oerr"}, {"msg", std::string("reset \xff\xfe by peer")}});
    EXPECT_EQ(log.failed_writes(), 0u);
  }
  const EventFile file = read_events(path);
  ASSERT_EQ(file.events.size(), 1u);
  EXPECT_EQ(file.events[0]["ev"], "oerr");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace lease::chaos

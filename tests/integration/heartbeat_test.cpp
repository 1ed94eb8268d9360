// Heartbeats and loss detection against DynamoDB Local: a renewed lease outlives many durations, a
// lease taken over or force-released is reported lost with its reason, fencing tokens never move on
// renewal, and a kept lease can be renewed by (lessee, token) from elsewhere.

#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "lease/error.hpp"
#include "lease/pool.hpp"
#include "support/lease_fixture.hpp"

namespace lease::testing {
namespace {

using namespace std::chrono_literals;

/// Records the lost-lease callbacks (they run on renewer threads).
class LossRecorder {
 public:
  [[nodiscard]] LostCallback callback() {
    return [this](const std::string& key, LossReason reason) {
      std::lock_guard lock(mutex_);
      losses_.emplace_back(key, reason);
    };
  }
  [[nodiscard]] std::vector<std::pair<std::string, LossReason>> losses() const {
    std::lock_guard lock(mutex_);
    return losses_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, LossReason>> losses_;
};

class HeartbeatTest : public LeaseTableTest {
 protected:
  std::string table_with_row(const std::string& key) {
    auto table = create();
    Pool pool(client(), table);
    EXPECT_EQ(pool.add_rows({{{"id", S(key)}}}), 1U);
    return table;
  }

  static PoolOptions options(std::shared_ptr<const Clock> clock = {}) {
    PoolOptions options;
    options.max_clock_skew = 50ms;
    options.clock = std::move(clock);
    return options;
  }

  /// Obtains with `recorder` as the lost-lease callback.
  static std::optional<Lease> obtain_watched(Pool& pool, const std::string& lessee, LossRecorder& recorder) {
    auto request = lease_request(lessee, 600ms);
    request.on_lost = recorder.callback();
    return pool.obtain(request);
  }

  [[nodiscard]] std::int64_t stored_token(const std::string& table, const std::string& key) {
    return row(table, key).at("LeaseToken").as_int64();
  }
};

TEST_F(HeartbeatTest, HeartbeatsHoldALeasePastFiveDurations) {
  auto table = table_with_row("job");
  Pool holder_pool(client(), table, options());
  Pool other(client(), table, options());
  LossRecorder recorder;
  auto held = obtain_watched(holder_pool, "holder", recorder);
  ASSERT_TRUE(held.has_value());
  const auto first_until = held->lease_until();

  int attempts = 0;
  const auto until = std::chrono::steady_clock::now() + 5 * 600ms + 300ms;
  while (std::chrono::steady_clock::now() < until) {
    EXPECT_FALSE(other.obtain(lease_request("other", 600ms)).has_value()) << "attempt " << attempts;
    ++attempts;
    std::this_thread::sleep_for(100ms);
  }

  EXPECT_GT(attempts, 5);
  EXPECT_TRUE(held->valid());
  EXPECT_EQ(held->state(), LeaseState::held);
  EXPECT_GT(held->lease_until(), first_until);
  EXPECT_EQ(stored_token(table, "job"), held->token());
  EXPECT_EQ(row(table, "job").at("ProcessID"), S("holder"));
  EXPECT_TRUE(recorder.losses().empty());
  EXPECT_TRUE(held->release());
}

// The holder's wall clock runs 10 s slow, so the LeaseUntil it writes is already past for everyone
// else: another lessee takes the row, and the holder's next heartbeat finds it stolen.
TEST_F(HeartbeatTest, HeartbeatDetectsALeaseTakenByAnother) {
  auto table = table_with_row("job");
  Pool slow_pool(client(), table, options(std::make_shared<ShiftedClock>(-10s)));
  Pool other(client(), table, options());
  LossRecorder recorder;
  auto held = obtain_watched(slow_pool, "slow", recorder);
  ASSERT_TRUE(held.has_value());

  auto taker = other.obtain(lease_request("other", 5000ms));
  ASSERT_TRUE(taker.has_value());
  ASSERT_TRUE(eventually([&] { return !recorder.losses().empty(); }));

  EXPECT_EQ(recorder.losses(), (std::vector<std::pair<std::string, LossReason>>{{"job", LossReason::stolen}}));
  EXPECT_EQ(held->state(), LeaseState::lost);
  EXPECT_EQ(held->loss_reason(), LossReason::stolen);
  EXPECT_FALSE(held->valid());
  EXPECT_GT(taker->token(), held->token());
  EXPECT_FALSE(held->release());  // never frees the new holder's row
  EXPECT_EQ(row(table, "job").at("ProcessID"), S("other"));
  EXPECT_EQ(recorder.losses().size(), 1U);  // once
}

// Same, by an explicit renew() of a lease without heartbeats (still within its local deadline).
TEST_F(HeartbeatTest, ExplicitRenewOfALeaseTakenByAnotherReportsStolen) {
  auto table = table_with_row("job");
  Pool slow_pool(client(), table, options(std::make_shared<ShiftedClock>(-10s)));
  Pool other(client(), table, options());
  auto held = slow_pool.obtain(lease_request("slow", 5000ms, /*heartbeat=*/false));
  ASSERT_TRUE(held.has_value());
  auto taker = other.obtain(lease_request("other", 5000ms));
  ASSERT_TRUE(taker.has_value());

  EXPECT_FALSE(held->renew());

  EXPECT_EQ(held->state(), LeaseState::lost);
  EXPECT_EQ(held->loss_reason(), LossReason::stolen);
  EXPECT_EQ(row(table, "job").at("ProcessID"), S("other"));
}

// Past its local deadline a lease is lost (expired) for its holder: renew() says so instead of
// trying (or failing as if the network had).
TEST_F(HeartbeatTest, ExplicitRenewPastTheLocalDeadlineReportsExpired) {
  auto table = table_with_row("job");
  Pool pool(client(), table, options());
  auto held = pool.obtain(lease_request("first", 300ms, /*heartbeat=*/false));
  ASSERT_TRUE(held.has_value());
  ASSERT_TRUE(eventually([&] { return !held->valid(); }));

  EXPECT_FALSE(held->renew());

  EXPECT_EQ(held->state(), LeaseState::lost);
  EXPECT_EQ(held->loss_reason(), LossReason::expired);
  std::optional<Lease> taker;
  ASSERT_TRUE(eventually([&] { return (taker = pool.obtain(lease_request("second", 5000ms))).has_value(); }));
  EXPECT_GT(taker->token(), held->token());
}

TEST_F(HeartbeatTest, ForceReleaseIsReportedAsReleased) {
  auto table = table_with_row("job");
  Pool pool(client(), table, options());
  LossRecorder recorder;
  auto held = obtain_watched(pool, "holder", recorder);
  ASSERT_TRUE(held.has_value());

  const auto overridden = pool.force_release("job");

  EXPECT_TRUE(overridden.existed);
  EXPECT_EQ(overridden.lessee, "holder");
  EXPECT_EQ(overridden.token, held->token());
  ASSERT_TRUE(overridden.lease_until.has_value());
  ASSERT_TRUE(eventually([&] { return !recorder.losses().empty(); }));
  EXPECT_EQ(recorder.losses(), (std::vector<std::pair<std::string, LossReason>>{{"job", LossReason::released}}));
  EXPECT_EQ(held->state(), LeaseState::lost);
  EXPECT_EQ(held->loss_reason(), LossReason::released);
  EXPECT_FALSE(held->release());
  EXPECT_FALSE(pool.force_release("missing").existed);
  auto next = pool.obtain(lease_request("next", 1500ms));
  ASSERT_TRUE(next.has_value());
  EXPECT_GT(next->token(), held->token());
}

TEST_F(HeartbeatTest, FencingTokenRisesPerHolderAndNeverOnRenewal) {
  auto table = table_with_row("job");
  Pool pool(client(), table, options());
  std::int64_t last = 0;
  for (int round = 0; round < 3; ++round) {
    auto held = pool.obtain(lease_request("worker-" + std::to_string(round % 2), 1500ms, /*heartbeat=*/false));
    ASSERT_TRUE(held.has_value());
    EXPECT_GT(held->token(), last);
    last = held->token();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(held->renew());
    EXPECT_EQ(held->token(), last);
    EXPECT_EQ(stored_token(table, "job"), last);
    if (round == 1) {
      held->keep();
      ASSERT_TRUE(pool.force_release("job").existed);  // an override keeps the token too
      EXPECT_EQ(stored_token(table, "job"), last);
    }
  }
}

// keep() hands a lease over: another process renews and releases it by (lessee, token).
TEST_F(HeartbeatTest, KeptLeaseIsRenewedAndReleasedByLesseeAndToken) {
  auto table = table_with_row("job");
  Pool pool(client(), table, options());
  auto held = pool.obtain(lease_request("holder", 600ms));
  ASSERT_TRUE(held.has_value());
  const auto token = held->token();
  held->keep();
  held.reset();  // the destructor leaves a kept lease held
  EXPECT_EQ(row(table, "job").at("ProcessID"), S("holder"));

  Pool elsewhere(client(), table, options());
  const auto until = elsewhere.renew("job", "holder", token, 5000ms);
  ASSERT_TRUE(until.has_value());
  EXPECT_GT(*until, std::chrono::system_clock::now() + 3s);
  EXPECT_FALSE(elsewhere.renew("job", "holder", token + 1, 5000ms).has_value());
  EXPECT_FALSE(elsewhere.renew("job", "intruder", token, 5000ms).has_value());
  EXPECT_FALSE(elsewhere.obtain(lease_request("other", 600ms)).has_value());
  EXPECT_FALSE(elsewhere.release("job", "holder", token + 1));
  EXPECT_TRUE(elsewhere.release("job", "holder", token));
  EXPECT_NO_THROW((void)elsewhere.release("job", "holder", token));  // again: harmless
  EXPECT_TRUE(elsewhere.obtain(lease_request("other", 600ms)).has_value());
}

}  // namespace
}  // namespace lease::testing

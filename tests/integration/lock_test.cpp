// lease::LockClient against DynamoDB Local: named locks created on demand, data, sort keys, clock-free
// takeover, TTL, delete on release, fencing tokens, and bad rows.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "dynamodb/client.hpp"
#include "lease/error.hpp"
#include "lease/lock.hpp"
#include "support/lease_fixture.hpp"

namespace lease::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class LockTest : public LeaseTableTest {
 protected:
  /// A lock table: no pool index, like `lease table create --locks`.
  std::string lock_table(std::string sort_key = {}, std::string ttl_attribute = {}) {
    TableSpec spec;
    spec.with_index = false;
    spec.sort_key = std::move(sort_key);
    spec.ttl_attribute = std::move(ttl_attribute);
    return create(spec);
  }

  static LockRequest lock(std::string key, std::string lessee, std::chrono::milliseconds duration = 1500ms,
                          bool heartbeat = true) {
    LockRequest request;
    request.key = std::move(key);
    request.lease = lease_request(std::move(lessee), duration, heartbeat);
    return request;
  }

  static LockOptions clock_free(std::shared_ptr<const Clock> clock) {
    LockOptions options;
    options.takeover = Takeover::clock_free;
    options.clock = std::move(clock);
    return options;
  }
};

TEST_F(LockTest, AcquireCreatesTheRowAndASecondLesseeGetsNothing) {
  auto table = lock_table();
  LockClient locks(client(), table);

  auto held = locks.try_acquire(lock("leader", "a"));

  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->key(), "leader");
  EXPECT_EQ(held->lessee(), "a");
  EXPECT_EQ(held->token(), 1);
  const auto stored = row(table, "leader");
  EXPECT_EQ(stored.at("ProcessID"), S("a"));
  EXPECT_EQ(stored.at("LeaseDuration").as_int64(), 1500);
  EXPECT_EQ(stored.at("LeaseToken").as_int64(), 1);
  EXPECT_FALSE(stored.contains("LeaseBucket"));  // never a pool row
  EXPECT_FALSE(locks.try_acquire(lock("leader", "b")).has_value());
  EXPECT_FALSE(LockClient(client(), table).try_acquire(lock("leader", "b")).has_value());
}

TEST_F(LockTest, ReleaseThenAcquireByAnother) {
  auto table = lock_table();
  LockClient locks(client(), table);
  auto first = locks.try_acquire(lock("leader", "a"));
  ASSERT_TRUE(first.has_value());

  EXPECT_TRUE(first->release());
  auto second = locks.try_acquire(lock("leader", "b"));

  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->lessee(), "b");
  EXPECT_EQ(second->token(), first->token() + 1);
}

TEST_F(LockTest, WaitingAcquireReturnsOnceReleased) {
  auto table = lock_table();
  LockClient locks(client(), table);
  auto first = locks.try_acquire(lock("leader", "a", 5000ms));
  ASSERT_TRUE(first.has_value());
  std::atomic<int> polls{0};
  WaitOptions wait;
  wait.max_wait = 5min;
  wait.min_poll = 10ms;
  wait.max_poll = 50ms;
  wait.progress = [&](std::chrono::milliseconds) { ++polls; };

  std::thread releaser([&] {
    (void)eventually([&] { return polls.load() >= 2; });
    first->release();
  });
  auto second = locks.acquire(lock("leader", "b"), wait);
  releaser.join();

  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->lessee(), "b");
}

TEST_F(LockTest, DataIsStoredAndReturned) {
  auto table = lock_table();
  LockClient locks(client(), table);
  auto request = lock("config", "a");
  request.data = Bytes{1, 2, 0, 255};

  auto first = locks.try_acquire(request);

  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->data(), (Bytes{1, 2, 0, 255}));
  EXPECT_EQ(row(table, "config").at("LockData"), AttributeValue::binary({1, 2, 0, 255}));
  ASSERT_TRUE(first->release());
  auto second = locks.try_acquire(lock("config", "b"));  // no data: the stored data stays
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->data(), (Bytes{1, 2, 0, 255}));
  ASSERT_TRUE(second->release());
  request.data = Bytes{7};
  auto third = locks.try_acquire(request);
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->data(), (Bytes{7}));
}

TEST_F(LockTest, TableWithASortKey) {
  auto table = lock_table("part");
  LockClient locks(client(), table);
  auto one = lock("job", "a");
  one.sort_key = "1";
  auto two = lock("job", "a");
  two.sort_key = "2";

  auto first = locks.try_acquire(one);
  auto second = locks.try_acquire(two);

  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->sort_key(), "1");
  EXPECT_EQ(second->sort_key(), "2");
  auto other = one;
  other.lease.lessee = "b";
  EXPECT_FALSE(locks.try_acquire(other).has_value());
  EXPECT_EQ(get(table, {{"id", S("job")}, {"part", S("2")}}).value_or(AttributeMap{}).at("ProcessID"), S("a"));
  EXPECT_THROW((void)locks.try_acquire(lock("job", "a")), InvalidArgument);  // the sort key is required
  EXPECT_TRUE(first->release());
  EXPECT_TRUE(locks.try_acquire(other).has_value());
}

// A holder whose heartbeats stopped (keep()): an observer in clock-free mode takes the lock by
// polling try_acquire, even with a wall clock an hour behind (it never compares wall clocks).
TEST_F(LockTest, ClockFreeTakesADeadLockByPolling) {
  auto table = lock_table();
  LockClient holder(client(), table);
  LockClient observer(client(), table, clock_free(std::make_shared<ShiftedClock>(-1h)));
  auto dead = holder.try_acquire(lock("leader", "a", 400ms));
  ASSERT_TRUE(dead.has_value());
  dead->keep();

  std::optional<Lease> taken;
  EXPECT_FALSE((taken = observer.try_acquire(lock("leader", "b"))).has_value());
  ASSERT_TRUE(eventually([&] { return (taken = observer.try_acquire(lock("leader", "b"))).has_value(); }, 15s, 50ms));

  EXPECT_EQ(taken->lessee(), "b");
  EXPECT_GT(taken->token(), dead->token());
}

// A live holder (heartbeats running): a clock-free observer polling for 3 durations never takes it,
// even with a wall clock an hour ahead (which would make the lock look long expired).
TEST_F(LockTest, ClockFreeNeverTakesALiveLock) {
  auto table = lock_table();
  LockClient holder(client(), table);
  LockClient observer(client(), table, clock_free(std::make_shared<ShiftedClock>(1h)));
  constexpr auto kDuration = 900ms;
  auto live = holder.try_acquire(lock("leader", "a", kDuration));
  ASSERT_TRUE(live.has_value());

  int attempts = 0;
  const auto until = std::chrono::steady_clock::now() + 3 * kDuration;
  while (std::chrono::steady_clock::now() < until) {
    EXPECT_FALSE(observer.try_acquire(lock("leader", "b")).has_value()) << "attempt " << attempts;
    ++attempts;
    std::this_thread::sleep_for(50ms);
  }

  EXPECT_GT(attempts, 3);
  EXPECT_TRUE(live->valid());
  EXPECT_EQ(row(table, "leader").at("ProcessID"), S("a"));
}

TEST_F(LockTest, TtlAttributeIsExpiryPlusMargin) {
  auto table = lock_table({}, "ExpiresAt");
  LockOptions options;
  options.ttl_attribute = "ExpiresAt";
  options.ttl_margin = 60s;
  LockClient locks(client(), table, options);

  auto held = locks.try_acquire(lock("leader", "a"));

  ASSERT_TRUE(held.has_value());
  auto expect_ttl = [&] {
    const auto stored = row(table, "leader");
    ASSERT_TRUE(stored.contains("ExpiresAt"));
    EXPECT_EQ(stored.at("ExpiresAt").as_int64(), stored.at("LeaseUntil").as_int64() / 1'000'000'000 + 60);
  };
  expect_ttl();
  ASSERT_TRUE(held->renew());
  expect_ttl();
  EXPECT_EQ(client().impl()->describe_time_to_live(table).attribute_name, "ExpiresAt");
}

TEST_F(LockTest, NoTtlAttributeUnlessConfigured) {
  auto table = lock_table();
  LockClient locks(client(), table);
  auto held = locks.try_acquire(lock("leader", "a"));
  ASSERT_TRUE(held.has_value());
  const auto stored = row(table, "leader");
  for (const auto& [name, value] : stored) {
    EXPECT_TRUE(name == "id" || name == "ProcessID" || name == "LeaseUntil" || name == "LeaseToken" ||
                name == "LeaseDuration")
        << "unexpected attribute " << name;
  }
}

TEST_F(LockTest, DeleteOnReleaseRemovesTheRow) {
  auto table = lock_table();
  LockOptions options;
  options.delete_on_release = true;
  LockClient locks(client(), table, options);
  auto held = locks.try_acquire(lock("leader", "a"));
  ASSERT_TRUE(held.has_value());
  ASSERT_TRUE(get(table, {{"id", S("leader")}}).has_value());

  EXPECT_TRUE(held->release());

  EXPECT_FALSE(get(table, {{"id", S("leader")}}).has_value());
  EXPECT_FALSE(held->release());
}

TEST_F(LockTest, ReleaseMarksTheRowFreeByDefault) {
  auto table = lock_table();
  LockClient locks(client(), table);
  auto held = locks.try_acquire(lock("leader", "a"));
  ASSERT_TRUE(held.has_value());

  EXPECT_TRUE(held->release());

  const auto stored = row(table, "leader");
  EXPECT_FALSE(stored.contains("ProcessID"));
  EXPECT_EQ(stored.at("LeaseUntil").as_int64(), 0);
  EXPECT_EQ(stored.at("LeaseToken").as_int64(), held->token());
}

TEST_F(LockTest, FencingTokenRisesWithEveryHolderAndNotWithRenewals) {
  auto table = lock_table();
  LockClient locks(client(), table);
  std::int64_t last = 0;
  for (const auto* lessee : {"a", "b", "a", "c"}) {
    auto held = locks.try_acquire(lock("leader", lessee, 1500ms, /*heartbeat=*/false));
    ASSERT_TRUE(held.has_value()) << lessee;
    EXPECT_GT(held->token(), last);
    last = held->token();
    ASSERT_TRUE(held->renew());
    ASSERT_TRUE(held->renew());
    EXPECT_EQ(row(table, "leader").at("LeaseToken").as_int64(), last);
    if (std::string(lessee) == "b") {
      held->keep();  // abandoned: the next holder takes it over after a forced release
      EXPECT_TRUE(locks.force_release("leader").existed);
    }
  }
}

TEST_F(LockTest, LeaseUntilThatIsAStringIsAnInvalidArgumentNamingIt) {
  auto table = lock_table();
  put(table, {{"id", S("broken")}, {"ProcessID", S("someone")}, {"LeaseUntil", S("tomorrow")}});
  LockClient locks(client(), table);

  try {
    (void)locks.try_acquire(lock("broken", "a"));
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_THAT(e.what(), HasSubstr("broken"));
    EXPECT_THAT(e.what(), HasSubstr("LeaseUntil"));
  }
}

TEST_F(LockTest, ReservedWordsAsAttributeNamesWork) {
  TableSpec spec;
  spec.hash_key = "Key";
  spec.with_index = false;
  auto table = create(spec);
  LockOptions options;
  options.names = {.lessee = "Name", .lease_until = "Data", .token = "Size", .bucket = "Count",
                   .duration = "Status", .data = "Value"};
  LockClient locks(client(), table, options);
  auto request = lock("leader", "a");
  request.data = Bytes{9};

  auto first = locks.try_acquire(request);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->data(), Bytes{9});
  EXPECT_TRUE(first->renew());
  EXPECT_FALSE(locks.try_acquire(lock("leader", "b")).has_value());
  EXPECT_TRUE(first->release());
  auto second = locks.try_acquire(lock("leader", "b"));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->token(), 2);
  const auto stored = row(table, "leader", "Key");
  EXPECT_EQ(stored.at("Name"), S("b"));
  EXPECT_EQ(stored.at("Size").as_int64(), 2);
  EXPECT_EQ(stored.at("Value"), AttributeValue::binary({9}));
}

}  // namespace
}  // namespace lease::testing

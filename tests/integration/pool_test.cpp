// lease::Pool against DynamoDB Local: obtain, release, takeover, paging past 1 MB with and without the
// index, never-leased rows, admin calls, user attributes kept, typed obtain, waiting, contention.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <set>
#include <stop_token>
#include <thread>

#include "dynamodb/client.hpp"
#include "lease/error.hpp"
#include "lease/lock.hpp"
#include "lease/pool.hpp"
#include "support/ddb_local.hpp"
#include "support/lease_fixture.hpp"

namespace lease::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class PoolTest : public LeaseTableTest {
 protected:
  /// A table with the index and the given free rows {id: key, payload: "p-<key>"}.
  std::string table_with_rows(const std::vector<std::string>& keys, bool with_index = true) {
    TableSpec spec;
    spec.with_index = with_index;
    auto table = create(spec);
    Pool pool(client(), table);
    std::vector<AttributeMap> items;
    for (const auto& key : keys) items.push_back({{"id", S(key)}, {"payload", S("p-" + key)}});
    EXPECT_EQ(pool.add_rows(items), keys.size());
    return table;
  }

  /// Short skew allowance so takeovers after expiry happen quickly.
  static PoolOptions fast_options() {
    PoolOptions options;
    options.max_clock_skew = 50ms;
    return options;
  }
};

TEST_F(PoolTest, ObtainReturnsTheRowWithLesseeTokenAndAttributes) {
  auto table = table_with_rows({"job-1"});
  Pool pool(client(), table);
  ASSERT_TRUE(pool.uses_index());

  auto held = pool.obtain(lease_request("worker-1", 1500ms));

  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->table(), table);
  EXPECT_EQ(held->key(), "job-1");
  EXPECT_EQ(held->lessee(), "worker-1");
  EXPECT_GE(held->token(), 1);
  EXPECT_EQ(held->attributes().at("payload"), S("p-job-1"));
  EXPECT_GT(held->lease_until(), std::chrono::system_clock::now());
  EXPECT_TRUE(held->valid());
  EXPECT_EQ(held->state(), LeaseState::held);
  const auto stored = row(table, "job-1");
  EXPECT_EQ(stored.at("ProcessID"), S("worker-1"));
  EXPECT_EQ(stored.at("LeaseToken").as_int64(), held->token());
  EXPECT_EQ(stored.at("payload"), S("p-job-1"));
}

TEST_F(PoolTest, NothingFreeGivesAnEmptyOptional) {
  auto empty_table = table_with_rows({});
  Pool empty(client(), empty_table);
  EXPECT_FALSE(empty.obtain(lease_request("worker-1", 1500ms)).has_value());

  auto table = table_with_rows({"only"});
  Pool pool(client(), table);
  auto first = pool.obtain(lease_request("worker-1", 1500ms));
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(pool.obtain(lease_request("worker-2", 1500ms)).has_value());
}

TEST_F(PoolTest, ReleasedRowIsObtainedAtOnceByAnotherWithAHigherToken) {
  auto table = table_with_rows({"only"});
  Pool pool(client(), table);
  auto first = pool.obtain(lease_request("worker-1", 1500ms));
  ASSERT_TRUE(first.has_value());

  EXPECT_TRUE(first->release());
  EXPECT_EQ(first->state(), LeaseState::released);
  EXPECT_FALSE(first->release());  // twice is harmless
  auto second = pool.obtain(lease_request("worker-2", 1500ms));

  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->key(), "only");
  EXPECT_EQ(second->lessee(), "worker-2");
  EXPECT_GT(second->token(), first->token());
  EXPECT_EQ(row(table, "only").at("payload"), S("p-only"));
}

TEST_F(PoolTest, ExpiredLeaseIsTakenOverWithAHigherToken) {
  auto table = table_with_rows({"only"});
  Pool pool(client(), table, fast_options());
  auto first = pool.obtain(lease_request("worker-1", 300ms, /*heartbeat=*/false));
  ASSERT_TRUE(first.has_value());

  std::optional<Lease> second;
  ASSERT_TRUE(eventually([&] { return (second = pool.obtain(lease_request("worker-2", 1500ms))).has_value(); }));

  EXPECT_GT(second->token(), first->token());
  EXPECT_FALSE(first->valid());
  EXPECT_FALSE(first->release());  // a stale holder cannot free the new holder's row
  EXPECT_EQ(row(table, "only").at("ProcessID"), S("worker-2"));
}

// ~1500 rows of ~4 KB (about 1.5 MB per scan segment): rows outside the first page of the table,
// and of each of its 4 segments, are the only free ones.
class PoolPagingTest : public PoolTest {
 protected:
  static constexpr int kRows = 1500;
  static constexpr int kFree = 3;

  std::set<std::string> first_page_keys(const std::string& table) {
    std::set<std::string> keys;
    for (int total : {1, 4}) {
      for (int segment = 0; segment < total; ++segment) {
        dynamodb::ScanRequest scan;
        scan.table_name = table;
        scan.projection_expression = "id";
        if (total > 1) {
          scan.segment = segment;
          scan.total_segments = total;
        }
        auto page = client().impl()->scan(scan);
        EXPECT_TRUE(page.last_evaluated_key.has_value()) << "segment " << segment << "/" << total << " is one page";
        for (const auto& item : page.items) keys.insert(item.at("id").as_string());
      }
    }
    return keys;
  }

  /// Fills the table with held rows, then frees kFree rows beyond every first page. Returns their keys.
  std::set<std::string> fill(const std::string& table) {
    const auto until = wall_ns() + std::chrono::nanoseconds(1h).count();
    std::vector<AttributeMap> items;
    for (int i = 0; i < kRows; ++i) {
      items.push_back({{"id", S("row-" + std::to_string(i))},
                       {"payload", S(std::string(4000, 'x'))},
                       {"ProcessID", S("someone-else")},
                       {"LeaseUntil", N(until)},
                       {"LeaseToken", N(1)},
                       {"LeaseBucket", N(i % 16)}});
    }
    put_all(table, std::move(items));
    const auto first = first_page_keys(table);
    std::set<std::string> freed;
    for (int i = kRows - 1; i >= 0 && static_cast<int>(freed.size()) < kFree; --i) {
      std::string key = "row-" + std::to_string(i);
      if (first.contains(key)) continue;
      dynamodb::UpdateItemRequest update;
      update.table_name = table;
      update.key = {{"id", S(key)}};
      update.update_expression = "SET LeaseUntil = :zero REMOVE ProcessID";
      update.expression_attribute_values = {{":zero", N(0)}};
      (void)client().impl()->update_item(update);
      freed.insert(key);
    }
    EXPECT_EQ(freed.size(), static_cast<std::size_t>(kFree));
    return freed;
  }

  void expect_obtains_exactly(Pool& pool, const std::set<std::string>& free) {
    std::vector<Lease> held;
    std::set<std::string> got;
    for (int i = 0; i < kFree; ++i) {
      auto lease = pool.obtain(lease_request("worker-" + std::to_string(i), 5000ms));
      ASSERT_TRUE(lease.has_value()) << "obtain " << i << " found no free row";
      got.insert(lease->key());
      held.push_back(std::move(*lease));
    }
    EXPECT_EQ(got, free);
    EXPECT_FALSE(pool.obtain(lease_request("worker-x", 5000ms)).has_value());
  }
};

TEST_F(PoolPagingTest, ObtainsRowsBeyondTheFirstPageWithTheIndex) {
  auto table = create();
  auto free = fill(table);
  Pool pool(client(), table);
  ASSERT_TRUE(pool.uses_index());
  expect_obtains_exactly(pool, free);
}

TEST_F(PoolPagingTest, ObtainsRowsBeyondTheFirstPageByScanWithoutTheIndex) {
  auto table = create({.with_index = false});
  auto free = fill(table);
  Pool pool(client(), table);
  ASSERT_FALSE(pool.uses_index());
  expect_obtains_exactly(pool, free);
}

TEST_F(PoolTest, TableWithoutTheIndexLogsTheSlowPath) {
  auto table = table_with_rows({"a"}, /*with_index=*/false);
  LogCapture log;
  PoolOptions options;
  options.logger = log.logger();
  Pool pool(client(), table, options);

  auto held = pool.obtain(lease_request("worker-1", 1500ms));

  ASSERT_TRUE(held.has_value());
  EXPECT_TRUE(log.contains(LogLevel::warn, "slow path")) << log.dump();
  EXPECT_TRUE(log.contains(LogLevel::warn, table)) << log.dump();
}

TEST_F(PoolTest, IndexedTableDoesNotLogTheSlowPath) {
  auto table = table_with_rows({"a"});
  LogCapture log;
  PoolOptions options;
  options.logger = log.logger();
  Pool pool(client(), table, options);
  ASSERT_TRUE(pool.obtain(lease_request("worker-1", 1500ms)).has_value());
  EXPECT_FALSE(log.contains(LogLevel::warn, "slow path")) << log.dump();
}

TEST_F(PoolTest, RowsWithoutLeaseAttributesAreFreeAndJoinTheIndexOnceTaken) {
  auto table = create({.with_index = false});
  put(table, {{"id", S("raw")}, {"payload", S("mine")}});
  Pool pool(client(), table);

  auto held = pool.obtain(lease_request("worker-1", 1500ms));

  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->key(), "raw");
  EXPECT_EQ(held->token(), 1);
  const auto stored = row(table, "raw");
  EXPECT_TRUE(stored.contains("LeaseBucket"));
  EXPECT_EQ(stored.at("ProcessID"), S("worker-1"));
  EXPECT_EQ(stored.at("payload"), S("mine"));
  held->release();
  const auto released = row(table, "raw");
  EXPECT_EQ(released.at("LeaseUntil").as_int64(), 0);
  EXPECT_FALSE(released.contains("ProcessID"));
  EXPECT_TRUE(released.contains("LeaseBucket"));
}

TEST_F(PoolTest, IndexRowsGivesExistingRowsTheIndexAttributes) {
  auto table = create();
  put(table, {{"id", S("raw-1")}, {"payload", S("one")}});
  put(table, {{"id", S("raw-2")}, {"payload", S("two")}});
  Pool pool(client(), table);
  std::vector<std::size_t> progress;

  EXPECT_EQ(pool.index_rows([&](std::size_t done) { progress.push_back(done); }), 2U);

  EXPECT_FALSE(progress.empty());
  for (const auto* key : {"raw-1", "raw-2"}) {
    const auto stored = row(table, key);
    ASSERT_TRUE(stored.contains("LeaseBucket")) << key;
    EXPECT_GE(stored.at("LeaseBucket").as_int64(), 0);
    EXPECT_LT(stored.at("LeaseBucket").as_int64(), 16);
    EXPECT_EQ(stored.at("LeaseUntil").as_int64(), 0);
  }
  EXPECT_EQ(pool.index_rows(), 0U);  // nothing left to do
  std::set<std::string> got;
  std::vector<Lease> held;
  for (const auto* lessee : {"w1", "w2"}) {
    auto lease = pool.obtain(lease_request(lessee, 1500ms));
    ASSERT_TRUE(lease.has_value()) << "indexed rows are found through the index";
    got.insert(lease->key());
    held.push_back(std::move(*lease));
  }
  EXPECT_EQ(got, (std::set<std::string>{"raw-1", "raw-2"}));
}

TEST_F(PoolTest, AddRowsNeverOverwritesAnExistingRow) {
  auto table = table_with_rows({});
  Pool pool(client(), table);
  ASSERT_EQ(pool.add_rows({{{"id", S("a")}, {"v", N(1)}}}), 1U);

  try {
    (void)pool.add_rows({{{"id", S("a")}, {"v", N(2)}}, {{"id", S("b")}, {"v", N(3)}}});
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_THAT(e.what(), HasSubstr("a"));
    EXPECT_THAT(e.what(), HasSubstr("1 added"));
  }
  EXPECT_EQ(row(table, "a").at("v"), N(1));
  EXPECT_EQ(row(table, "b").at("v"), N(3));
  EXPECT_EQ(row(table, "b").at("LeaseUntil").as_int64(), 0);
}

TEST_F(PoolTest, ListReportsHolders) {
  auto table = table_with_rows({"a", "b"});
  Pool pool(client(), table);
  auto held = pool.obtain(lease_request("worker-1", 5000ms));
  ASSERT_TRUE(held.has_value());
  const std::string free_key = held->key() == "a" ? "b" : "a";

  const auto rows = pool.list();

  ASSERT_EQ(rows.size(), 2U);
  for (const auto& status : rows) {
    EXPECT_EQ(status.attributes.at("payload"), S("p-" + status.key));
    EXPECT_FALSE(status.attributes.contains("ProcessID"));
    if (status.key == held->key()) {
      EXPECT_EQ(status.lessee, "worker-1");
      EXPECT_TRUE(status.held);
      EXPECT_EQ(status.token, held->token());
      ASSERT_TRUE(status.lease_until.has_value());
      EXPECT_GT(*status.lease_until, std::chrono::system_clock::now());
    } else {
      EXPECT_EQ(status.key, free_key);
      EXPECT_FALSE(status.lessee.has_value());
      EXPECT_FALSE(status.held);
      EXPECT_EQ(status.token, 0);
    }
  }
}

// Every DynamoDB type, nested, as a user's row would carry them.
AttributeMap every_type(const std::string& key) {
  AttributeMap nested{{"deep", AttributeValue::list({S("x"), N(1), AttributeValue::binary({0, 255})})},
                      {"flag", AttributeValue::boolean(false)}};
  return {{"id", S(key)},
          {"s", S("h\xC3\xA9llo \"world\"\n")},
          {"empty_s", S("")},
          {"n38", AttributeValue::number("12345678901234567890123456789012345678")},
          {"n_frac", AttributeValue::number("-0.000000000000000000000000000000000001")},
          // In DynamoDB's canonical form (it answers 9.9...9E+125 written out), so it compares as sent.
          {"n_big", AttributeValue::number(std::string(38, '9') + std::string(88, '0'))},
          {"b", AttributeValue::binary({0, 1, 2, 0xfe, 0xff})},
          {"bool", AttributeValue::boolean(true)},
          {"null", AttributeValue::null()},
          {"m", AttributeValue::map(nested)},
          {"l", AttributeValue::list({S("a"), AttributeValue::map({{"k", N(2)}}), AttributeValue::null()})},
          {"ss", AttributeValue::string_set({"b", "a", "c"})},
          {"ns", AttributeValue::number_set({"3", "-1.5", "100000000000000000000"})},
          {"bs", AttributeValue::binary_set({{1}, {0, 0}, {255}})}};
}

TEST_F(PoolTest, UserAttributesOfEveryTypeAreUnchangedByObtainRenewRelease) {
  auto table = create();
  auto item = every_type("typed");
  Pool pool(client(), table);
  ASSERT_EQ(pool.add_rows({item}), 1U);
  const auto before = without_lease_attributes(row(table, "typed"));
  EXPECT_EQ(before, item);

  auto held = pool.obtain(lease_request("worker-1", 1500ms));
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(without_lease_attributes(row(table, "typed")), before);
  EXPECT_EQ(without_lease_attributes(held->attributes()), before);
  EXPECT_TRUE(held->renew());
  EXPECT_EQ(without_lease_attributes(row(table, "typed")), before);
  EXPECT_TRUE(held->release());
  EXPECT_EQ(without_lease_attributes(row(table, "typed")), before);
}

struct Job {
  std::string payload;
  std::int64_t size = 0;
};

TEST_F(PoolTest, TypedObtainMapsTheAttributes) {
  auto table = create();
  Pool pool(client(), table);
  ASSERT_EQ(pool.add_rows({{{"id", S("j")}, {"payload", S("work")}, {"size", N(42)}}}), 1U);
  TypedLeaseRequest<Job> request{lease_request("worker-1", 1500ms), [](const AttributeMap& attributes) {
                                   return Job{attributes.at("payload").as_string(), attributes.at("size").as_int64()};
                                 }};

  auto held = pool.obtain(request);

  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->lease.key(), "j");
  EXPECT_EQ(held->data.payload, "work");
  EXPECT_EQ(held->data.size, 42);
}

TEST_F(PoolTest, ThrowingMapperGivesDataMappingErrorAndFreesTheRow) {
  auto table = create();
  Pool pool(client(), table);
  ASSERT_EQ(pool.add_rows({{{"id", S("j")}, {"payload", S("work")}}}), 1U);
  TypedLeaseRequest<Job> request{lease_request("worker-1", 5000ms), [](const AttributeMap& attributes) {
                                   return Job{attributes.at("payload").as_string(),
                                              attributes.at("size").as_int64()};  // no "size": throws
                                 }};

  try {
    (void)pool.obtain(request);
    FAIL() << "expected DataMappingError";
  } catch (const DataMappingError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'j'"));
    EXPECT_THROW(std::rethrow_if_nested(e), std::out_of_range);
  }

  EXPECT_FALSE(row(table, "j").contains("ProcessID"));
  auto again = pool.obtain(lease_request("worker-2", 1500ms));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->key(), "j");
}

// One row, held by worker-1 for 5 s; worker-2 waits for it.
class PoolWaitTest : public PoolTest {
 protected:
  void SetUp() override {
    PoolTest::SetUp();
    pool_.emplace(client(), table_with_rows({"only"}));
    first_ = pool_->obtain(lease_request("worker-1", 5000ms));
    ASSERT_TRUE(first_.has_value());
  }

  void TearDown() override {
    first_.reset();
    pool_.reset();
    PoolTest::TearDown();
  }

  std::optional<Pool> pool_;
  std::optional<Lease> first_;
  std::atomic<int> polls_{0};

  WaitOptions polling(std::chrono::milliseconds max_wait) {
    WaitOptions wait;
    wait.max_wait = max_wait;
    wait.min_poll = 10ms;
    wait.max_poll = 50ms;
    wait.progress = [this](std::chrono::milliseconds) { ++polls_; };
    return wait;
  }
};

TEST_F(PoolWaitTest, ReturnsWhenAnotherThreadReleasesTheRow) {
  auto waiter = std::async(std::launch::async, [&] {
    return pool_->wait_until_obtained(lease_request("worker-2", 1500ms), polling(5min));
  });
  EXPECT_TRUE(eventually([&] { return polls_.load() >= 2; }));
  EXPECT_TRUE(first_->release());
  auto second = waiter.get();

  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->lessee(), "worker-2");
  EXPECT_GT(second->token(), first_->token());
}

TEST_F(PoolWaitTest, GivesUpAfterMaxWait) {
  auto second = pool_->wait_until_obtained(lease_request("worker-2", 1500ms), polling(300ms));

  EXPECT_FALSE(second.has_value());
  EXPECT_GE(polls_.load(), 1);
}

TEST_F(PoolWaitTest, StopTokenCancelsTheWait) {
  std::stop_source stop;

  auto waiter = std::async(std::launch::async, [&] {
    return pool_->wait_until_obtained(lease_request("worker-2", 1500ms), polling(5min), stop.get_token());
  });
  EXPECT_TRUE(eventually([&] { return polls_.load() >= 1; }));
  stop.request_stop();
  // A wait that ignored the stop would take the row once it is free again: free it after a while.
  if (waiter.wait_for(20s) != std::future_status::ready) first_->release();
  auto second = waiter.get();

  EXPECT_FALSE(second.has_value());
}

TEST_F(PoolTest, MutualExclusionUnderContentionOfThreads) {
  constexpr int kThreads = 8;
  constexpr int kCycles = 10;
  auto table = table_with_rows({"r0", "r1", "r2"});
  std::vector<CycleReport> reports(kThreads);
  std::vector<std::thread> threads;
  const auto local_now = [] { return std::chrono::steady_clock::now().time_since_epoch().count(); };
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        Pool pool(client(), table);
        reports[t] = hold_cycles(pool, "worker-" + std::to_string(t), kCycles, 1000ms, local_now);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "worker " << t << ": " << e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::vector<Interval> all;
  int invalid = 0;
  int not_obtained = 0;
  for (const auto& report : reports) {
    all.insert(all.end(), report.intervals.begin(), report.intervals.end());
    invalid += report.invalid;
    not_obtained += report.not_obtained;
  }
  EXPECT_EQ(not_obtained, 0);
  EXPECT_GE(all.size(), static_cast<std::size_t>(kThreads * kCycles / 2)) << invalid << " holds were not valid";
  expect_exclusive(all);
}

class PoolBadInputTest : public PoolTest {};

TEST_F(PoolBadInputTest, MissingTableIsResourceNotFound) {
  Pool pool(client(), unique_table_name("missing"));
  EXPECT_THROW((void)pool.obtain(lease_request("worker-1", 1500ms)), ResourceNotFound);
  LockClient locks(client(), unique_table_name("missing"));
  LockRequest lock{.key = "leader", .lease = lease_request("worker-1", 1500ms)};
  EXPECT_THROW((void)locks.try_acquire(lock), ResourceNotFound);
}

TEST_F(PoolBadInputTest, NumberHashKeyIsAnInvalidArgument) {
  dynamodb::CreateTableRequest request;
  request.table_name = unique_table_name("numeric");
  request.key_schema.hash_key = "id";
  request.attribute_definitions = {{"id", dynamodb::ScalarType::number}};
  (void)client().impl()->create_table(request);
  adopt(request.table_name);
  (void)client().impl()->wait_until_active(request.table_name, 60s);

  Pool pool(client(), request.table_name);
  try {
    (void)pool.obtain(lease_request("worker-1", 1500ms));
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_THAT(e.what(), HasSubstr("'id'"));
  }
  LockClient locks(client(), request.table_name);
  LockRequest lock{.key = "leader", .lease = lease_request("worker-1", 1500ms)};
  EXPECT_THROW((void)locks.try_acquire(lock), InvalidArgument);
}

TEST_F(PoolBadInputTest, BadRequestsAreInvalidArguments) {
  auto table = table_with_rows({"a"});
  Pool pool(client(), table);
  auto expect_invalid = [&](const LeaseRequest& request, const std::string& what) {
    SCOPED_TRACE(what);
    try {
      (void)pool.obtain(request);
      ADD_FAILURE() << "expected InvalidArgument";
    } catch (const InvalidArgument& e) {
      EXPECT_THAT(e.what(), HasSubstr(what));
    }
    EXPECT_THROW((void)pool.wait_until_obtained(request, {.max_wait = 1s}), InvalidArgument);
  };
  expect_invalid(lease_request("worker-1", 0ms), "duration");
  expect_invalid(lease_request("worker-1", -5ms), "duration");
  expect_invalid(lease_request("", 1500ms), "lessee");
  auto slow_heartbeat = lease_request("worker-1", 1500ms);
  slow_heartbeat.heartbeat_period = 1500ms;
  expect_invalid(slow_heartbeat, "heartbeat period");
  slow_heartbeat.heartbeat_period = 2000ms;
  expect_invalid(slow_heartbeat, "heartbeat period");
  EXPECT_THROW((void)pool.release("a", "", 1), InvalidArgument);
  EXPECT_THROW((void)pool.renew("a", "worker-1", 1, 0ms), InvalidArgument);

  // Nothing was taken by the rejected requests.
  EXPECT_FALSE(row(table, "a").contains("ProcessID"));
}

TEST_F(PoolBadInputTest, ReservedWordsAsAttributeNamesWork) {
  AttributeNames names{.lessee = "Name", .lease_until = "Data", .token = "Size", .bucket = "Count",
                       .duration = "Status", .data = "Value"};
  TableSpec spec;
  spec.hash_key = "Key";
  spec.names = names;
  auto table = create(spec);
  PoolOptions options;
  options.names = names;
  Pool pool(client(), table, options);
  ASSERT_TRUE(pool.uses_index());
  ASSERT_EQ(pool.add_rows({{{"Key", S("a")}, {"Path", S("user data")}}}), 1U);

  auto first = pool.obtain(lease_request("worker-1", 1500ms));
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->renew());
  EXPECT_FALSE(pool.obtain(lease_request("worker-2", 1500ms)).has_value());
  EXPECT_TRUE(first->release());
  auto second = pool.obtain(lease_request("worker-2", 1500ms));

  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->token(), 2);
  const auto stored = row(table, "a", "Key");
  EXPECT_EQ(stored.at("Name"), S("worker-2"));
  EXPECT_EQ(stored.at("Size").as_int64(), 2);
  EXPECT_EQ(stored.at("Path"), S("user data"));
  ASSERT_EQ(pool.list().size(), 1U);
  EXPECT_EQ(pool.list()[0].lessee, "worker-2");
  EXPECT_EQ(pool.force_release("a").lessee, "worker-2");
  EXPECT_EQ(pool.index_rows(), 0U);
}

}  // namespace
}  // namespace lease::testing

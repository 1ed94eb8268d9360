// Compatibility with the original Go library (2015) on a shared table with the default names: the
// test issues the original's exact UpdateItem and checks both directions.

#include <gtest/gtest.h>

#include "dynamodb/client.hpp"
#include "dynamodb/errors.hpp"
#include "lease/pool.hpp"
#include "support/lease_fixture.hpp"

namespace lease::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kHashKey = "WorkItem";

class CompatTest : public LeaseTableTest {
 protected:
  std::string shared_table(bool with_index) {
    TableSpec spec;
    spec.hash_key = kHashKey;
    spec.with_index = with_index;
    return create(spec);
  }

  static PoolOptions options() {
    PoolOptions options;
    options.max_clock_skew = 50ms;
    return options;
  }

  /// The original's ObtainLease write for one row, verbatim; true when its condition held.
  bool original_take(const std::string& table, const std::string& key, const std::string& me,
                     std::chrono::nanoseconds hold) {
    dynamodb::UpdateItemRequest update;
    update.table_name = table;
    update.key = {{kHashKey, S(key)}};
    update.update_expression = "SET ProcessID=:me, LeaseUntil=:until";
    update.condition_expression =
        std::string("attribute_exists(") + kHashKey + ") AND (LeaseUntil < :now OR ProcessID = :me)";
    const auto now = wall_ns();
    update.expression_attribute_values = {{":me", S(me)}, {":until", N(now + hold.count())}, {":now", N(now)}};
    try {
      (void)client().impl()->update_item(update);
      return true;
    } catch (const dynamodb::ConditionalCheckFailed&) {
      return false;
    }
  }

  /// A row as the original's users set them up: LeaseUntil 0 (its condition fails on a row without
  /// it), no other lease attribute.
  static AttributeMap original_row(const std::string& key) {
    return {{kHashKey, S(key)}, {"LeaseUntil", N(0)}, {"payload", S("x")}};
  }

  /// A new table with the original's row "job", taken by the original's "go-worker" for `hold`.
  std::string held_by_original(bool with_index, std::chrono::nanoseconds hold) {
    auto table = shared_table(with_index);
    put(table, original_row("job"));
    EXPECT_TRUE(original_take(table, "job", "go-worker", hold));
    return table;
  }

  AttributeMap stored(const std::string& table, const std::string& key) { return row(table, key, kHashKey); }
};

TEST_F(CompatTest, RowHeldByTheOriginalIsNotObtainedThroughTheIndex) {
  auto table = shared_table(true);
  Pool pool(client(), table, options());
  ASSERT_EQ(pool.add_rows({{{kHashKey, S("job")}, {"payload", S("x")}}}), 1U);
  ASSERT_TRUE(original_take(table, "job", "go-worker", 1h));

  EXPECT_FALSE(pool.obtain(lease_request("cpp-worker", 1500ms)).has_value());

  const auto rows = pool.list();
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].lessee, "go-worker");
  EXPECT_TRUE(rows[0].held);
}

TEST_F(CompatTest, RowHeldByTheOriginalIsNotObtainedByTheFallbackScan) {
  auto table = held_by_original(false, 1h);
  Pool pool(client(), table, options());

  EXPECT_FALSE(pool.obtain(lease_request("cpp-worker", 1500ms)).has_value());
  EXPECT_EQ(stored(table, "job").at("ProcessID"), S("go-worker"));
}

TEST_F(CompatTest, RowTheOriginalLetLapseIsObtained) {
  auto table = held_by_original(false, 300ms);
  Pool pool(client(), table, options());

  std::optional<Lease> held;
  ASSERT_TRUE(eventually([&] { return (held = pool.obtain(lease_request("cpp-worker", 1500ms))).has_value(); }));

  EXPECT_EQ(held->key(), "job");
  EXPECT_EQ(held->token(), 1);
  EXPECT_EQ(stored(table, "job").at("ProcessID"), S("cpp-worker"));
  EXPECT_EQ(stored(table, "job").at("payload"), S("x"));
}

TEST_F(CompatTest, IndexRowsKeepsTheOriginalsHolder) {
  auto table = held_by_original(true, 1h);
  Pool pool(client(), table, options());
  const auto until = stored(table, "job").at("LeaseUntil");

  EXPECT_EQ(pool.index_rows(), 1U);

  const auto indexed = stored(table, "job");
  EXPECT_TRUE(indexed.contains("LeaseBucket"));
  EXPECT_EQ(indexed.at("LeaseUntil"), until);
  EXPECT_EQ(indexed.at("ProcessID"), S("go-worker"));
  EXPECT_FALSE(pool.obtain(lease_request("cpp-worker", 1500ms)).has_value());
}

TEST_F(CompatTest, RowWeHoldFailsTheOriginalsCondition) {
  for (bool with_index : {true, false}) {
    SCOPED_TRACE(with_index ? "indexed" : "fallback scan");
    auto table = shared_table(with_index);
    Pool pool(client(), table, options());
    ASSERT_EQ(pool.add_rows({{{kHashKey, S("job")}}}), 1U);
    auto held = pool.obtain(lease_request("cpp-worker", 1500ms));
    ASSERT_TRUE(held.has_value());

    EXPECT_FALSE(original_take(table, "job", "go-worker", 1h));

    EXPECT_EQ(stored(table, "job").at("ProcessID"), S("cpp-worker"));
    EXPECT_TRUE(held->renew());
  }
}

TEST_F(CompatTest, AfterOurReleaseTheOriginalTakesTheRow) {
  auto table = shared_table(true);
  Pool pool(client(), table, options());
  ASSERT_EQ(pool.add_rows({{{kHashKey, S("job")}, {"payload", S("x")}}}), 1U);
  auto held = pool.obtain(lease_request("cpp-worker", 1500ms));
  ASSERT_TRUE(held.has_value());
  ASSERT_TRUE(held->release());

  EXPECT_TRUE(original_take(table, "job", "go-worker", 1h));

  const auto item = stored(table, "job");
  EXPECT_EQ(item.at("ProcessID"), S("go-worker"));
  EXPECT_EQ(item.at("LeaseToken").as_int64(), held->token());  // the original leaves our attributes alone
  EXPECT_EQ(item.at("payload"), S("x"));
  EXPECT_FALSE(pool.obtain(lease_request("cpp-worker", 1500ms)).has_value());
}

}  // namespace
}  // namespace lease::testing

// RenewerStats: the lateness histogram's percentile, and the renewer's thread cap.

#include <gtest/gtest.h>

#include "lease/renewer.hpp"

namespace lease::detail {
namespace {

using std::chrono::milliseconds;

RenewerStats with_counts(std::initializer_list<std::pair<std::size_t, std::uint64_t>> buckets, milliseconds max) {
  RenewerStats stats;
  for (auto [bucket, count] : buckets) {
    stats.lateness_histogram[bucket] = count;
    stats.renewals += count;
  }
  stats.max_lateness = max;
  return stats;
}

TEST(RenewerStatsTest, PercentileIsTheUpperBoundOfItsBucket) {
  // 98 heartbeats under 1 ms, one in [10, 20) ms, one in [200, 500) ms (the worst: 260 ms).
  const auto stats = with_counts({{0, 98}, {4, 1}, {8, 1}}, milliseconds(260));
  EXPECT_EQ(stats.lateness_percentile(50), milliseconds(1));
  EXPECT_EQ(stats.lateness_percentile(99), milliseconds(20));
  EXPECT_EQ(stats.lateness_percentile(100), milliseconds(260));  // capped at the worst seen
}

TEST(RenewerStatsTest, OpenLastBucketReportsTheWorst) {
  const auto stats = with_counts({{RenewerStats::bucket_limits_ms.size(), 3}}, milliseconds(7'500));
  EXPECT_EQ(stats.lateness_percentile(50), milliseconds(7'500));
}

TEST(RenewerStatsTest, NoRenewalsIsZero) { EXPECT_EQ(RenewerStats{}.lateness_percentile(99), milliseconds(0)); }

TEST(RenewerTest, ThreadCapIsAtLeastSixteenAndNeverBelowTheOption) {
  const Renewer few({.threads = 2}, SystemClock::instance());
  EXPECT_EQ(few.max_threads(), 16u);
  EXPECT_EQ(few.threads(), 0u);  // none until the first lease
  const Renewer many({.threads = 40}, SystemClock::instance());
  EXPECT_EQ(many.max_threads(), 40u);
}

}  // namespace
}  // namespace lease::detail

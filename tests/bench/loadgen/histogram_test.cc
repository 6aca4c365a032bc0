#include "bench/loadgen/histogram.h"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

TEST(HistogramBucketTest, BucketsAreContiguousAndWithinOneSixtyFourth) {
  for (int b = 0; b + 1 < kHistogramBuckets; ++b) {
    ASSERT_EQ(HistogramBucketHigh(b) + 1, HistogramBucketLow(b + 1)) << b;
    const uint64_t low = HistogramBucketLow(b), high = HistogramBucketHigh(b);
    EXPECT_LE(static_cast<double>(high - low), static_cast<double>(low) / 64.0 + 1e-9) << b;
  }
}

TEST(HistogramBucketTest, ValuesLandInTheBucketThatHoldsThem) {
  for (uint64_t v :
       {0ull, 1ull, 127ull, 128ull, 255ull, 256ull, 999'999ull, 1'000'000ull, 123'456'789ull}) {
    const int b = HistogramBucket(v);
    EXPECT_LE(HistogramBucketLow(b), v);
    EXPECT_GE(HistogramBucketHigh(b), v);
  }
  EXPECT_EQ(HistogramBucketLow(HistogramBucket(1'000'000)), 999'424u);
  EXPECT_EQ(HistogramBucket(~0ull), kHistogramBuckets - 1);  // clamped
}

TEST(HistogramCountsTest, QuantilesOfOneToTenThousand) {
  LogHistogram h;
  for (uint64_t v = 1; v <= 10000; ++v) h.Record(v * 1000);
  HistogramCounts c;
  h.SnapshotInto(c);
  EXPECT_EQ(c.total, 10000u);
  auto near = [](uint64_t got, double want) {
    return std::abs(static_cast<double>(got) - want) <= want / 64.0;
  };
  EXPECT_TRUE(near(c.ValueAtQuantile(0.5), 5'000'000));
  EXPECT_TRUE(near(c.ValueAtQuantile(0.99), 9'900'000));
  EXPECT_TRUE(near(c.ValueAtQuantile(0.999), 9'990'000));
  EXPECT_TRUE(near(c.MaxBucketHigh(), 10'000'000));
  EXPECT_EQ(h.Max(), 10'000'000u);
  EXPECT_NEAR(c.Mean(), 5'000'500.0, 1.0);
}

TEST(HistogramCountsTest, SubtractGivesTheRecordsBetweenSnapshots) {
  LogHistogram h;
  HistogramCounts before, after;
  for (int i = 0; i < 100; ++i) h.Record(10);
  h.SnapshotInto(before);
  for (int i = 0; i < 100; ++i) h.Record(1'000'000);
  h.SnapshotInto(after);
  after.Subtract(before);
  EXPECT_EQ(after.total, 100u);
  EXPECT_GE(after.ValueAtQuantile(0.0), 999'424u);
}

TEST(HistogramCountsTest, EmptyIsZero) {
  HistogramCounts c;
  EXPECT_EQ(c.ValueAtQuantile(0.99), 0u);
  EXPECT_EQ(c.MaxBucketHigh(), 0u);
  EXPECT_EQ(c.Mean(), 0.0);
}

}  // namespace
}  // namespace sluice::bench

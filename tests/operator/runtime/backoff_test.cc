#include "operator/runtime/backoff.h"

#include <gtest/gtest.h>

namespace sluice::operator_runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(BackoffTest, DoublesFromBaseAndCapsAtMax) {
  BackoffPolicy p{milliseconds(5), seconds(1)};
  EXPECT_EQ(BackoffDelay(p, 0), Duration::zero());
  EXPECT_EQ(BackoffDelay(p, 1), milliseconds(5));
  EXPECT_EQ(BackoffDelay(p, 2), milliseconds(10));
  EXPECT_EQ(BackoffDelay(p, 4), milliseconds(40));
  EXPECT_EQ(BackoffDelay(p, 8), milliseconds(640));
  EXPECT_EQ(BackoffDelay(p, 9), seconds(1));
  EXPECT_EQ(BackoffDelay(p, 1000), seconds(1));  // no overflow
}

TEST(TokenBucketTest, BurstIsFreeThenOneTokenPerInterval) {
  TimePoint t0{};
  TokenBucket bucket(10, 2, t0);  // 10/s: one token per 100 ms
  EXPECT_EQ(bucket.Reserve(t0), Duration::zero());
  EXPECT_EQ(bucket.Reserve(t0), Duration::zero());
  auto third = bucket.Reserve(t0);
  auto fourth = bucket.Reserve(t0);
  EXPECT_NEAR(std::chrono::duration<double>(third).count(), 0.1, 1e-6);
  EXPECT_NEAR(std::chrono::duration<double>(fourth).count(), 0.2, 1e-6);  // queued behind
}

TEST(TokenBucketTest, RefillsWithTimeUpToBurst) {
  TimePoint t0{};
  TokenBucket bucket(10, 2, t0);
  bucket.Reserve(t0);
  bucket.Reserve(t0);
  TimePoint later = t0 + seconds(10);  // would be 100 tokens, capped at 2
  EXPECT_EQ(bucket.Reserve(later), Duration::zero());
  EXPECT_EQ(bucket.Reserve(later), Duration::zero());
  EXPECT_GT(bucket.Reserve(later), Duration::zero());
}

}  // namespace
}  // namespace sluice::operator_runtime

#include "broker/server/fetch_waiters.h"

#include <gtest/gtest.h>

namespace sluice::server {
namespace {

TEST(FetchWaiters, WakesOnlyWatchersOfTheNotifiedPartition) {
  FetchWaiters waiters;
  int a = 0, b = 0;
  uint64_t ta = waiters.Watch({{"t", 0}, {"t", 1}}, [&] { ++a; });
  uint64_t tb = waiters.Watch({{"u", 0}}, [&] { ++b; });
  waiters.Notify("t", 1);
  waiters.Notify("t", 2);
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 0);
  waiters.Notify("u", 0);
  EXPECT_EQ(b, 1);
  waiters.Unwatch(ta);
  waiters.Notify("t", 0);
  EXPECT_EQ(a, 1);
  waiters.Unwatch(tb);
  waiters.Unwatch(tb);  // twice is harmless
}

TEST(FetchWaiters, AWatcherMayUnwatchFromItsOwnWakeCallback) {
  FetchWaiters waiters;
  uint64_t token = 0;
  int calls = 0;
  token = waiters.Watch({{"t", 0}}, [&] {
    ++calls;
    waiters.Unwatch(token);
  });
  waiters.Notify("t", 0);
  waiters.Notify("t", 0);
  EXPECT_EQ(calls, 1);
}

TEST(FetchWaiters, CountsWatchersAndNotificationsAndForgetsUnwatched) {
  FetchWaiters waiters;
  EXPECT_EQ(waiters.size(), 0u);
  int calls = 0;
  uint64_t a = waiters.Watch({{"t", 0}, {"t", 1}, {"t", 1}}, [&] { ++calls; });
  uint64_t b = waiters.Watch({{"t", 1}}, [&] { ++calls; });
  EXPECT_EQ(waiters.size(), 2u);
  uint64_t before = waiters.notifications();
  waiters.Notify("t", 1);  // both, each once although `a` named the partition twice
  EXPECT_EQ(calls, 2);
  waiters.Notify("nobody", 0);  // counted even when nobody waits
  EXPECT_EQ(waiters.notifications(), before + 2);
  waiters.Unwatch(a);
  waiters.Unwatch(b);
  EXPECT_EQ(waiters.size(), 0u);
  waiters.Notify("t", 1);
  EXPECT_EQ(calls, 2);
}

TEST(FetchWaiters, ManyWatchersOnManyPartitionsAllReleased) {
  FetchWaiters waiters;
  std::vector<uint64_t> tokens;
  int calls = 0;
  for (int w = 0; w < 50; ++w) {
    std::vector<FetchWaiters::TopicPartition> partitions;
    for (int p = 0; p < 100; ++p) partitions.emplace_back(w % 2 ? "odd" : "even", p);
    tokens.push_back(waiters.Watch(partitions, [&] { ++calls; }));
  }
  waiters.Notify("odd", 99);
  EXPECT_EQ(calls, 25);
  for (uint64_t t : tokens) waiters.Unwatch(t);
  EXPECT_EQ(waiters.size(), 0u);
  waiters.Notify("odd", 99);
  waiters.Notify("even", 0);
  EXPECT_EQ(calls, 25);
}

}  // namespace
}  // namespace sluice::server

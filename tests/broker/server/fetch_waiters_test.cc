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

}  // namespace
}  // namespace sluice::server

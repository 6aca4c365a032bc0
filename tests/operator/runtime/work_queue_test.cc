#include "operator/runtime/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace sluice::operator_runtime {
namespace {

using std::chrono::milliseconds;

TEST(WorkQueueTest, DeduplicatesQueuedKeys) {
  WorkQueue q;
  q.Add("ns/a");
  q.Add("ns/b");
  q.Add("ns/a");
  EXPECT_EQ(q.Len(), 2u);
  std::string key;
  ASSERT_TRUE(q.Get(&key));
  EXPECT_EQ(key, "ns/a");
  ASSERT_TRUE(q.Get(&key));
  EXPECT_EQ(key, "ns/b");
  EXPECT_EQ(q.Len(), 0u);
}

TEST(WorkQueueTest, KeyAddedWhileProcessingComesBackAfterDoneNotBefore) {
  WorkQueue q;
  q.Add("k");
  std::string key;
  ASSERT_TRUE(q.Get(&key));
  q.Add("k");              // an update arrives while a worker holds "k"
  EXPECT_EQ(q.Len(), 0u);  // not handed to a second worker
  q.Done("k");
  EXPECT_EQ(q.Len(), 1u);  // and not lost
  ASSERT_TRUE(q.Get(&key));
  q.Done(key);
  EXPECT_EQ(q.Len(), 0u);
}

TEST(WorkQueueTest, AddAfterDelaysTheKey) {
  WorkQueue q;
  auto start = std::chrono::steady_clock::now();
  q.AddAfter("k", milliseconds(50));
  EXPECT_EQ(q.Len(), 0u);
  EXPECT_EQ(q.DelayedLen(), 1u);
  std::string key;
  ASSERT_TRUE(q.Get(&key));
  EXPECT_EQ(key, "k");
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(50));
}

TEST(WorkQueueTest, AddCancelsAPendingDelay) {
  WorkQueue q;
  q.AddAfter("k", std::chrono::hours(1));
  q.Add("k");
  EXPECT_EQ(q.Len(), 1u);
  EXPECT_EQ(q.DelayedLen(), 0u);
}

TEST(WorkQueueTest, RateLimitedRetriesBackOffPerItemUntilForget) {
  WorkQueueOptions options;
  options.item_backoff = {milliseconds(1), milliseconds(1000)};
  options.qps = 1000;
  options.burst = 1000;
  WorkQueue q(options);
  q.AddRateLimited("k");
  q.AddRateLimited("k");
  q.AddRateLimited("k");
  EXPECT_EQ(q.NumRequeues("k"), 3);
  EXPECT_EQ(q.NumRequeues("other"), 0);
  q.Forget("k");
  EXPECT_EQ(q.NumRequeues("k"), 0);
  std::string key;
  ASSERT_TRUE(q.Get(&key));  // arrives after its (short) backoff
  EXPECT_EQ(key, "k");
}

TEST(WorkQueueTest, GlobalRateLimitDelaysBeyondTheBurst) {
  WorkQueueOptions options;
  options.item_backoff = {milliseconds(0), milliseconds(0)};
  options.qps = 1;
  options.burst = 1;
  WorkQueue q(options);
  q.AddRateLimited("a");  // the burst token: immediate
  q.AddRateLimited("b");  // waits ~1 s for the next token
  std::string key;
  ASSERT_TRUE(q.Get(&key));
  EXPECT_EQ(key, "a");
  EXPECT_EQ(q.Len(), 0u);
  EXPECT_EQ(q.DelayedLen(), 1u);
}

TEST(WorkQueueTest, ShutDownWakesBlockedWorkers) {
  WorkQueue q;
  bool got = true;
  std::thread worker([&] {
    std::string key;
    got = q.Get(&key);
  });
  std::this_thread::sleep_for(milliseconds(20));
  q.ShutDown();
  worker.join();
  EXPECT_FALSE(got);
  q.Add("late");
  EXPECT_EQ(q.Len(), 0u);
  EXPECT_TRUE(q.ShuttingDown());
}

TEST(WorkQueueTest, ManyWorkersNeverHoldTheSameKey) {
  WorkQueue q;
  std::mutex mu;
  std::set<std::string> held;
  bool overlap = false;
  std::atomic<int> processed{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([&] {
      std::string key;
      while (q.Get(&key)) {
        {
          std::lock_guard<std::mutex> lock(mu);
          overlap |= !held.insert(key).second;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        {
          std::lock_guard<std::mutex> lock(mu);
          held.erase(key);
        }
        ++processed;
        q.Done(key);
      }
    });
  }
  for (int i = 0; i < 400; ++i) q.Add(std::to_string(i % 5));
  for (int i = 0; i < 200 && (q.Len() > 0); ++i) std::this_thread::sleep_for(milliseconds(5));
  std::this_thread::sleep_for(milliseconds(20));
  q.ShutDown();
  for (auto& w : workers) w.join();
  EXPECT_FALSE(overlap);
  EXPECT_GE(processed.load(), 5);
}

}  // namespace
}  // namespace sluice::operator_runtime

#include "broker/log/log_flusher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "absl/synchronization/notification.h"
#include "tests/broker/log/log_fixture.h"

namespace sluice::log {
namespace {

using testing::BatchSpec;

class LogFlusherTest : public testing::LogFixture {
 protected:
  std::shared_ptr<PartitionLog> OpenShared(const std::string& name) {
    auto log = PartitionLog::Open(dir_.path() + "/" + name, config_, clock_.AsClock());
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::shared_ptr<PartitionLog>(std::move(*log)) : nullptr;
  }
};

TEST_F(LogFlusherTest, AnswersOnceTheAppendsBeforeTheRequestAreSynced) {
  auto log = OpenShared("t-0");
  AppendOk(*log, BatchSpec{.records = 5});
  EXPECT_EQ(log->unflushed_offsets(), 5);
  LogFlusher flusher;
  flusher.Start();
  absl::Notification done;
  absl::Status outcome = absl::UnknownError("not called");
  flusher.Request(log, [&](const absl::Status& s) {
    outcome = s;
    done.Notify();
  });
  done.WaitForNotification();
  EXPECT_TRUE(outcome.ok()) << outcome;
  EXPECT_EQ(log->unflushed_offsets(), 0);
  flusher.Stop();
  EXPECT_EQ(flusher.stats().requests, 1);
}

TEST_F(LogFlusherTest, RequestsQueuedTogetherShareOneSyncPerLog) {
  auto a = OpenShared("a-0");
  auto b = OpenShared("b-0");
  LogFlusher flusher;  // Not started: everything below queues up for one round.
  std::atomic<int> ok{0};
  for (int i = 0; i < 10; ++i) {
    auto& log = i % 2 ? a : b;
    AppendOk(*log, BatchSpec{.records = 1});
    flusher.Request(log, [&](const absl::Status& s) { ok += s.ok() ? 1 : 0; });
  }
  flusher.Request(a, nullptr);  // A background flush has no callback.
  flusher.Start();
  flusher.Stop();  // Serves what is queued, then joins.
  EXPECT_EQ(ok, 10);
  LogFlusher::Stats stats = flusher.stats();
  EXPECT_EQ(stats.rounds, 1);
  EXPECT_EQ(stats.syncs, 2);
  EXPECT_EQ(stats.requests, 11);
  EXPECT_EQ(a->unflushed_offsets(), 0);
  EXPECT_EQ(b->unflushed_offsets(), 0);
}

TEST_F(LogFlusherTest, AFailedFlushIsReportedToEveryWaiter) {
  auto log = OpenShared("t-0");
  AppendOk(*log, BatchSpec{});
  ASSERT_TRUE(log->Close().ok());
  LogFlusher flusher;
  std::vector<absl::Status> outcomes;
  flusher.Request(log, [&](const absl::Status& s) { outcomes.push_back(s); });
  flusher.Request(log, [&](const absl::Status& s) { outcomes.push_back(s); });
  flusher.Start();
  flusher.Stop();
  ASSERT_EQ(outcomes.size(), 2u);
  for (const auto& s : outcomes) EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_EQ(flusher.stats().errors, 1);
}

TEST_F(LogFlusherTest, RequestsAfterStopOrWithoutStartAreRefused) {
  auto log = OpenShared("t-0");
  LogFlusher never_started;
  absl::Status queued;
  never_started.Request(log, [&](const absl::Status& s) { queued = s; });
  never_started.Stop();
  EXPECT_TRUE(absl::IsFailedPrecondition(queued)) << queued;

  LogFlusher flusher;
  flusher.Start();
  flusher.Stop();
  absl::Status late;
  flusher.Request(log, [&](const absl::Status& s) { late = s; });
  EXPECT_TRUE(absl::IsFailedPrecondition(late)) << late;
}

}  // namespace
}  // namespace sluice::log

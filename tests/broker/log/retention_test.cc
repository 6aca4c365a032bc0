// Retention: whole segments deleted by age and by size, the active one never.
#include <gtest/gtest.h>

#include <filesystem>
#include <limits>

#include "broker/log/partition_log.h"
#include "tests/broker/log/log_fixture.h"

namespace sluice::log {
namespace {

constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

class RetentionTest : public testing::LogFixture {
 protected:
  // Segments of about three batches each, batch i stamped at base + i seconds.
  // `step_ms` 0 gives every batch the same timestamp (-1: none).
  std::unique_ptr<PartitionLog> BuildLog(int batches, int64_t base_ms, int64_t step_ms = 1000) {
    config_.segment_bytes = 3 * 140;
    auto log = OpenLog();
    for (int i = 0; i < batches; ++i) {
      int64_t ts = base_ms + i * step_ms;
      AppendOk(*log, testing::BatchSpec{.base_timestamp = ts,
                                        .max_timestamp = ts,
                                        .payload_bytes = 60,
                                        .seed = static_cast<uint32_t>(i)});
    }
    return log;
  }
};

TEST_F(RetentionTest, TimeRetentionDeletesWholeExpiredSegmentsOnly) {
  const int64_t now = clock_.Now();
  auto log = BuildLog(12, now - 100'000);  // batch i is 100 - i seconds old
  const size_t segments = log->segment_count();
  ASSERT_GE(segments, 4u);
  // Keep what is younger than 95.5 s: batches 0..4 are older, but only whole segments go.
  absl::StatusOr<RetentionResult> r = log->ApplyRetention({.retention_ms = 95'500});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GT(r->segments_deleted, 0u);
  EXPECT_EQ(log->segment_count(), segments - r->segments_deleted);
  EXPECT_EQ(log->log_start_offset(), r->log_start_offset);
  // Every batch before the new start is older than the limit; the first kept one may not be.
  size_t first_kept = 0;
  while (stored_[first_kept].base_offset < r->log_start_offset) {
    EXPECT_LT(stored_[first_kept].max_timestamp, now - 95'500);
    ++first_kept;
  }
  EXPECT_TRUE(absl::IsOutOfRange(log->Read(0, 1 << 20, kNoLimit, true).status()));
  absl::StatusOr<ReadResult> rest = log->Read(r->log_start_offset, 1 << 20, kNoLimit, true);
  ASSERT_TRUE(rest.ok());
  std::string expected;
  for (size_t i = first_kept; i < stored_.size(); ++i) expected += stored_[i].bytes;
  EXPECT_EQ(rest->records, expected);
  EXPECT_EQ(log->log_end_offset(), stored_.back().last_offset + 1);
}

TEST_F(RetentionTest, SizeRetentionKeepsAtLeastTheLimitAndNeverTheActiveSegment) {
  auto log = BuildLog(12, clock_.Now());
  const int64_t total = log->size_bytes();
  absl::StatusOr<RetentionResult> r = log->ApplyRetention({.retention_bytes = total / 2});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GT(r->segments_deleted, 0u);
  EXPECT_GE(log->size_bytes(), total / 2);
  EXPECT_EQ(log->size_bytes(), total - r->bytes_deleted);
  // Retention of zero bytes leaves only the active segment, which still takes appends.
  r = log->ApplyRetention({.retention_bytes = 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(log->segment_count(), 1u);
  int64_t end = log->log_end_offset();
  AppendResult appended = AppendOk(*log, testing::BatchSpec{.seed = 99});
  EXPECT_EQ(appended.base_offset, end);
}

TEST_F(RetentionTest, DisabledPoliciesKeepEverything) {
  auto log = BuildLog(12, clock_.Now() - 1'000'000);
  const size_t segments = log->segment_count();
  absl::StatusOr<RetentionResult> r = log->ApplyRetention({});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->segments_deleted, 0u);
  EXPECT_EQ(log->segment_count(), segments);
}

TEST_F(RetentionTest, SegmentsWithoutTimestampsAreNotExpiredByTime) {
  auto log = BuildLog(12, /*base_ms=*/-1, /*step_ms=*/0);
  const size_t segments = log->segment_count();
  absl::StatusOr<RetentionResult> r = log->ApplyRetention({.retention_ms = 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(log->segment_count(), segments);
}

TEST_F(RetentionTest, LogStartSurvivesReopenAfterCleanCloseAndCrash) {
  for (bool clean : {true, false}) {
    stored_.clear();
    std::filesystem::remove_all(path());
    auto log = BuildLog(12, clock_.Now());
    absl::StatusOr<RetentionResult> r = log->ApplyRetention({.retention_bytes = 0});
    ASSERT_TRUE(r.ok());
    if (clean) {
      ASSERT_TRUE(log->Close().ok());
    }
    log.reset();
    auto reopened = OpenLog();
    ASSERT_NE(reopened, nullptr);
    EXPECT_EQ(reopened->log_start_offset(), r->log_start_offset) << (clean ? "clean" : "crash");
    EXPECT_EQ(reopened->log_end_offset(), stored_.back().last_offset + 1);
  }
}

}  // namespace
}  // namespace sluice::log

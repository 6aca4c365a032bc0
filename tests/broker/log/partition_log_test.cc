#include "broker/log/partition_log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <thread>

#include "broker/log/segment.h"
#include "common/kafka/records/batch_header.h"
#include "tests/broker/log/log_fixture.h"

namespace sluice::log {
namespace {

using testing::BatchSpec;
using testing::MakeBatch;

constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

class PartitionLogTest : public testing::LogFixture {};

TEST_F(PartitionLogTest, EmptyLogStartsAtZero) {
  auto log = OpenLog();
  EXPECT_EQ(log->log_start_offset(), 0);
  EXPECT_EQ(log->log_end_offset(), 0);
  EXPECT_EQ(log->high_watermark(), 0);
  EXPECT_EQ(log->segment_count(), 1u);
  absl::StatusOr<ReadResult> r = log->Read(0, 1000, kNoLimit, true);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->records.empty());
}

TEST_F(PartitionLogTest, AppendStampsOffsetAndEpochAndKeepsCrcValid) {
  auto log = OpenLog();
  AppendResult a = AppendOk(*log, BatchSpec{.records = 3}, /*epoch=*/7);
  AppendResult b = AppendOk(*log, BatchSpec{.records = 2}, 7);
  EXPECT_EQ(a.base_offset, 0);
  EXPECT_EQ(a.last_offset, 2);
  EXPECT_EQ(b.base_offset, 3);
  EXPECT_EQ(b.last_offset, 4);
  EXPECT_EQ(b.log_append_time, -1);
  EXPECT_EQ(b.log_start_offset, 0);
  EXPECT_EQ(log->log_end_offset(), 5);
  EXPECT_EQ(log->high_watermark(), 5);
  absl::StatusOr<ReadResult> r = log->Read(3, 1 << 20, kNoLimit, true);
  ASSERT_TRUE(r.ok());
  absl::StatusOr<kafka::BatchHeader> h = kafka::ParseBatchHeader(r->records);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->base_offset, 3);
  EXPECT_EQ(h->partition_leader_epoch, 7);
  EXPECT_TRUE(kafka::VerifyBatch(*h, r->records).ok());
}

TEST_F(PartitionLogTest, ReportsLogAppendTime) {
  auto log = OpenLog();
  AppendResult r = AppendOk(*log, BatchSpec{.max_timestamp = 4242, .attributes = 0x08});
  EXPECT_EQ(r.log_append_time, 4242);
}

TEST_F(PartitionLogTest, RejectsBadFraming) {
  auto log = OpenLog();
  std::string batch = MakeBatch(BatchSpec{});
  EXPECT_TRUE(absl::IsInvalidArgument(log->Append(batch.substr(0, 30), 0).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(log->Append(batch + "x", 0).status()));
  EXPECT_EQ(log->log_end_offset(), 0);
}

TEST_F(PartitionLogTest, RoundTripAcrossManySegments) {
  config_.segment_bytes = 1000;
  config_.index_interval_bytes = 150;
  auto log = OpenLog();
  AppendMany(*log, 200);
  EXPECT_GT(log->segment_count(), 20u);
  ExpectLogMatchesModel(*log);
  int64_t total = 0;
  for (const auto& b : stored_) total += static_cast<int64_t>(b.bytes.size());
  EXPECT_EQ(log->size_bytes(), total);
}

TEST_F(PartitionLogTest, ReadReturnsTheWholeBatchContainingAMidBatchOffset) {
  auto log = OpenLog();
  AppendOk(*log, BatchSpec{.records = 10, .seed = 1});
  AppendOk(*log, BatchSpec{.records = 10, .seed = 2});
  absl::StatusOr<ReadResult> r = log->Read(15, 1 << 20, kNoLimit, false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->records, stored_[1].bytes);
  EXPECT_EQ(r->next_offset, 20);
}

TEST_F(PartitionLogTest, MaxBytesAndMinOneBatch) {
  auto log = OpenLog();
  for (uint32_t i = 0; i < 5; ++i) AppendOk(*log, BatchSpec{.payload_bytes = 100, .seed = i});
  const size_t one = stored_[0].bytes.size();
  auto read = [&](size_t max_bytes, bool min_one) {
    absl::StatusOr<ReadResult> r = log->Read(0, max_bytes, kNoLimit, min_one);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->records : "";
  };
  EXPECT_EQ(read(2 * one + 10, false), Expected(2));
  EXPECT_EQ(read(2 * one, false), Expected(2));
  EXPECT_EQ(read(10, false), "");
  EXPECT_EQ(read(10, true), Expected(1));
  EXPECT_EQ(read(0, true), Expected(1));
  EXPECT_EQ(read(one + 1, true), Expected(1));
}

TEST_F(PartitionLogTest, MaxOffsetExclusiveStopsBeforeBatchesReachingIt) {
  auto log = OpenLog();
  for (uint32_t i = 0; i < 4; ++i) AppendOk(*log, BatchSpec{.records = 5, .seed = i});
  absl::StatusOr<ReadResult> r = log->Read(0, 1 << 20, 10, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->records, Expected(2));
  r = log->Read(0, 1 << 20, 12, true);  // Batch 10..14 ends beyond 12: not returned.
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->records, Expected(2));
  r = log->Read(10, 1 << 20, 10, true);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->records.empty());
}

TEST_F(PartitionLogTest, OffsetsOutsideTheLogAreOutOfRange) {
  auto log = OpenLog();
  AppendOk(*log, BatchSpec{.records = 5});
  EXPECT_TRUE(absl::IsOutOfRange(log->Read(6, 100, kNoLimit, true).status()));
  EXPECT_TRUE(absl::IsOutOfRange(log->Read(-1, 100, kNoLimit, true).status()));
  absl::StatusOr<ReadResult> at_end = log->Read(5, 100, kNoLimit, true);
  ASSERT_TRUE(at_end.ok());
  EXPECT_TRUE(at_end->records.empty());
  EXPECT_EQ(at_end->next_offset, 5);
  ASSERT_TRUE(log->Truncate(0).ok());
  ASSERT_TRUE(log->Truncate(0).ok());
  EXPECT_EQ(log->log_end_offset(), 0);
}

TEST_F(PartitionLogTest, RollsBySize) {
  const size_t batch_size = MakeBatch(BatchSpec{}).size();
  config_.segment_bytes = static_cast<int64_t>(3 * batch_size);
  auto log = OpenLog();
  for (uint32_t i = 0; i < 7; ++i) AppendOk(*log, BatchSpec{.seed = i});
  EXPECT_EQ(log->segment_count(), 3u);
  std::vector<std::string> names = testing::ListNames(path());
  EXPECT_NE(std::find(names.begin(), names.end(), SegmentFileName(3, ".log")), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), SegmentFileName(6, ".log")), names.end());
  ExpectLogMatchesModel(*log);
}

TEST_F(PartitionLogTest, OversizedBatchGoesIntoAnEmptySegment) {
  config_.segment_bytes = 100;
  auto log = OpenLog();
  AppendOk(*log, BatchSpec{.payload_bytes = 500});
  AppendOk(*log, BatchSpec{.payload_bytes = 500});
  EXPECT_EQ(log->segment_count(), 2u);
  ExpectLogMatchesModel(*log);
}

TEST_F(PartitionLogTest, RollsByTime) {
  config_.segment_ms = 1000;
  auto log = OpenLog();
  clock_.Advance(5000);  // An empty segment does not roll however old.
  AppendOk(*log, BatchSpec{});
  EXPECT_EQ(log->segment_count(), 1u);
  clock_.Advance(1000);
  AppendOk(*log, BatchSpec{});
  EXPECT_EQ(log->segment_count(), 1u);
  clock_.Advance(1);
  AppendOk(*log, BatchSpec{});
  EXPECT_EQ(log->segment_count(), 2u);
  ExpectLogMatchesModel(*log);
}

TEST_F(PartitionLogTest, RollsWhenTheIndexIsFull) {
  config_.index_interval_bytes = 0;  // An entry for every batch but the first.
  config_.max_index_entries = 2;
  auto log = OpenLog();
  for (uint32_t i = 0; i < 7; ++i) AppendOk(*log, BatchSpec{.seed = i});
  EXPECT_EQ(log->segment_count(), 3u);  // 3 + 3 + 1 batches.
  ExpectLogMatchesModel(*log);
}

TEST_F(PartitionLogTest, ReopenAfterCleanClose) {
  config_.segment_bytes = 1500;
  config_.index_interval_bytes = 100;
  auto log = OpenLog();
  AppendMany(*log, 60);
  const size_t segments = log->segment_count();
  ASSERT_TRUE(log->Close().ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(log->Append(MakeBatch(BatchSpec{}), 0).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(log->Read(0, 10, kNoLimit, true).status()));
  EXPECT_TRUE(log->Close().ok());
  log.reset();
  std::vector<std::string> names = testing::ListNames(path());
  EXPECT_NE(std::find(names.begin(), names.end(), ".clean-shutdown"), names.end());

  log = OpenLog();
  names = testing::ListNames(path());
  EXPECT_EQ(std::find(names.begin(), names.end(), ".clean-shutdown"), names.end());
  EXPECT_EQ(log->segment_count(), segments);
  ExpectLogMatchesModel(*log);
  AppendMany(*log, 10);
  ExpectLogMatchesModel(*log);
}

TEST_F(PartitionLogTest, ReopenAfterCrashWithoutClose) {
  config_.segment_bytes = 1500;
  auto log = OpenLog();
  AppendMany(*log, 60);
  log.reset();  // No Close(): no checkpoint.
  log = OpenLog();
  ExpectLogMatchesModel(*log);
  AppendMany(*log, 5);
  ExpectLogMatchesModel(*log);
}

TEST_F(PartitionLogTest, FlushSucceedsAndKeepsAppending) {
  config_.segment_bytes = 500;
  auto log = OpenLog();
  AppendMany(*log, 10);
  ASSERT_TRUE(log->Flush().ok());
  AppendMany(*log, 10);
  ASSERT_TRUE(log->Flush().ok());
  ASSERT_TRUE(log->Flush().ok());
  ExpectLogMatchesModel(*log);
}

// The first batch, in offset order, whose max timestamp is >= ts.
std::optional<size_t> BruteForceTimestamp(const std::vector<testing::StoredBatch>& stored,
                                          int64_t ts) {
  for (size_t i = 0; i < stored.size(); ++i) {
    if (stored[i].max_timestamp >= ts) return i;
  }
  return std::nullopt;
}

void ExpectTimestampLookupsMatch(const PartitionLog& log,
                                 const std::vector<testing::StoredBatch>& stored) {
  for (int64_t ts = 9'000; ts <= 13'000; ts += 7) {
    absl::StatusOr<std::optional<TimestampLookup>> found = log.FindByTimestamp(ts);
    ASSERT_TRUE(found.ok()) << found.status();
    std::optional<size_t> want = BruteForceTimestamp(stored, ts);
    ASSERT_EQ(found->has_value(), want.has_value()) << ts;
    if (want) {
      EXPECT_EQ((*found)->base_offset, stored[*want].base_offset) << ts;
      EXPECT_EQ((*found)->batch, stored[*want].bytes) << ts;
    }
  }
}

TEST_F(PartitionLogTest, FindByTimestampMatchesAScanOfAllBatches) {
  config_.segment_bytes = 2000;
  config_.index_interval_bytes = 200;
  auto log = OpenLog();
  AppendMany(*log, 150);  // Timestamps mostly rise, some go back.
  ExpectTimestampLookupsMatch(*log, stored_);
  log.reset();
  log = OpenLog();
  ExpectTimestampLookupsMatch(*log, stored_);
}

TEST_F(PartitionLogTest, FindByTimestampIgnoresBatchesWithoutTimestamps) {
  auto log = OpenLog();
  AppendOk(*log, BatchSpec{.base_timestamp = -1, .max_timestamp = -1});
  absl::StatusOr<std::optional<TimestampLookup>> found = log->FindByTimestamp(0);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_F(PartitionLogTest, TruncateMidBatchRemovesTheWholeBatch) {
  config_.segment_bytes = 1000;
  config_.index_interval_bytes = 100;
  auto log = OpenLog();
  AppendMany(*log, 80);
  // A batch in the middle of an older segment, cut in its middle when it has >1 record.
  const testing::StoredBatch target = stored_[40];
  const int64_t cut = target.base_offset + (target.last_offset - target.base_offset) / 2 +
                      (target.last_offset > target.base_offset ? 1 : 0);
  ASSERT_TRUE(log->Truncate(cut).ok());
  ForgetFrom(40);
  EXPECT_EQ(log->log_end_offset(), target.base_offset);
  EXPECT_EQ(log->high_watermark(), target.base_offset);
  ExpectLogMatchesModel(*log);
  AppendMany(*log, 10);
  ExpectLogMatchesModel(*log);
  log.reset();  // Crash after truncation.
  log = OpenLog();
  ExpectLogMatchesModel(*log);
  ASSERT_TRUE(log->Close().ok());
  log = OpenLog();
  ExpectLogMatchesModel(*log);
}

TEST_F(PartitionLogTest, TruncateAtSegmentBoundaryAndToTheStart) {
  const size_t batch_size = MakeBatch(BatchSpec{}).size();
  config_.segment_bytes = static_cast<int64_t>(2 * batch_size);
  auto log = OpenLog();
  for (uint32_t i = 0; i < 6; ++i) AppendOk(*log, BatchSpec{.seed = i});
  ASSERT_EQ(log->segment_count(), 3u);
  ASSERT_TRUE(log->Truncate(4).ok());  // Segment 4 goes entirely.
  ForgetFrom(4);
  EXPECT_EQ(log->segment_count(), 2u);
  ExpectLogMatchesModel(*log);
  ASSERT_TRUE(log->Truncate(0).ok());
  ForgetFrom(0);
  EXPECT_EQ(log->segment_count(), 1u);
  EXPECT_EQ(log->log_end_offset(), 0);
  AppendOk(*log, BatchSpec{.seed = 9});
  ExpectLogMatchesModel(*log);
}

TEST_F(PartitionLogTest, TruncateInsideTheFirstBatchEmptiesTheLog) {
  auto log = OpenLog();
  AppendOk(*log, BatchSpec{.records = 5});
  EXPECT_TRUE(absl::IsInvalidArgument(log->Truncate(-1)));
  ASSERT_TRUE(log->Truncate(3).ok());
  ForgetFrom(0);
  EXPECT_EQ(log->log_start_offset(), 0);
  EXPECT_EQ(log->log_end_offset(), 0);
  AppendOk(*log, BatchSpec{.records = 5});
  ExpectLogMatchesModel(*log);
}

TEST_F(PartitionLogTest, HighWatermarkSetterWhenNotAutoAdvanced) {
  config_.auto_advance_high_watermark = false;
  auto log = OpenLog();
  AppendOk(*log, BatchSpec{.records = 5});
  AppendOk(*log, BatchSpec{.records = 5});
  EXPECT_EQ(log->high_watermark(), 0);
  EXPECT_TRUE(absl::IsInvalidArgument(log->SetHighWatermark(11)));
  ASSERT_TRUE(log->SetHighWatermark(5).ok());
  absl::StatusOr<ReadResult> r = log->Read(0, 1 << 20, log->high_watermark(), true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->records, Expected(1));
  EXPECT_EQ(r->high_watermark, 5);
  ASSERT_TRUE(log->Close().ok());
  log = OpenLog();
  EXPECT_EQ(log->high_watermark(), 5);  // Kept by the clean-shutdown checkpoint.
  ASSERT_TRUE(log->Truncate(3).ok());
  EXPECT_EQ(log->high_watermark(), 0);
}

TEST_F(PartitionLogTest, IdempotentProducerRules) {
  auto log = OpenLog();
  const BatchSpec first{.records = 3, .producer_id = 9, .producer_epoch = 0, .base_sequence = 0};
  AppendOk(*log, BatchSpec{.records = 2, .seed = 5});  // Offsets 0..1, no producer.
  AppendResult a = AppendOk(*log, first);
  EXPECT_EQ(a.base_offset, 2);

  AppendResult dup = AppendOk(*log, first);
  EXPECT_TRUE(dup.duplicate);
  EXPECT_EQ(dup.base_offset, 2);
  EXPECT_EQ(dup.last_offset, 4);
  EXPECT_EQ(log->log_end_offset(), 5);

  BatchSpec gap = first;
  gap.base_sequence = 4;
  EXPECT_EQ(AppendOk(*log, gap).error, AppendError::kOutOfOrderSequence);
  BatchSpec next = first;
  next.base_sequence = 3;
  EXPECT_EQ(AppendOk(*log, next).base_offset, 5);

  BatchSpec new_epoch = first;
  new_epoch.producer_epoch = 1;
  new_epoch.base_sequence = 6;
  EXPECT_EQ(AppendOk(*log, new_epoch).error, AppendError::kOutOfOrderSequence);
  new_epoch.base_sequence = 0;
  EXPECT_EQ(AppendOk(*log, new_epoch).base_offset, 8);
  EXPECT_EQ(AppendOk(*log, first).error, AppendError::kInvalidProducerEpoch);
  ExpectLogMatchesModel(*log);
}

TEST_F(PartitionLogTest, ProducerStateSurvivesCleanAndCrashReopen) {
  config_.segment_bytes = 600;
  auto log = OpenLog();
  std::vector<BatchSpec> sent;
  for (int i = 0; i < 20; ++i) {
    BatchSpec s{.records = 2,
                .producer_id = 100 + i % 3,
                .producer_epoch = 0,
                .base_sequence = (i / 3) * 2,
                .seed = static_cast<uint32_t>(i)};
    AppendOk(*log, s);
    sent.push_back(s);
  }
  auto expect_state = [&](PartitionLog& l) {
    // The last batch of producer 101 is i = 19 (sequence 12..13), at stored_[19].
    AppendResult dup = AppendOk(l, sent[19]);
    EXPECT_TRUE(dup.duplicate);
    EXPECT_EQ(dup.base_offset, stored_[19].base_offset);
    BatchSpec skip = sent[19];
    skip.base_sequence = 20;
    EXPECT_EQ(AppendOk(l, skip).error, AppendError::kOutOfOrderSequence);
  };
  expect_state(*log);
  ASSERT_TRUE(log->Close().ok());
  log = OpenLog();
  expect_state(*log);
  log.reset();
  log = OpenLog();
  expect_state(*log);
  BatchSpec next = sent[19];
  next.base_sequence = 14;
  EXPECT_EQ(AppendOk(*log, next).error, AppendError::kNone);
  ExpectLogMatchesModel(*log);
}

TEST_F(PartitionLogTest, ConcurrentAppendsAndReadsStayConsistent) {
  config_.segment_bytes = 4000;
  config_.index_interval_bytes = 300;
  auto log = OpenLog();
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 150;
  std::vector<std::vector<int64_t>> bases(kWriters);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        std::string batch = MakeBatch(BatchSpec{.records = 2, .seed = static_cast<uint32_t>(w)});
        absl::StatusOr<AppendResult> r = log->Append(batch, 0);
        if (r.ok()) bases[w].push_back(r->base_offset);
      }
    });
  }
  std::atomic<int> read_failures{0};
  threads.emplace_back([&] {
    for (int i = 0; i < 300; ++i) {
      int64_t end = log->log_end_offset();
      absl::StatusOr<ReadResult> r = log->Read(end / 2, 4096, kNoLimit, true);
      if (!r.ok()) ++read_failures;
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(read_failures.load(), 0);
  std::vector<int64_t> all;
  for (const auto& b : bases) {
    EXPECT_EQ(b.size(), static_cast<size_t>(kPerWriter));
    EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
    all.insert(all.end(), b.begin(), b.end());
  }
  std::sort(all.begin(), all.end());
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], static_cast<int64_t>(2 * i));
  EXPECT_EQ(log->log_end_offset(), 2 * kWriters * kPerWriter);
}

}  // namespace
}  // namespace sluice::log

// Log compaction: latest value per key, offsets kept with gaps, tombstones, the active
// segment untouched, compressed batches, producer state, and a crash at every step of
// the swap.
#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <map>
#include <optional>

#include "broker/log/partition_log.h"
#include "common/kafka/records/batch_header.h"
#include "common/kafka/records/record.h"
#include "common/kafka/records/record_batch_builder.h"
#include "tests/broker/log/log_fixture.h"

namespace sluice::log {
namespace {

constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

struct Rec {
  int64_t offset = 0;
  std::string key;
  std::optional<std::string> value;
  bool operator==(const Rec&) const = default;
};

struct Put {
  std::string key;
  std::optional<std::string> value;
};

class CompactionTest : public testing::LogFixture {
 protected:
  void SetUp() override { config_.segment_bytes = 400; }

  // Appends one batch holding `puts`, stamped `ts` (default: now).
  AppendResult Produce(PartitionLog& log, const std::vector<Put>& puts,
                       kafka::Compression codec = kafka::Compression::kNone,
                       std::optional<int64_t> ts = std::nullopt, int64_t producer_id = -1,
                       int32_t sequence = -1) {
    kafka::RecordBatchBuilder b;
    b.set_compression(codec);
    if (producer_id >= 0) b.set_producer(producer_id, 0, sequence);
    for (const Put& p : puts) b.Add(ts.value_or(clock_.Now()), p.key, p.value);
    absl::StatusOr<std::string> batch = b.Build();
    EXPECT_TRUE(batch.ok()) << batch.status();
    absl::StatusOr<AppendResult> r = log.Append(*batch, 0);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : AppendResult{};
  }

  // Every record from the log start, checking each batch's CRC on the way.
  std::vector<Rec> Dump(const PartitionLog& log) {
    std::vector<Rec> out;
    std::string all = ReadAll(log);
    std::string_view rest = all;
    while (!rest.empty()) {
      absl::StatusOr<kafka::BatchHeader> h = kafka::ParseBatchHeader(rest);
      EXPECT_TRUE(h.ok()) << h.status();
      if (!h.ok()) break;
      std::string_view batch = rest.substr(0, h->TotalSize());
      EXPECT_TRUE(kafka::VerifyBatch(*h, batch).ok()) << "batch at " << h->base_offset;
      absl::Status s = kafka::ForEachRecord(
          *h, batch, 1 << 26,
          [&](const kafka::RecordView& r) {
            out.push_back(Rec{h->base_offset + r.offset_delta, std::string(r.key.value_or("")),
                              r.value ? std::optional<std::string>(*r.value) : std::nullopt});
            return absl::OkStatus();
          },
          kafka::OffsetDeltas::kIncreasing);
      EXPECT_TRUE(s.ok()) << s;
      rest.remove_prefix(h->TotalSize());
    }
    return out;
  }

  // What compaction of everything below `end` should leave of `before`.
  static std::vector<Rec> Compacted(const std::vector<Rec>& before, int64_t end,
                                    bool drop_tombstones) {
    std::map<std::string, int64_t> latest;
    for (const Rec& r : before) {
      if (r.offset < end) latest[r.key] = r.offset;
    }
    std::vector<Rec> out;
    for (const Rec& r : before) {
      if (r.offset >= end) {
        out.push_back(r);
      } else if (latest[r.key] == r.offset && (r.value || !drop_tombstones)) {
        out.push_back(r);
      }
    }
    return out;
  }

  // Every offset in [start, end) reads: the first batch returned reaches the offset.
  void ExpectEveryOffsetReadable(const PartitionLog& log) {
    for (int64_t o = log.log_start_offset(); o < log.log_end_offset(); ++o) {
      absl::StatusOr<ReadResult> r = log.Read(o, 1, kNoLimit, true);
      ASSERT_TRUE(r.ok()) << "offset " << o << ": " << r.status();
      absl::StatusOr<kafka::BatchHeader> h = kafka::ParseBatchHeader(r->records);
      ASSERT_TRUE(h.ok());
      ASSERT_GE(h->LastOffset(), o);
      ASSERT_EQ(r->next_offset, h->LastOffset() + 1);
    }
  }

  // 60 single-record batches over 6 keys, rolled into many small segments.
  std::unique_ptr<PartitionLog> BuildUpdates(int batches = 60, int keys = 6) {
    auto log = OpenLog();
    for (int i = 0; i < batches; ++i) {
      Produce(*log, {{absl::StrCat("key", i % keys), absl::StrCat("value", i)}});
    }
    return log;
  }

  // The base offset of the active (last) segment, from the file names.
  int64_t ActiveBase() const {
    int64_t base = -1;
    for (const auto& name : testing::ListNames(path())) {
      if (auto b = ParseSegmentFileName(name, kLogSuffix)) base = std::max(base, *b);
    }
    return base;
  }

  // What a crash at any moment of a pass may leave: a subset of `before` (same offsets,
  // keys, values) that holds everything compaction keeps, so every key's latest value.
  void ExpectSafeOutcome(const std::vector<Rec>& before, const std::vector<Rec>& recovered,
                         int64_t cleaned_end) {
    std::map<int64_t, Rec> by_offset;
    for (const Rec& r : before) by_offset[r.offset] = r;
    for (const Rec& r : recovered) {
      auto it = by_offset.find(r.offset);
      ASSERT_TRUE(it != by_offset.end() && it->second == r) << "offset " << r.offset;
    }
    std::map<int64_t, Rec> got;
    for (const Rec& r : recovered) got[r.offset] = r;
    for (const Rec& r : Compacted(before, cleaned_end, false)) {
      ASSERT_TRUE(got.count(r.offset)) << "lost offset " << r.offset << " key " << r.key;
    }
  }

  CompactionPolicy Force() { return CompactionPolicy{.ignore_dirty_ratio = true}; }
};

TEST_F(CompactionTest, LatestValuePerKeyWinsAndOffsetsArePreservedWithGaps) {
  auto log = BuildUpdates();
  ASSERT_GT(log->segment_count(), 4u);
  const std::vector<Rec> before = Dump(*log);
  const int64_t start = log->log_start_offset(), end = log->log_end_offset();
  const int64_t size = log->size_bytes();
  absl::StatusOr<CompactionResult> r = log->Compact(Force());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->ran) << r->skipped_why;
  const std::vector<Rec> after = Dump(*log);
  EXPECT_EQ(after, Compacted(before, r->end_offset, false));
  EXPECT_LT(after.size(), before.size());
  for (size_t i = 1; i < after.size(); ++i) ASSERT_LT(after[i - 1].offset, after[i].offset);
  EXPECT_EQ(log->log_start_offset(), start);
  EXPECT_EQ(log->log_end_offset(), end);
  EXPECT_EQ(log->high_watermark(), end);
  EXPECT_LT(log->size_bytes(), size);
  EXPECT_EQ(log->size_bytes(), size - r->bytes_before + r->bytes_after);
  EXPECT_EQ(r->records_removed, static_cast<int64_t>(before.size() - after.size()));
  ExpectEveryOffsetReadable(*log);
  // Appends continue after the cleaned part; a crash reopen and a clean one agree.
  Produce(*log, {{"key0", "later"}});
  const std::vector<Rec> now = Dump(*log);
  log.reset();
  log = OpenLog();
  EXPECT_EQ(Dump(*log), now);
  ExpectEveryOffsetReadable(*log);
  ASSERT_TRUE(log->Close().ok());
  log = OpenLog();
  EXPECT_EQ(Dump(*log), now);
  EXPECT_EQ(log->log_end_offset(), end + 1);
}

TEST_F(CompactionTest, SmallCleanedSegmentsAreMergedWithinSegmentBytes) {
  auto log = BuildUpdates(80, 3);
  // Groups are planned from the sizes of their sources (as Kafka does), so full segments
  // are cleaned one by one, and the small results are merged by the next pass.
  absl::StatusOr<CompactionResult> r = log->Compact(Force());
  ASSERT_TRUE(r.ok() && r->ran);
  EXPECT_EQ(r->segments_after, r->segments_before);
  const size_t segments = log->segment_count();
  r = log->Compact(Force());
  ASSERT_TRUE(r.ok() && r->ran);
  EXPECT_LT(r->segments_after, r->segments_before);
  EXPECT_EQ(log->segment_count(), segments - r->segments_before + r->segments_after);
  for (const auto& name : testing::ListNames(path())) {
    if (name.ends_with(".log")) {
      EXPECT_LE(std::filesystem::file_size(path() + "/" + name), 400u) << name;
    }
    EXPECT_FALSE(name.ends_with(".cleaned") || name.ends_with(".swap") ||
                 name.ends_with(".deleted"))
        << name;
  }
}

TEST_F(CompactionTest, ActiveSegmentIsNeverTouched) {
  auto log = BuildUpdates();
  const int64_t active = ActiveBase();
  absl::StatusOr<ReadResult> tail_before = log->Read(active, 1 << 20, kNoLimit, true);
  ASSERT_TRUE(tail_before.ok());
  absl::StatusOr<CompactionResult> r = log->Compact(Force());
  ASSERT_TRUE(r.ok() && r->ran);
  EXPECT_EQ(r->end_offset, active);
  absl::StatusOr<ReadResult> tail_after = log->Read(active, 1 << 20, kNoLimit, true);
  ASSERT_TRUE(tail_after.ok());
  EXPECT_EQ(tail_after->records, tail_before->records);
  // A log of one (active) segment has nothing cleanable.
  config_.segment_bytes = 1 << 20;
  testing::TempDir other;
  auto single = PartitionLog::Open(other.path() + "/t-0", config_, clock_.AsClock());
  ASSERT_TRUE(single.ok());
  Produce(**single, {{"a", "1"}});
  Produce(**single, {{"a", "2"}});
  absl::StatusOr<CompactionResult> none = (*single)->Compact(Force());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->ran);
  EXPECT_EQ(Dump(**single).size(), 2u);
}

TEST_F(CompactionTest, CompressedBatchesAreThinnedWithTheirCodec) {
  config_.segment_bytes = 2000;
  auto log = OpenLog();
  const kafka::Compression codecs[] = {kafka::Compression::kNone, kafka::Compression::kGzip,
                                       kafka::Compression::kSnappy, kafka::Compression::kLz4,
                                       kafka::Compression::kZstd};
  for (int i = 0; i < 30; ++i) {
    std::vector<Put> puts;
    for (int j = 0; j < 5; ++j)
      puts.push_back({absl::StrCat("k", (i + j) % 7), absl::StrCat(i, "/", j)});
    Produce(*log, puts, codecs[i % 5]);
  }
  const std::vector<Rec> before = Dump(*log);
  absl::StatusOr<CompactionResult> r = log->Compact(Force());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->ran);
  EXPECT_EQ(Dump(*log), Compacted(before, r->end_offset, false));
  // Every non-empty batch below the cleaned end kept its codec: batch i used codecs[i % 5].
  std::string all = ReadAll(*log);
  std::string_view rest = all;
  int checked = 0;
  while (!rest.empty()) {
    kafka::BatchHeader h = *kafka::ParseBatchHeader(rest);
    if (h.record_count > 0) {
      EXPECT_EQ(h.compression(), codecs[(h.base_offset / 5) % 5]) << h.base_offset;
      ++checked;
    }
    rest.remove_prefix(h.TotalSize());
  }
  EXPECT_GT(checked, 0);
  log.reset();
  log = OpenLog();
  EXPECT_EQ(Dump(*log), Compacted(before, r->end_offset, false));
}

TEST_F(CompactionTest, TombstonesAreKeptUntilDeleteRetentionThenRemoved) {
  auto log = OpenLog();
  for (int i = 0; i < 12; ++i) Produce(*log, {{"gone", absl::StrCat("v", i)}, {"stays", "x"}});
  Produce(*log, {{"gone", std::nullopt}});
  for (int i = 0; i < 12; ++i) Produce(*log, {{"other", absl::StrCat("o", i)}});
  CompactionPolicy policy = Force();
  policy.delete_retention_ms = 60'000;
  absl::StatusOr<CompactionResult> r = log->Compact(policy);
  ASSERT_TRUE(r.ok() && r->ran);
  std::vector<Rec> after = Dump(*log);
  int tombstones = 0, gone_values = 0;
  for (const Rec& rec : after) {
    if (rec.key == "gone") (rec.value ? gone_values : tombstones)++;
  }
  EXPECT_EQ(tombstones, 1);
  EXPECT_EQ(gone_values, 0);
  EXPECT_EQ(r->tombstones_removed, 0);
  clock_.Advance(60'001);
  r = log->Compact(policy);
  ASSERT_TRUE(r.ok() && r->ran);
  EXPECT_EQ(r->tombstones_removed, 1);
  for (const Rec& rec : Dump(*log)) EXPECT_NE(rec.key, "gone");
  log.reset();
  log = OpenLog();
  for (const Rec& rec : Dump(*log)) EXPECT_NE(rec.key, "gone");
}

TEST_F(CompactionTest, MinCompactionLagAndDirtyRatioHoldCompactionBack) {
  auto log = BuildUpdates();
  CompactionPolicy lag = Force();
  lag.min_compaction_lag_ms = 10'000;  // every record is younger
  absl::StatusOr<CompactionResult> r = log->Compact(lag);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ran);
  clock_.Advance(10'001);
  r = log->Compact(lag);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ran);
  EXPECT_EQ(log->first_dirty_offset(), r->end_offset);
  // Nothing new: the next pass has no dirty bytes. One more segment of updates on top of
  // a large clean part stays below a high ratio.
  r = log->Compact(CompactionPolicy{});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ran);
  for (int i = 0; i < 4; ++i) Produce(*log, {{"key1", absl::StrCat("more", i)}});
  r = log->Compact(CompactionPolicy{.min_cleanable_dirty_ratio = 0.99});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ran) << r->dirty_ratio;
  // The first dirty offset survives a clean restart.
  const int64_t dirty = log->first_dirty_offset();
  ASSERT_TRUE(log->Close().ok());
  log = OpenLog();
  EXPECT_EQ(log->first_dirty_offset(), dirty);
}

TEST_F(CompactionTest, BoundedKeyMapCleansInSeveralPasses) {
  auto log = BuildUpdates(60, 6);
  const std::vector<Rec> before = Dump(*log);
  const int64_t active = ActiveBase();
  CompactionPolicy small = Force();
  small.max_map_bytes = 1;  // one dirty segment per pass
  absl::StatusOr<CompactionResult> r = log->Compact(small);
  ASSERT_TRUE(r.ok() && r->ran);
  EXPECT_EQ(r->segments_before, 1u);
  EXPECT_LT(r->end_offset, active);
  // Each pass takes the clean part plus one more dirty segment, until none is left.
  for (int pass = 0; pass < 40 && log->first_dirty_offset() < active; ++pass) {
    r = log->Compact(CompactionPolicy{.min_cleanable_dirty_ratio = 0, .max_map_bytes = 1});
    ASSERT_TRUE(r.ok() && r->ran);
  }
  EXPECT_EQ(log->first_dirty_offset(), active);
  EXPECT_EQ(Dump(*log), Compacted(before, active, false));
}

TEST_F(CompactionTest, IdempotentProducerStateSurvivesCompactionAndCrash) {
  auto log = OpenLog();
  int32_t seq = 0;
  for (int i = 0; i < 40; ++i, ++seq) {
    Produce(*log, {{absl::StrCat("k", i % 2), absl::StrCat(i)}}, kafka::Compression::kNone,
            std::nullopt, /*producer_id=*/7, seq);
  }
  absl::StatusOr<CompactionResult> r = log->Compact(Force());
  ASSERT_TRUE(r.ok() && r->ran);
  log.reset();  // crash: the producer state is rebuilt from the batch headers
  log = OpenLog();
  // A retry of the last batch is a duplicate; the next sequence is accepted.
  AppendResult dup = Produce(*log, {{"k1", "39"}}, kafka::Compression::kNone, std::nullopt, 7, 39);
  EXPECT_TRUE(dup.duplicate);
  AppendResult next = Produce(*log, {{"k0", "40"}}, kafka::Compression::kNone, std::nullopt, 7, 40);
  EXPECT_EQ(next.error, AppendError::kNone);
  EXPECT_FALSE(next.duplicate);
  AppendResult gap = Produce(*log, {{"k0", "x"}}, kafka::Compression::kNone, std::nullopt, 7, 45);
  EXPECT_EQ(gap.error, AppendError::kOutOfOrderSequence);
}

TEST_F(CompactionTest, TruncationIntoACompactedSegmentKeepsItUsableAndDirty) {
  auto log = BuildUpdates();
  absl::StatusOr<CompactionResult> r = log->Compact(Force());
  ASSERT_TRUE(r.ok() && r->ran);
  // Cut inside the cleaned part (which has gaps), then write the same keys again.
  const std::vector<Rec> kept = Dump(*log);
  const int64_t cut = kept[kept.size() / 3].offset;
  ASSERT_TRUE(log->Truncate(cut).ok());
  EXPECT_EQ(log->log_end_offset(), cut);
  EXPECT_LE(log->first_dirty_offset(), cut);
  ExpectEveryOffsetReadable(*log);
  // The cut compacted segment is not the active one, so a crash reopen keeps it whole.
  const std::vector<Rec> truncated = Dump(*log);
  log.reset();
  log = OpenLog();
  EXPECT_EQ(Dump(*log), truncated);
  EXPECT_EQ(log->log_end_offset(), cut);
  for (int i = 0; i < 30; ++i)
    Produce(*log, {{absl::StrCat("key", i % 6), absl::StrCat("new", i)}});
  r = log->Compact(Force());
  ASSERT_TRUE(r.ok() && r->ran);
  std::map<std::string, int> count;
  for (const Rec& rec : Dump(*log)) {
    if (rec.offset < r->end_offset) ++count[rec.key];
  }
  for (const auto& [key, n] : count) EXPECT_EQ(n, 1) << key;
  log.reset();
  log = OpenLog();
  ExpectEveryOffsetReadable(*log);
}

TEST_F(CompactionTest, CrashAtEveryStepOfTheSwapRecoversALogWithEveryLatestValue) {
  bool completed = false;
  for (int step = 0; step < 100 && !completed; ++step) {
    SCOPED_TRACE(::testing::Message() << "crash after step " << step);
    std::filesystem::remove_all(path());
    auto log = BuildUpdates(50, 5);
    const std::vector<Rec> before = Dump(*log);
    const int64_t end = log->log_end_offset();
    CompactionPolicy policy = Force();
    policy.crash_after_swap_steps = step;
    absl::StatusOr<CompactionResult> r = log->Compact(policy);
    completed = r.ok();
    if (!completed) {
      ASSERT_TRUE(absl::IsAborted(r.status())) << r.status();
      // Appends are refused until a reopen.
      kafka::RecordBatchBuilder b;
      b.Add(clock_.Now(), "k", "v");
      EXPECT_FALSE(log->Append(*b.Build(), 0).ok());
    }
    const int64_t cleaned_end = ActiveBase();
    log.reset();  // the crash
    log = OpenLog();
    const std::vector<Rec> recovered = Dump(*log);
    // Groups are committed in offset order, each by its own rename: a crash leaves the
    // first groups compacted and the others as they were, never a lost record.
    ExpectSafeOutcome(before, recovered, cleaned_end);
    if (step == 0) {
      EXPECT_EQ(recovered, before);
    }
    if (completed) {
      EXPECT_EQ(recovered, Compacted(before, cleaned_end, false));
    }
    EXPECT_EQ(log->log_end_offset(), end);
    ExpectEveryOffsetReadable(*log);
    for (const auto& name : testing::ListNames(path())) {
      EXPECT_FALSE(name.ends_with(".cleaned") || name.ends_with(".swap") ||
                   name.ends_with(".deleted"))
          << name;
    }
    // The log works: it takes appends and compacts.
    Produce(*log, {{"key0", "after"}});
    absl::StatusOr<CompactionResult> again = log->Compact(Force());
    ASSERT_TRUE(again.ok()) << again.status();
  }
  EXPECT_TRUE(completed);
}

}  // namespace
}  // namespace sluice::log

#include "broker/log/producer_state.h"

#include <gtest/gtest.h>

#include <limits>

namespace sluice::log {
namespace {

constexpr int32_t kMaxSeq = std::numeric_limits<int32_t>::max();

kafka::BatchHeader Batch(int64_t pid, int16_t epoch, int32_t seq, int32_t records,
                         int64_t base_offset) {
  kafka::BatchHeader h;
  h.producer_id = pid;
  h.producer_epoch = epoch;
  h.base_sequence = seq;
  h.last_offset_delta = records - 1;
  h.record_count = records;
  h.base_offset = base_offset;
  return h;
}

TEST(Sequences, WrapFromInt32MaxToZero) {
  EXPECT_EQ(NextSequence(5), 6);
  EXPECT_EQ(NextSequence(kMaxSeq), 0);
  EXPECT_EQ(LastSequence(10, 4), 14);
  EXPECT_EQ(LastSequence(kMaxSeq - 1, 3), 1);
}

TEST(ProducerStateTable, NonIdempotentAndUnknownProducersAreAccepted) {
  ProducerStateTable t;
  EXPECT_EQ(t.Check(Batch(-1, -1, -1, 3, 0)).check, SequenceCheck::kAccept);
  EXPECT_EQ(t.Check(Batch(7, 0, 1234, 3, 0)).check, SequenceCheck::kAccept);
}

TEST(ProducerStateTable, SameEpochRequiresConsecutiveSequences) {
  ProducerStateTable t;
  t.Record(Batch(7, 0, 0, 3, 0));  // seq 0..2
  EXPECT_EQ(t.Check(Batch(7, 0, 3, 2, 3)).check, SequenceCheck::kAccept);
  EXPECT_EQ(t.Check(Batch(7, 0, 4, 2, 3)).check, SequenceCheck::kOutOfOrderSequence);
  EXPECT_EQ(t.Check(Batch(7, 0, 1, 2, 3)).check, SequenceCheck::kOutOfOrderSequence);
}

TEST(ProducerStateTable, DuplicateOfAnyOfTheLastFiveBatches) {
  ProducerStateTable t;
  for (int i = 0; i < 7; ++i) t.Record(Batch(7, 0, i * 2, 2, 100 + i * 2));
  // Batches 2..6 are retained (sequences 4..13); 0 and 1 fell out.
  SequenceVerdict v = t.Check(Batch(7, 0, 4, 2, 0));
  EXPECT_EQ(v.check, SequenceCheck::kDuplicate);
  EXPECT_EQ(v.original, (ProducerBatch{4, 5, 104, 105}));
  EXPECT_EQ(t.Check(Batch(7, 0, 12, 2, 0)).check, SequenceCheck::kDuplicate);
  EXPECT_EQ(t.Check(Batch(7, 0, 2, 2, 0)).check, SequenceCheck::kOutOfOrderSequence);
  // Same first sequence but a different length is not a duplicate.
  EXPECT_EQ(t.Check(Batch(7, 0, 4, 3, 0)).check, SequenceCheck::kOutOfOrderSequence);
}

TEST(ProducerStateTable, EpochRules) {
  ProducerStateTable t;
  t.Record(Batch(7, 3, 0, 5, 0));
  EXPECT_EQ(t.Check(Batch(7, 2, 5, 1, 0)).check, SequenceCheck::kInvalidProducerEpoch);
  EXPECT_EQ(t.Check(Batch(7, 4, 5, 1, 0)).check, SequenceCheck::kOutOfOrderSequence);
  EXPECT_EQ(t.Check(Batch(7, 4, 0, 1, 0)).check, SequenceCheck::kAccept);
  // A duplicate is only a duplicate within the same epoch.
  EXPECT_EQ(t.Check(Batch(7, 4, 0, 5, 0)).check, SequenceCheck::kAccept);
  t.Record(Batch(7, 4, 0, 1, 5));
  EXPECT_EQ(t.producers().at(7).batches.size(), 1u);
  EXPECT_EQ(t.Check(Batch(7, 3, 1, 1, 0)).check, SequenceCheck::kInvalidProducerEpoch);
}

TEST(ProducerStateTable, SequenceWrapsAtInt32Max) {
  ProducerStateTable t;
  t.Record(Batch(7, 0, kMaxSeq - 2, 3, 0));  // Ends exactly at INT32_MAX.
  EXPECT_EQ(t.Check(Batch(7, 0, 0, 1, 3)).check, SequenceCheck::kAccept);
  t.Record(Batch(7, 0, 0, 1, 3));
  t.Record(Batch(7, 0, 1, 4, 4));
  EXPECT_EQ(t.Check(Batch(7, 0, 5, 1, 8)).check, SequenceCheck::kAccept);
}

TEST(ProducerStateTable, RecordIgnoresReplaysAndOlderEpochs) {
  ProducerStateTable t;
  t.Record(Batch(7, 1, 0, 2, 10));
  t.Record(Batch(7, 1, 0, 2, 10));  // Same batch again.
  t.Record(Batch(7, 0, 2, 2, 12));  // Older epoch.
  EXPECT_EQ(t.producers().at(7).batches.size(), 1u);
  EXPECT_EQ(t.producers().at(7).last_offset, 11);
}

TEST(ProducerStateTable, EncodeDecodeRoundTrip) {
  ProducerStateTable t;
  for (int i = 0; i < 8; ++i) t.Record(Batch(7, 2, i, 1, i));
  t.Record(Batch(9, 0, 0, 10, 100));
  t.Record(Batch(11, 0, -1, 1, 200));  // Control-like: epoch only.
  std::string bytes;
  t.EncodeTo(&bytes);
  size_t consumed = 0;
  absl::StatusOr<ProducerStateTable> back = ProducerStateTable::Decode(bytes, &consumed);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(consumed, bytes.size());
  EXPECT_EQ(*back, t);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(ProducerStateTable::Decode(bytes.substr(0, cut), &consumed).ok()) << cut;
  }
}

}  // namespace
}  // namespace sluice::log

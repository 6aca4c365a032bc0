#include "common/kafka/records/record_batch_builder.h"

#include <limits>
#include <string>
#include <vector>

#include "common/kafka/records/compression.h"
#include "common/kafka/records/record.h"
#include "common/kafka/records/validate.h"
#include "gtest/gtest.h"
#include "tests/common/kafka/records/test_batches.h"

namespace sluice::kafka {
namespace {

using testing::kAllCodecs;
using testing::kNowMs;

class BuilderRoundTripTest : public ::testing::TestWithParam<Compression> {};

TEST_P(BuilderRoundTripTest, BuildValidateDecodeKeepsEveryField) {
  RecordBatchBuilder b;
  b.set_compression(GetParam()).set_producer(4242, 7, 100).set_transactional(true);
  b.Add(kNowMs, "key-0", "value-0", {{"trace-id", "abc"}, {"empty", ""}, {"null", std::nullopt}});
  b.Add(kNowMs + 5, std::nullopt, "value for a null key");
  b.Add(kNowMs - 3, "tombstone", std::nullopt);
  b.Add(kNowMs + 1, std::nullopt, std::nullopt, {{"only-header", "x"}});
  b.Add(kNowMs + 2, std::string(70'000, 'k'), std::string(300'000, 'v'));
  b.Add(kNowMs + 2, "", "");
  ASSERT_EQ(b.record_count(), 6u);
  auto batch = b.Build();
  ASSERT_TRUE(batch.ok()) << batch.status();

  ProduceValidationOptions options;
  options.now_ms = kNowMs;
  options.max_timestamp_skew_ms = 1000;
  auto validated = ValidateProducedRecords(*batch, options);
  ASSERT_TRUE(validated.ok()) << validated.status();
  const BatchHeader& h = validated->header;
  EXPECT_EQ(h.base_offset, 0);
  EXPECT_EQ(h.partition_leader_epoch, -1);
  EXPECT_EQ(h.magic, kMagicV2);
  EXPECT_EQ(h.compression(), GetParam());
  EXPECT_TRUE(h.is_transactional());
  EXPECT_FALSE(h.is_control());
  EXPECT_FALSE(h.log_append_time());
  EXPECT_EQ(h.producer_id, 4242);
  EXPECT_EQ(h.producer_epoch, 7);
  EXPECT_EQ(h.base_sequence, 100);
  EXPECT_EQ(h.record_count, 6);
  EXPECT_EQ(h.last_offset_delta, 5);
  EXPECT_EQ(h.base_timestamp, kNowMs);
  EXPECT_EQ(h.max_timestamp, kNowMs + 5);
  EXPECT_EQ(validated->max_record_timestamp, kNowMs + 5);
  EXPECT_EQ(h.TotalSize(), batch->size());

  auto records = DecodeRecords(h, *batch, 1 << 20);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 6u);
  std::vector<Record> expected(6);
  expected[0] = {
      0, 0, "key-0", "value-0", {{"trace-id", "abc"}, {"empty", ""}, {"null", std::nullopt}}};
  expected[1] = {1, 5, std::nullopt, "value for a null key", {}};
  expected[2] = {2, -3, "tombstone", std::nullopt, {}};
  expected[3] = {3, 1, std::nullopt, std::nullopt, {{"only-header", "x"}}};
  expected[4] = {4, 2, std::string(70'000, 'k'), std::string(300'000, 'v'), {}};
  expected[5] = {5, 2, "", "", {}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE((*records)[i] == expected[i]) << "record " << i;
  }
}

TEST_P(BuilderRoundTripTest, ManySmallRecords) {
  RecordBatchBuilder b;
  b.set_compression(GetParam());
  for (int i = 0; i < 5000; ++i) b.Add(kNowMs + i, std::to_string(i), std::string(i % 50, 'x'));
  auto batch = b.Build();
  ASSERT_TRUE(batch.ok()) << batch.status();
  auto validated = ValidateProducedRecords(*batch, {});
  ASSERT_TRUE(validated.ok()) << validated.status();
  auto records = DecodeRecords(validated->header, *batch, 1 << 20);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 5000u);
  EXPECT_EQ((*records)[4321].key, "4321");
  EXPECT_EQ((*records)[4321].timestamp_delta, 4321);
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, BuilderRoundTripTest, ::testing::ValuesIn(kAllCodecs),
                         [](const auto& info) { return std::string(CompressionName(info.param)); });

TEST(RecordBatchBuilderTest, EmptyBuilderFails) {
  EXPECT_EQ(RecordBatchBuilder().Build().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(RecordBatchBuilderTest, UnknownCodecFails) {
  RecordBatchBuilder b;
  b.set_compression(static_cast<Compression>(6)).Add(0, "k", "v");
  EXPECT_EQ(b.Build().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RecordBatchBuilderTest, HeaderFieldsAndFlagsAreWrittenAsSet) {
  RecordBatchBuilder b;
  b.set_base_offset(123456789012)
      .set_partition_leader_epoch(17)
      .set_base_timestamp(500)
      .set_log_append_time(true)
      .set_control(true)
      .set_compression(Compression::kGzip)
      .set_compression(Compression::kLz4);  // the last codec wins
  b.Add(700, "k", "v");
  b.Add(400, "k", "v");
  auto batch = b.Build();
  ASSERT_TRUE(batch.ok());
  auto h = ParseBatchHeader(*batch);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(VerifyBatch(*h, *batch).ok());
  EXPECT_EQ(h->base_offset, 123456789012);
  EXPECT_EQ(h->LastOffset(), 123456789013);
  EXPECT_EQ(h->partition_leader_epoch, 17);
  EXPECT_EQ(h->base_timestamp, 500);
  EXPECT_EQ(h->max_timestamp, 700);
  EXPECT_TRUE(h->log_append_time());
  EXPECT_TRUE(h->is_control());
  EXPECT_FALSE(h->is_transactional());
  EXPECT_EQ(h->compression(), Compression::kLz4);
  EXPECT_EQ(h->producer_id, -1);
  EXPECT_EQ(h->base_sequence, -1);
  auto records = DecodeRecords(*h, *batch, 1 << 20);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ((*records)[0].timestamp_delta, 200);
  EXPECT_EQ((*records)[1].timestamp_delta, -100);
}

TEST(RecordBatchBuilderTest, FlagsCanBeCleared) {
  RecordBatchBuilder b;
  b.set_control(true).set_control(false).set_transactional(true).set_transactional(false);
  b.Add(0, "k", "v");
  auto h = ParseBatchHeader(*b.Build());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->attributes, 0);
}

TEST(RecordBatchBuilderTest, ExtremeTimestampsRoundTripThroughWrappingDeltas) {
  RecordBatchBuilder b;
  b.Add(std::numeric_limits<int64_t>::min(), "k", "v");
  b.Add(std::numeric_limits<int64_t>::max(), "k", "v");
  auto batch = b.Build();
  ASSERT_TRUE(batch.ok());
  auto h = ParseBatchHeader(*batch);
  ASSERT_TRUE(h.ok());
  auto records = DecodeRecords(*h, *batch, 1 << 20);
  ASSERT_TRUE(records.ok()) << records.status();
  const auto second = static_cast<int64_t>(static_cast<uint64_t>(h->base_timestamp) +
                                           static_cast<uint64_t>((*records)[1].timestamp_delta));
  EXPECT_EQ(second, std::numeric_limits<int64_t>::max());
}

TEST(RecordBatchBuilderTest, BuildIsRepeatable) {
  RecordBatchBuilder b;
  b.set_compression(Compression::kSnappy).Add(1, "k", "v");
  auto first = b.Build();
  auto second = b.Build();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
}

}  // namespace
}  // namespace sluice::kafka

#include "common/kafka/records/validate.h"

#include <limits>
#include <string>

#include "common/kafka/records/compression.h"
#include "gtest/gtest.h"
#include "tests/common/kafka/records/test_batches.h"

namespace sluice::kafka {
namespace {

using testing::kAllCodecs;
using testing::kNowMs;
using testing::Poke;
using testing::Reseal;
using testing::TypicalBatch;

constexpr size_t kAttributesOffset = 21;
constexpr size_t kLastOffsetDeltaOffset = 23;
constexpr size_t kProducerIdOffset = 43;
constexpr size_t kBaseSequenceOffset = 53;
constexpr size_t kRecordCountOffset = 57;

absl::StatusCode Code(const std::string& records, const ProduceValidationOptions& options = {}) {
  return ValidateProducedRecords(records, options).status().code();
}

TEST(ValidateTest, AcceptsTypicalBatchesOfEveryCodec) {
  for (Compression codec : kAllCodecs) {
    auto v = ValidateProducedRecords(TypicalBatch(codec), {});
    ASSERT_TRUE(v.ok()) << CompressionName(codec) << ": " << v.status();
    EXPECT_EQ(v->header.record_count, 5);
  }
}

TEST(ValidateTest, EmptyOrShortFieldIsInvalidRecord) {
  EXPECT_EQ(Code(""), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code(TypicalBatch(Compression::kNone).substr(0, 60)),
            absl::StatusCode::kInvalidArgument);
}

TEST(ValidateTest, MagicOtherThanTwoIsInvalidRecord) {
  for (int magic : {0, 1, 3, -1}) {
    std::string batch = TypicalBatch(Compression::kNone);
    batch[kBatchMagicOffset] = static_cast<char>(magic);
    EXPECT_EQ(Code(batch), absl::StatusCode::kInvalidArgument) << magic;
  }
}

TEST(ValidateTest, BatchLengthTooSmallForTheHeaderIsCorrupt) {
  std::string batch = TypicalBatch(Compression::kNone);
  Poke<int32_t>(&batch, 8, 10);
  EXPECT_EQ(Code(batch), absl::StatusCode::kDataLoss);
}

TEST(ValidateTest, TruncatedBatchIsInvalidRecord) {
  const std::string batch = TypicalBatch(Compression::kNone);
  EXPECT_EQ(Code(batch.substr(0, batch.size() - 1)), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateTest, TwoBatchesOrTrailingBytesAreInvalidRecord) {
  const std::string batch = TypicalBatch(Compression::kNone);
  EXPECT_EQ(Code(batch + batch), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code(batch + std::string(1, '\0')), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateTest, UnknownCodecIsInvalidRecord) {
  for (int16_t codec : {5, 6, 7}) {
    std::string batch = TypicalBatch(Compression::kNone);
    Poke<int16_t>(&batch, kAttributesOffset, codec);
    Reseal(&batch);
    EXPECT_EQ(Code(batch), absl::StatusCode::kInvalidArgument) << codec;
  }
}

TEST(ValidateTest, ZstdIsUnsupportedWhenNotAllowed) {
  ProduceValidationOptions options;
  options.allow_zstd = false;
  EXPECT_EQ(Code(TypicalBatch(Compression::kZstd), options), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(Code(TypicalBatch(Compression::kLz4), options), absl::StatusCode::kOk);
}

TEST(ValidateTest, NonZeroBaseOffsetIsInvalidRecord) {
  std::string batch = TypicalBatch(Compression::kNone);
  Poke<int64_t>(&batch, 0, 5);  // not covered by the CRC
  EXPECT_EQ(Code(batch), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateTest, BatchOverTheSizeLimitIsMessageTooLarge) {
  const std::string batch = TypicalBatch(Compression::kNone);
  ProduceValidationOptions options;
  options.max_batch_bytes = batch.size() - 1;
  EXPECT_EQ(Code(batch, options), absl::StatusCode::kOutOfRange);
  options.max_batch_bytes = batch.size();
  EXPECT_EQ(Code(batch, options), absl::StatusCode::kOk);
}

TEST(ValidateTest, CrcMismatchIsCorruptMessage) {
  std::string batch = TypicalBatch(Compression::kGzip);
  batch[batch.size() - 3] ^= 0x20;
  EXPECT_EQ(Code(batch), absl::StatusCode::kDataLoss);
  std::string bad_crc = TypicalBatch(Compression::kNone);
  bad_crc[kBatchCrcOffset] ^= 0x01;
  EXPECT_EQ(Code(bad_crc), absl::StatusCode::kDataLoss);
}

TEST(ValidateTest, ControlBatchFromClientIsInvalidRecord) {
  RecordBatchBuilder b;
  b.set_control(true).set_transactional(true).set_producer(1, 0, 0);
  b.Add(kNowMs, std::string("\0\0\0\0", 4), std::string("\0\0\0\0\0\0", 6));
  EXPECT_EQ(Code(*b.Build()), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateTest, RecordCountMustBePositiveAndMatchLastOffsetDelta) {
  for (int32_t count : {0, -1, 4, 6}) {
    std::string batch = TypicalBatch(Compression::kNone);
    Poke<int32_t>(&batch, kRecordCountOffset, count);
    Reseal(&batch);
    EXPECT_EQ(Code(batch), absl::StatusCode::kInvalidArgument) << count;
  }
  for (int32_t delta : {3, 5, -1, std::numeric_limits<int32_t>::max()}) {
    std::string batch = TypicalBatch(Compression::kNone);
    Poke<int32_t>(&batch, kLastOffsetDeltaOffset, delta);
    Reseal(&batch);
    EXPECT_EQ(Code(batch), absl::StatusCode::kInvalidArgument) << delta;
  }
}

TEST(ValidateTest, RecordCountAgreeingWithHeaderButNotRecordsIsInvalidRecord) {
  // Header claims 6 records consistently, the records section holds 5.
  std::string batch = TypicalBatch(Compression::kSnappy);
  Poke<int32_t>(&batch, kRecordCountOffset, 6);
  Poke<int32_t>(&batch, kLastOffsetDeltaOffset, 5);
  Reseal(&batch);
  EXPECT_EQ(Code(batch), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateTest, ProducerIdWithoutSequenceIsInvalidRecord) {
  std::string batch = TypicalBatch(Compression::kNone);
  Poke<int32_t>(&batch, kBaseSequenceOffset, -1);
  Reseal(&batch);
  EXPECT_EQ(Code(batch), absl::StatusCode::kInvalidArgument);
  // No producer id: no sequence needed.
  Poke<int64_t>(&batch, kProducerIdOffset, -1);
  Reseal(&batch);
  EXPECT_EQ(Code(batch), absl::StatusCode::kOk);
}

TEST(ValidateTest, TransactionalWithoutProducerIdIsInvalidRecord) {
  RecordBatchBuilder b;
  b.set_transactional(true).Add(kNowMs, "k", "v");
  EXPECT_EQ(Code(*b.Build()), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateTest, CorruptCompressedRecordsAreInvalidRecord) {
  std::string batch = TypicalBatch(Compression::kLz4);
  batch[kBatchHeaderSize] ^= 0x40;  // the LZ4 frame magic
  Reseal(&batch);
  EXPECT_EQ(Code(batch), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateTest, RecordsDecompressingPastTheBoundAreMessageTooLarge) {
  RecordBatchBuilder b;
  b.set_compression(Compression::kGzip).Add(kNowMs, "k", std::string(4 << 20, 'x'));
  auto batch = b.Build();
  ASSERT_TRUE(batch.ok());
  ProduceValidationOptions options;
  options.max_decompressed_bytes = 1 << 20;
  EXPECT_EQ(Code(*batch, options), absl::StatusCode::kOutOfRange);
  options.max_decompressed_bytes = 8 << 20;
  EXPECT_EQ(Code(*batch, options), absl::StatusCode::kOk);
}

TEST(ValidateTest, TimestampsOutsideTheSkewAreInvalidTimestamp) {
  ProduceValidationOptions options;
  options.now_ms = kNowMs;
  options.max_timestamp_skew_ms = 10;
  for (int64_t offset : {-11, 11}) {
    RecordBatchBuilder b;
    b.Add(kNowMs, "k", "v");
    b.Add(kNowMs + offset, "k", "v");
    EXPECT_EQ(Code(*b.Build(), options), absl::StatusCode::kFailedPrecondition) << offset;
  }
  for (int64_t offset : {-10, 10}) {
    RecordBatchBuilder b;
    b.Add(kNowMs + offset, "k", "v");
    EXPECT_EQ(Code(*b.Build(), options), absl::StatusCode::kOk) << offset;
  }
}

TEST(ValidateTest, RecordsWithoutTimestampSkipTheSkewCheck) {
  ProduceValidationOptions options;
  options.now_ms = kNowMs;
  options.max_timestamp_skew_ms = 10;
  RecordBatchBuilder b;
  b.Add(-1, "k", "v");
  auto v = ValidateProducedRecords(*b.Build(), options);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->max_record_timestamp, -1);
}

TEST(ValidateTest, ExtremeTimestampsDoNotOverflowTheSkewCheck) {
  ProduceValidationOptions options;
  options.now_ms = std::numeric_limits<int64_t>::max();
  options.max_timestamp_skew_ms = std::numeric_limits<int64_t>::max() - 1;
  RecordBatchBuilder b;
  b.Add(std::numeric_limits<int64_t>::min(), "k", "v");
  EXPECT_EQ(Code(*b.Build(), options), absl::StatusCode::kFailedPrecondition);
}

TEST(ValidateTest, NullKeysAreRejectedWhenKeysAreRequired) {
  ProduceValidationOptions options;
  options.require_keys = true;
  for (Compression codec : kAllCodecs) {
    // TypicalBatch has a null key in record 1.
    EXPECT_EQ(Code(TypicalBatch(codec), options), absl::StatusCode::kInvalidArgument);
  }
  RecordBatchBuilder b;
  b.Add(kNowMs, "", std::nullopt);  // an empty key and a tombstone are fine
  EXPECT_EQ(Code(*b.Build(), options), absl::StatusCode::kOk);
}

}  // namespace
}  // namespace sluice::kafka

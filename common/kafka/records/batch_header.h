// File: common/kafka/records/batch_header.h
// The fixed 61-byte header of a Kafka record batch (magic 2), and the checks that the
// storage layer needs without decoding records: framing, magic and CRC32C.
//
// Layout (big-endian), byte offsets:
//   0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32 | 16 magic int8
//   17 crc uint32 | 21 attributes int16 | 23 lastOffsetDelta int32 | 27 baseTimestamp int64
//   35 maxTimestamp int64 | 43 producerId int64 | 51 producerEpoch int16
//   53 baseSequence int32 | 57 recordCount int32 | 61 records...
// batchLength counts the bytes after itself, so a whole batch is batchLength + 12 bytes.
// The CRC covers bytes 21 .. end, so baseOffset and partitionLeaderEpoch can be rewritten
// without recomputing it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace sluice::kafka {

inline constexpr size_t kBatchHeaderSize = 61;
inline constexpr size_t kBatchLengthFieldEnd = 12;  // baseOffset + batchLength
inline constexpr int8_t kMagicV2 = 2;
inline constexpr size_t kBatchMagicOffset = 16;
inline constexpr size_t kBatchCrcOffset = 17;
inline constexpr size_t kBatchCrcStart = 21;  // first byte the CRC covers (attributes)

// Attribute bits above the 3-bit compression codec.
inline constexpr int16_t kAttributeCompressionMask = 0x07;
inline constexpr int16_t kAttributeLogAppendTime = 0x08;
inline constexpr int16_t kAttributeTransactional = 0x10;
inline constexpr int16_t kAttributeControl = 0x20;

enum class Compression : int8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };

struct BatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  int32_t partition_leader_epoch = 0;
  int8_t magic = 0;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t record_count = 0;

  // Whole batch size in bytes, header included.
  size_t TotalSize() const { return static_cast<size_t>(batch_length) + kBatchLengthFieldEnd; }
  int64_t LastOffset() const { return base_offset + last_offset_delta; }
  Compression compression() const { return static_cast<Compression>(attributes & 0x07); }
  bool log_append_time() const { return (attributes & 0x08) != 0; }
  bool is_transactional() const { return (attributes & 0x10) != 0; }
  bool is_control() const { return (attributes & 0x20) != 0; }
};

// Decodes the header at the start of `bytes`. Fails with kDataLoss if fewer than
// kBatchHeaderSize bytes are given, if batchLength is too small to hold the header,
// or if magic is not 2. Does not check that the whole batch is present, nor the CRC.
absl::StatusOr<BatchHeader> ParseBatchHeader(std::string_view bytes);

// Checks that `batch` holds exactly one whole batch (header.TotalSize() == batch.size())
// and that its CRC32C matches. Returns kDataLoss describing the first mismatch.
absl::Status VerifyBatch(const BatchHeader& header, std::string_view batch);

// Overwrites baseOffset and partitionLeaderEpoch in place.
// REQUIRES: `batch` points at least kBatchHeaderSize writable bytes.
void StampBatch(char* batch, int64_t base_offset, int32_t partition_leader_epoch);

// Writes all 61 header fields of `header` at `out`, the crc field exactly as given
// (compute it afterwards with ComputeBatchCrc and write it with StoreBatchCrc).
// REQUIRES: `out` points at kBatchHeaderSize writable bytes.
void EncodeBatchHeader(const BatchHeader& header, char* out);

// The CRC32C that a batch's crc field should hold: over bytes kBatchCrcStart .. end.
// REQUIRES: batch.size() >= kBatchHeaderSize.
uint32_t ComputeBatchCrc(std::string_view batch);

// Overwrites the crc field in place.
// REQUIRES: `batch` points at least kBatchHeaderSize writable bytes.
void StoreBatchCrc(char* batch, uint32_t crc);

}  // namespace sluice::kafka

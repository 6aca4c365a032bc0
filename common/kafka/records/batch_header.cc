#include "common/kafka/records/batch_header.h"

#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/byte_order.h"
#include "common/kafka/records/crc32c.h"

namespace sluice::kafka {


absl::StatusOr<BatchHeader> ParseBatchHeader(std::string_view bytes) {
  if (bytes.size() < kBatchHeaderSize) {
    return absl::DataLossError(
        absl::StrCat("record batch header needs ", kBatchHeaderSize, " bytes, got ", bytes.size()));
  }
  const char* p = bytes.data();
  BatchHeader h;
  h.base_offset = LoadBigEndian<int64_t>(p + 0);
  h.batch_length = LoadBigEndian<int32_t>(p + 8);
  h.partition_leader_epoch = LoadBigEndian<int32_t>(p + 12);
  h.magic = static_cast<int8_t>(p[16]);
  h.crc = LoadBigEndian<uint32_t>(p + 17);
  h.attributes = LoadBigEndian<int16_t>(p + 21);
  h.last_offset_delta = LoadBigEndian<int32_t>(p + 23);
  h.base_timestamp = LoadBigEndian<int64_t>(p + 27);
  h.max_timestamp = LoadBigEndian<int64_t>(p + 35);
  h.producer_id = LoadBigEndian<int64_t>(p + 43);
  h.producer_epoch = LoadBigEndian<int16_t>(p + 51);
  h.base_sequence = LoadBigEndian<int32_t>(p + 53);
  h.record_count = LoadBigEndian<int32_t>(p + 57);
  if (h.batch_length < static_cast<int32_t>(kBatchHeaderSize - kBatchLengthFieldEnd)) {
    return absl::DataLossError(
        absl::StrCat("record batch length ", h.batch_length, " is too small"));
  }
  if (h.magic != kMagicV2) {
    return absl::DataLossError(absl::StrCat("unsupported record batch magic ", h.magic));
  }
  return h;
}

absl::Status VerifyBatch(const BatchHeader& header, std::string_view batch) {
  if (header.TotalSize() != batch.size()) {
    return absl::DataLossError(absl::StrCat("record batch claims ", header.TotalSize(),
                                            " bytes but ", batch.size(), " are present"));
  }
  uint32_t actual = ComputeBatchCrc(batch);
  if (actual != header.crc) {
    return absl::DataLossError(
        absl::StrCat("record batch CRC mismatch: stored ", header.crc, ", computed ", actual));
  }
  return absl::OkStatus();
}

void StampBatch(char* batch, int64_t base_offset, int32_t partition_leader_epoch) {
  StoreBigEndian<int64_t>(batch + 0, base_offset);
  StoreBigEndian<int32_t>(batch + 12, partition_leader_epoch);
}

void EncodeBatchHeader(const BatchHeader& h, char* out) {
  StoreBigEndian<int64_t>(out + 0, h.base_offset);
  StoreBigEndian<int32_t>(out + 8, h.batch_length);
  StoreBigEndian<int32_t>(out + 12, h.partition_leader_epoch);
  out[kBatchMagicOffset] = static_cast<char>(h.magic);
  StoreBigEndian<uint32_t>(out + kBatchCrcOffset, h.crc);
  StoreBigEndian<int16_t>(out + 21, h.attributes);
  StoreBigEndian<int32_t>(out + 23, h.last_offset_delta);
  StoreBigEndian<int64_t>(out + 27, h.base_timestamp);
  StoreBigEndian<int64_t>(out + 35, h.max_timestamp);
  StoreBigEndian<int64_t>(out + 43, h.producer_id);
  StoreBigEndian<int16_t>(out + 51, h.producer_epoch);
  StoreBigEndian<int32_t>(out + 53, h.base_sequence);
  StoreBigEndian<int32_t>(out + 57, h.record_count);
}

uint32_t ComputeBatchCrc(std::string_view batch) {
  return Crc32c(0, batch.data() + kBatchCrcStart, batch.size() - kBatchCrcStart);
}

void StoreBatchCrc(char* batch, uint32_t crc) {
  StoreBigEndian<uint32_t>(batch + kBatchCrcOffset, crc);
}

}  // namespace sluice::kafka

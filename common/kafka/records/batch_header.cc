#include "common/kafka/records/batch_header.h"

#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/kafka/records/crc32c.h"

namespace sluice::kafka {
namespace {

template <typename T>
T LoadBigEndian(const char* p) {
  std::make_unsigned_t<T> v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return static_cast<T>(v);
}

template <typename T>
void StoreBigEndian(char* p, T value) {
  auto v = static_cast<std::make_unsigned_t<T>>(value);
  for (size_t i = sizeof(T); i-- > 0;) {
    p[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

}  // namespace

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
    return absl::DataLossError(absl::StrCat("record batch length ", h.batch_length, " is too small"));
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
  constexpr size_t kCrcStart = 21;
  uint32_t actual = Crc32c(0, batch.data() + kCrcStart, batch.size() - kCrcStart);
  if (actual != header.crc) {
    return absl::DataLossError(absl::StrCat("record batch CRC mismatch: stored ", header.crc,
                                            ", computed ", actual));
  }
  return absl::OkStatus();
}

void StampBatch(char* batch, int64_t base_offset, int32_t partition_leader_epoch) {
  StoreBigEndian<int64_t>(batch + 0, base_offset);
  StoreBigEndian<int32_t>(batch + 12, partition_leader_epoch);
}

}  // namespace sluice::kafka

#include "common/kafka/records/record_batch_builder.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/kafka/records/compression.h"
#include "common/status.h"

namespace sluice::kafka {
namespace {

constexpr size_t kMaxInt32 = static_cast<size_t>(std::numeric_limits<int32_t>::max());

void SetBit(int16_t* attributes, int16_t bit, bool on) {
  *attributes = static_cast<int16_t>(on ? (*attributes | bit) : (*attributes & ~bit));
}

// Two's-complement difference, so that extreme timestamps wrap the same way in the
// decoder's base + delta instead of overflowing.
int64_t WrappingSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

bool FitsInt32(const std::optional<std::string>& bytes) {
  return !bytes.has_value() || bytes->size() <= kMaxInt32;
}

}  // namespace

RecordBatchBuilder::RecordBatchBuilder() {
  header_.magic = kMagicV2;
  header_.partition_leader_epoch = -1;
}

RecordBatchBuilder& RecordBatchBuilder::set_compression(Compression codec) {
  header_.attributes =
      static_cast<int16_t>((header_.attributes & ~kAttributeCompressionMask) |
                           (static_cast<int16_t>(codec) & kAttributeCompressionMask));
  return *this;
}

RecordBatchBuilder& RecordBatchBuilder::set_base_offset(int64_t base_offset) {
  header_.base_offset = base_offset;
  return *this;
}

RecordBatchBuilder& RecordBatchBuilder::set_partition_leader_epoch(int32_t epoch) {
  header_.partition_leader_epoch = epoch;
  return *this;
}

RecordBatchBuilder& RecordBatchBuilder::set_producer(int64_t producer_id, int16_t producer_epoch,
                                                     int32_t base_sequence) {
  header_.producer_id = producer_id;
  header_.producer_epoch = producer_epoch;
  header_.base_sequence = base_sequence;
  return *this;
}

RecordBatchBuilder& RecordBatchBuilder::set_base_timestamp(int64_t base_timestamp) {
  base_timestamp_ = base_timestamp;
  return *this;
}

RecordBatchBuilder& RecordBatchBuilder::set_log_append_time(bool log_append_time) {
  SetBit(&header_.attributes, kAttributeLogAppendTime, log_append_time);
  return *this;
}

RecordBatchBuilder& RecordBatchBuilder::set_transactional(bool transactional) {
  SetBit(&header_.attributes, kAttributeTransactional, transactional);
  return *this;
}

RecordBatchBuilder& RecordBatchBuilder::set_control(bool control) {
  SetBit(&header_.attributes, kAttributeControl, control);
  return *this;
}

void RecordBatchBuilder::Add(int64_t timestamp, std::optional<std::string_view> key,
                             std::optional<std::string_view> value, std::vector<Header> headers) {
  Record& r = records_.emplace_back();
  r.offset_delta = static_cast<int64_t>(records_.size() - 1);
  if (key.has_value()) r.key.emplace(*key);
  if (value.has_value()) r.value.emplace(*value);
  r.headers = std::move(headers);
  timestamps_.push_back(timestamp);
}

absl::StatusOr<std::string> RecordBatchBuilder::Build() const {
  if (records_.empty()) return absl::FailedPreconditionError("record batch has no records");
  const Compression codec = header_.compression();
  if (!IsKnownCompression(static_cast<int>(codec))) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown compression codec ", static_cast<int>(codec)));
  }
  if (records_.size() > kMaxInt32) {
    return absl::InvalidArgumentError(absl::StrCat("too many records: ", records_.size()));
  }
  const int64_t base_timestamp = base_timestamp_.value_or(timestamps_.front());
  BatchHeader h = header_;
  h.base_timestamp = base_timestamp;
  h.max_timestamp = *std::max_element(timestamps_.begin(), timestamps_.end());
  h.record_count = static_cast<int32_t>(records_.size());
  h.last_offset_delta = h.record_count - 1;

  std::string raw;
  for (size_t i = 0; i < records_.size(); ++i) {
    const Record& source = records_[i];
    bool fits =
        FitsInt32(source.key) && FitsInt32(source.value) && source.headers.size() <= kMaxInt32;
    for (const Header& header : source.headers) {
      fits = fits && header.key.size() <= kMaxInt32 && FitsInt32(header.value);
    }
    if (!fits || raw.size() > kMaxInt32) {
      return absl::InvalidArgumentError("record batch does not fit in 2 GiB");
    }
    Record r = source;  // a copy only to set the delta; Build() is not on a hot path
    r.timestamp_delta = WrappingSub(timestamps_[i], base_timestamp);
    AppendRecord(r, &raw);
  }
  SLUICE_ASSIGN_OR_RETURN(std::string body, Compress(codec, raw));
  const size_t total = kBatchHeaderSize + body.size();
  if (total - kBatchLengthFieldEnd > kMaxInt32) {
    return absl::InvalidArgumentError(absl::StrCat("record batch of ", total, " bytes is too big"));
  }
  h.batch_length = static_cast<int32_t>(total - kBatchLengthFieldEnd);

  std::string batch(kBatchHeaderSize, '\0');
  batch.append(body);
  EncodeBatchHeader(h, batch.data());
  StoreBatchCrc(batch.data(), ComputeBatchCrc(batch));
  return batch;
}

}  // namespace sluice::kafka

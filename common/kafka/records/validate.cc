#include "common/kafka/records/validate.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "common/kafka/records/compression.h"
#include "common/kafka/records/record.h"
#include "common/status.h"

namespace sluice::kafka {
namespace {

// |a - b| <= limit, without overflow for any int64 values.
bool WithinSkew(int64_t a, int64_t b, int64_t limit) {
  if (limit < 0) return false;
  const uint64_t diff = a >= b ? static_cast<uint64_t>(a) - static_cast<uint64_t>(b)
                               : static_cast<uint64_t>(b) - static_cast<uint64_t>(a);
  return diff <= static_cast<uint64_t>(limit);
}

// Framing, size, codec and CRC: everything about the batch as bytes.
absl::StatusOr<BatchHeader> CheckFraming(std::string_view records,
                                         const ProduceValidationOptions& options) {
  if (records.size() < kBatchHeaderSize) {
    return absl::InvalidArgumentError(absl::StrCat("produce records hold ", records.size(),
                                                   " bytes, less than one batch header"));
  }
  const auto magic = static_cast<int8_t>(records[kBatchMagicOffset]);
  if (magic != kMagicV2) {
    return absl::InvalidArgumentError(
        absl::StrCat("produce records must use magic 2, got ", static_cast<int>(magic)));
  }
  SLUICE_ASSIGN_OR_RETURN(BatchHeader h, ParseBatchHeader(records));  // kDataLoss
  if (h.TotalSize() > records.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "record batch claims ", h.TotalSize(), " bytes but only ", records.size(), " were sent"));
  }
  if (h.TotalSize() < records.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(records.size() - h.TotalSize(),
                     " bytes follow the record batch; exactly one batch is allowed"));
  }
  const int codec = h.attributes & kAttributeCompressionMask;
  if (!IsKnownCompression(codec)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown compression codec ", codec));
  }
  if (h.compression() == Compression::kZstd && !options.allow_zstd) {
    return absl::UnimplementedError("zstd compression needs Produce version 7 or later");
  }
  if (h.base_offset != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("produced batch has base offset ", h.base_offset, ", not 0"));
  }
  if (h.TotalSize() > options.max_batch_bytes) {
    return absl::OutOfRangeError(absl::StrCat("record batch of ", h.TotalSize(),
                                              " bytes exceeds the limit of ",
                                              options.max_batch_bytes));
  }
  SLUICE_RETURN_IF_ERROR(VerifyBatch(h, records));  // kDataLoss
  return h;
}

absl::Status CheckHeaderFields(const BatchHeader& h) {
  if (h.is_control()) {
    return absl::InvalidArgumentError("clients may not write control batches");
  }
  if (h.record_count <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("record count is ", h.record_count));
  }
  if (static_cast<int64_t>(h.last_offset_delta) + 1 != h.record_count) {
    return absl::InvalidArgumentError(absl::StrCat("last offset delta ", h.last_offset_delta,
                                                   " does not match record count ",
                                                   h.record_count));
  }
  if (h.producer_id >= 0 && h.base_sequence < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("producer id ", h.producer_id, " with base sequence ", h.base_sequence));
  }
  if (h.is_transactional() && h.producer_id < 0) {
    return absl::InvalidArgumentError("transactional batch without a producer id");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ValidatedBatch> ValidateProducedRecords(std::string_view records,
                                                       const ProduceValidationOptions& options) {
  ValidatedBatch result;
  SLUICE_ASSIGN_OR_RETURN(result.header, CheckFraming(records, options));
  const BatchHeader& h = result.header;
  SLUICE_RETURN_IF_ERROR(CheckHeaderFields(h));

  const bool check_skew = options.max_timestamp_skew_ms != std::numeric_limits<int64_t>::max();
  absl::Status status = ForEachRecord(
      h, records, options.max_decompressed_bytes, [&](const RecordView& r) -> absl::Status {
        if (options.require_keys && !r.key.has_value()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "record ", r.offset_delta, " has a null key, which a compacted topic forbids"));
        }
        // Same wrapping arithmetic as the builder's delta.
        const auto timestamp = static_cast<int64_t>(static_cast<uint64_t>(h.base_timestamp) +
                                                    static_cast<uint64_t>(r.timestamp_delta));
        if (timestamp != -1) {
          if (timestamp > result.max_record_timestamp) result.max_record_timestamp = timestamp;
          if (check_skew && !WithinSkew(timestamp, options.now_ms, options.max_timestamp_skew_ms)) {
            return absl::FailedPreconditionError(absl::StrCat(
                "record ", r.offset_delta, " has timestamp ", timestamp, ", more than ",
                options.max_timestamp_skew_ms, " ms from the broker's time ", options.now_ms));
          }
        }
        return absl::OkStatus();
      });
  if (absl::IsResourceExhausted(status)) {
    return absl::OutOfRangeError(status.message());
  }
  SLUICE_RETURN_IF_ERROR(status);
  return result;
}

}  // namespace sluice::kafka

// File: common/kafka/records/validate.h
// Validation of the records a producer sends for one partition, before the broker
// assigns offsets and appends them. Follows the checks Kafka's broker makes
// (ProduceRequest.validateRecords, UnifiedLog.analyzeAndValidateRecords, LogValidator).
//
// Status code -> Kafka error code. The server's error mapping relies on this table;
// keep the two in step:
//
//   kInvalidArgument     INVALID_RECORD (87)   not exactly one whole batch; magic != 2;
//                                              unknown codec (5-7); baseOffset != 0;
//                                              control batch; recordCount <= 0 or !=
//                                              lastOffsetDelta + 1; producerId >= 0 with
//                                              baseSequence < 0; transactional without a
//                                              producerId; records that do not decode or
//                                              disagree with recordCount; a null key
//                                              when keys are required (compacted topic)
//   kDataLoss            CORRUPT_MESSAGE (2)   CRC mismatch; batchLength too small to
//                                              hold the header
//   kOutOfRange          MESSAGE_TOO_LARGE (10) batch larger than max_batch_bytes, or
//                                              records decompressing to more than
//                                              max_decompressed_bytes
//   kUnimplemented       UNSUPPORTED_COMPRESSION_TYPE (76)  zstd when !allow_zstd
//   kFailedPrecondition  INVALID_TIMESTAMP (32) a create-time record timestamp further
//                                              than max_timestamp_skew_ms from now_ms
//
// Rules are checked in this order and the first failure is reported: at least a
// header's worth of bytes, magic, batchLength, one batch filling the field exactly,
// codec, baseOffset, size, CRC, control flag, recordCount and lastOffsetDelta,
// producer fields, record decoding, then each record in turn (key before timestamp).
// Error messages name the offending record's index, which the server may return in
// ProduceResponse RecordErrors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/kafka/records/batch_header.h"

namespace sluice::kafka {

struct ProduceValidationOptions {
  // The topic's max.message.bytes: the largest whole batch accepted.
  size_t max_batch_bytes = 1048588;
  // False for Produce requests older than v7, which may not carry zstd.
  bool allow_zstd = true;
  // The broker's wall clock in milliseconds since the epoch. Only read when
  // max_timestamp_skew_ms is below INT64_MAX; set it whenever that is the case.
  int64_t now_ms = 0;
  // The topic's message.timestamp.difference.max.ms, checked against every record
  // that has a timestamp (not -1). Leave it at INT64_MAX (no check) for topics with
  // message.timestamp.type=LogAppendTime, as Kafka does.
  int64_t max_timestamp_skew_ms = std::numeric_limits<int64_t>::max();
  // True for compacted topics: every record needs a non-null key.
  bool require_keys = false;
  // Bound on the decompressed size of a compressed batch's records.
  size_t max_decompressed_bytes = 64 << 20;
};

struct ValidatedBatch {
  BatchHeader header;
  // The largest record timestamp (-1 if no record has one). Equals header.max_timestamp
  // for well-behaved clients; the broker may prefer it when the two differ.
  int64_t max_record_timestamp = -1;
};

// Validates `records`, the whole Records field of one partition in a Produce request
// (untrusted bytes), against `options`. Returns the parsed header if every rule holds,
// otherwise the status described above. Decompresses compressed batches (bounded by
// options.max_decompressed_bytes) but keeps no record data.
absl::StatusOr<ValidatedBatch> ValidateProducedRecords(std::string_view records,
                                                       const ProduceValidationOptions& options);

}  // namespace sluice::kafka

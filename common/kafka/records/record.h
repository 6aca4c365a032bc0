// File: common/kafka/records/record.h
// The records inside a record batch v2, after the 61-byte header (and after
// decompression when the batch is compressed). Each record is:
//
//   length          varint  bytes that follow in this record
//   attributes      int8    unused, written as 0
//   timestampDelta  varlong record timestamp - batch baseTimestamp
//   offsetDelta     varint  record offset - batch baseOffset
//   keyLength       varint  -1 for a null key
//   key             bytes
//   valueLength     varint  -1 for a null value
//   value           bytes
//   headerCount     varint
//   headers         headerCount x (keyLength varint, key, valueLength varint, value);
//                   header keys are never null, header values may be
//
// For example the record at offset delta 1, timestamp delta 0, key "k", value null and
// no headers is 0e 00 00 02 02 6b 01 00 (length 7, zigzag-encoded).
//
// Decoding treats the batch as untrusted: every failure is a status, never a crash, and
// memory use is bounded by the batch size plus `max_decompressed`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/kafka/records/batch_header.h"
#include "common/kafka/records/record_internal.h"
#include "common/kafka/records/record_view.h"

namespace sluice::kafka {

struct Header {
  std::string key;
  std::optional<std::string> value;  // nullopt = null

  bool operator==(const Header&) const = default;
};

struct Record {
  int64_t offset_delta = 0;
  int64_t timestamp_delta = 0;
  std::optional<std::string> key;    // nullopt = null
  std::optional<std::string> value;  // nullopt = null (a tombstone)
  std::vector<Header> headers;

  bool operator==(const Record&) const = default;
};

// Decodes every record of `batch` and calls `visit` on each, in order, stopping at and
// returning the first non-OK status from `visit`: any callable taking a const RecordView& and
// returning absl::Status, called inline (a template, so the call costs nothing per record).
// Decompresses the records first if the batch is compressed (into at most
// `max_decompressed` bytes). Allocates no memory per record (the view's header vector is
// reused), so this is the way to inspect a large batch.
//
// REQUIRES: `header` is ParseBatchHeader(batch). The CRC is not checked here (see
// VerifyBatch). Checks and their errors:
//   kInvalidArgument    batch.size() != header.TotalSize(); unknown codec; corrupt
//                       compressed data; recordCount < 0; a truncated or overlong
//                       varint; a record length that disagrees with the bytes its fields
//                       take; a key/value/header length < -1 or past the record's end; a
//                       null header key; a negative header count; fewer or more records
//                       than recordCount, or bytes after the last record; offset deltas
//                       other than 0, 1, ..., recordCount - 1 in order
//   kResourceExhausted  the records decompress to more than `max_decompressed` bytes
// Records visited before an error was found have been passed to `visit`. With
// OffsetDeltas::kIncreasing (stored batches, which compaction may have thinned) the
// offset delta check becomes: strictly increasing, from 0 up to lastOffsetDelta.
template <typename Visit>
absl::Status ForEachRecord(const BatchHeader& header, std::string_view batch,
                           size_t max_decompressed, Visit&& visit,
                           OffsetDeltas deltas = OffsetDeltas::kDense);

// Decodes all records of `batch` into owned values, with the checks of ForEachRecord.
// Memory use is proportional to the record count (about 130 bytes of bookkeeping per
// record on top of the data); use ForEachRecord when the batch is not yet validated
// and only needs to be inspected.
absl::StatusOr<std::vector<Record>> DecodeRecords(const BatchHeader& header, std::string_view batch,
                                                  size_t max_decompressed);

// Appends the wire form of `record` (length prefix included) to *out.
// REQUIRES: record.offset_delta fits in int32; key, value and each header key and
// value are shorter than 2^31 bytes; fewer than 2^31 headers.
void AppendRecord(const Record& record, std::string* out);

template <typename Visit>
absl::Status ForEachRecord(const BatchHeader& header, std::string_view batch,
                           size_t max_decompressed, Visit&& visit, OffsetDeltas deltas) {
  std::string decompressed;
  absl::StatusOr<std::string_view> records =
      records_internal::RecordBytes(header, batch, max_decompressed, &decompressed);
  if (!records.ok()) return records.status();
  return records_internal::ParseRecords(*records, header, deltas, visit);
}

}  // namespace sluice::kafka

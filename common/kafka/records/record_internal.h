// File: common/kafka/records/record_internal.h
// The record loop behind ForEachRecord (record.h), inline and templated on the visitor so
// that the compiler sees the whole loop. Validating 100-byte records (bench/'s W5) costs 230
// instructions per record this way (callgrind, CRC excluded) against 335 with the visitor
// behind a std::function and the field readers as calls; GCC 12 keeps them as calls unless
// told (always_inline). Errors are built out of line (record.cc) so the loop stays small.
// Not for use outside this module; include record.h.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/kafka/records/batch_header.h"
#include "common/kafka/records/record_view.h"
#include "common/kafka/records/varint.h"

namespace sluice::kafka::records_internal {

// The smallest record: length, attributes, timestampDelta, offsetDelta, keyLength,
// valueLength and headerCount, one byte each.
inline constexpr size_t kMinRecordSize = 7;
// The smallest header: keyLength and valueLength.
inline constexpr size_t kMinHeaderSize = 2;

// The loop's errors, all kInvalidArgument; those about one record start "record <index>: ".
[[gnu::cold]] absl::Status Corrupt(int32_t index, const char* what);
// "bad <field> length": the varint before a field's bytes does not decode.
[[gnu::cold]] absl::Status BadVarint(int32_t index, const char* field);
[[gnu::cold]] absl::Status BadLength(int32_t index, const char* field, int32_t length, size_t left);
[[gnu::cold]] absl::Status BadRecordLength(int32_t index, int32_t length, size_t left);
[[gnu::cold]] absl::Status BadOffsetDelta(int32_t index, int32_t delta);
[[gnu::cold]] absl::Status BadHeaderCount(int32_t index, int32_t count);
[[gnu::cold]] absl::Status NullHeaderKey(int32_t index, int32_t header);
[[gnu::cold]] absl::Status LeftOver(int32_t index, size_t bytes);
[[gnu::cold]] absl::Status TooFewRecords(int32_t seen, int32_t count);
[[gnu::cold]] absl::Status TrailingBytes(size_t bytes, int32_t count);
[[gnu::cold]] absl::Status NegativeCount(int32_t count);

// Checks the batch's size against its header and returns its records' bytes: a view into
// `batch`, or into *storage after decompressing into at most `max_decompressed` bytes.
absl::StatusOr<std::string_view> RecordBytes(const BatchHeader& header, std::string_view batch,
                                             size_t max_decompressed, std::string* storage);

// Reads a varint length and that many bytes (nullopt for -1) from the front of *in.
[[gnu::always_inline]] inline absl::Status ReadNullableBytes(std::string_view* in, int32_t index,
                                                             const char* field,
                                                             std::optional<std::string_view>* out) {
  int32_t length;
  if (!ReadVarint(in, &length)) [[unlikely]] {
    return BadVarint(index, field);
  }
  if (length == -1) {
    *out = std::nullopt;
    return absl::OkStatus();
  }
  if (length < -1 || static_cast<size_t>(length) > in->size()) [[unlikely]] {
    return BadLength(index, field, length, in->size());
  }
  *out = std::string_view(in->data(), static_cast<size_t>(length));
  in->remove_prefix(static_cast<size_t>(length));
  return absl::OkStatus();
}

// Parses the body of record `index` (everything after its length varint), which must be
// used up exactly.
[[gnu::always_inline]] inline absl::Status ParseRecordBody(std::string_view body, int32_t index,
                                                           const BatchHeader& header,
                                                           OffsetDeltas deltas,
                                                           int32_t previous_delta, RecordView* r) {
  if (body.empty()) [[unlikely]] {
    return Corrupt(index, "missing attributes");
  }
  r->attributes = static_cast<int8_t>(body[0]);
  body.remove_prefix(1);
  if (!ReadVarlong(&body, &r->timestamp_delta)) [[unlikely]] {
    return Corrupt(index, "bad timestamp delta");
  }
  if (!ReadVarint(&body, &r->offset_delta)) [[unlikely]] {
    return Corrupt(index, "bad offset delta");
  }
  const bool delta_ok =
      deltas == OffsetDeltas::kDense
          ? r->offset_delta == index
          : r->offset_delta > previous_delta && r->offset_delta <= header.last_offset_delta;
  if (!delta_ok) [[unlikely]] {
    return BadOffsetDelta(index, r->offset_delta);
  }
  if (absl::Status s = ReadNullableBytes(&body, index, "key", &r->key); !s.ok()) [[unlikely]] {
    return s;
  }
  if (absl::Status s = ReadNullableBytes(&body, index, "value", &r->value); !s.ok()) [[unlikely]] {
    return s;
  }
  int32_t header_count;
  if (!ReadVarint(&body, &header_count)) [[unlikely]] {
    return Corrupt(index, "bad header count");
  }
  if (header_count < 0) [[unlikely]] {
    return BadHeaderCount(index, header_count);
  }
  r->headers.clear();
  if (header_count > 0) {
    r->headers.reserve(std::min(static_cast<size_t>(header_count), body.size() / kMinHeaderSize));
  }
  // Each header consumes at least kMinHeaderSize bytes or fails, so the loop is bounded
  // by body.size() whatever header_count says.
  for (int32_t h = 0; h < header_count; ++h) {
    std::optional<std::string_view> key;
    std::optional<std::string_view> value;
    if (absl::Status s = ReadNullableBytes(&body, index, "header key", &key); !s.ok()) return s;
    if (!key.has_value()) return NullHeaderKey(index, h);
    if (absl::Status s = ReadNullableBytes(&body, index, "header value", &value); !s.ok()) {
      return s;
    }
    r->headers.push_back(HeaderView{*key, value});
  }
  if (!body.empty()) [[unlikely]] {
    return LeftOver(index, body.size());
  }
  return absl::OkStatus();
}

// Parses every record of `in` (a batch's records, decompressed) and calls `visit` on each,
// stopping at the first error.
template <typename Visit>
absl::Status ParseRecords(std::string_view in, const BatchHeader& header, OffsetDeltas deltas,
                          Visit& visit) {
  const int32_t record_count = header.record_count;
  if (record_count < 0) return NegativeCount(record_count);
  RecordView view;
  // Each record consumes at least one byte or fails, so the loop is bounded by in.size().
  for (int32_t i = 0; i < record_count; ++i) {
    if (in.empty()) [[unlikely]] {
      return TooFewRecords(i, record_count);
    }
    const char* record_start = in.data();
    int32_t length;
    if (!ReadVarint(&in, &length)) [[unlikely]] {
      return Corrupt(i, "bad length");
    }
    if (length < 0 || static_cast<size_t>(length) > in.size()) [[unlikely]] {
      return BadRecordLength(i, length, in.size());
    }
    absl::Status parsed =
        ParseRecordBody(std::string_view(in.data(), static_cast<size_t>(length)), i, header, deltas,
                        i == 0 ? -1 : view.offset_delta, &view);
    if (!parsed.ok()) [[unlikely]] {
      return parsed;
    }
    view.raw =
        std::string_view(record_start, static_cast<size_t>(in.data() - record_start) + length);
    in.remove_prefix(static_cast<size_t>(length));
    absl::Status visited = visit(static_cast<const RecordView&>(view));
    if (!visited.ok()) [[unlikely]] {
      return visited;
    }
  }
  if (!in.empty()) [[unlikely]] {
    return TrailingBytes(in.size(), record_count);
  }
  return absl::OkStatus();
}

}  // namespace sluice::kafka::records_internal

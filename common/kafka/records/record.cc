#include "common/kafka/records/record.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/kafka/records/compression.h"
#include "common/kafka/records/varint.h"
#include "common/status.h"

namespace sluice::kafka {
namespace {

// The smallest record: length, attributes, timestampDelta, offsetDelta, keyLength,
// valueLength and headerCount, one byte each.
constexpr size_t kMinRecordSize = 7;
// The smallest header: keyLength and valueLength.
constexpr size_t kMinHeaderSize = 2;

[[gnu::noinline, gnu::cold]] absl::Status Corrupt(int32_t index, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("record ", index, ": ", what));
}

[[gnu::noinline, gnu::cold]] absl::Status BadLength(int32_t index, const char* field,
                                                    int32_t length, size_t left) {
  return Corrupt(
      index, absl::StrCat(field, " length ", length, " with ", left, " bytes left in the record"));
}

// Reads a varint length and that many bytes (nullopt for -1) from the front of *in. Inline,
// with its errors built out of line: it runs twice per record.
inline absl::Status ReadNullableBytes(std::string_view* in, int32_t index, const char* field,
                                      std::optional<std::string_view>* out) {
  int32_t length;
  if (!ReadVarint(in, &length)) [[unlikely]] {
    return Corrupt(index, absl::StrCat("bad ", field, " length"));
  }
  if (length == -1) {
    *out = std::nullopt;
    return absl::OkStatus();
  }
  if (length < -1 || static_cast<size_t>(length) > in->size()) [[unlikely]] {
    return BadLength(index, field, length, in->size());
  }
  *out = in->substr(0, static_cast<size_t>(length));
  in->remove_prefix(static_cast<size_t>(length));
  return absl::OkStatus();
}

// Parses the body of record `index` (everything after its length varint), which must be
// used up exactly.
absl::Status ParseRecordBody(std::string_view body, int32_t index, const BatchHeader& header,
                             OffsetDeltas deltas, int32_t previous_delta, RecordView* r) {
  if (body.empty()) return Corrupt(index, "missing attributes");
  r->attributes = static_cast<int8_t>(body[0]);
  body.remove_prefix(1);
  if (!ReadVarlong(&body, &r->timestamp_delta)) return Corrupt(index, "bad timestamp delta");
  if (!ReadVarint(&body, &r->offset_delta)) return Corrupt(index, "bad offset delta");
  const bool delta_ok =
      deltas == OffsetDeltas::kDense
          ? r->offset_delta == index
          : r->offset_delta > previous_delta && r->offset_delta <= header.last_offset_delta;
  if (!delta_ok) return Corrupt(index, absl::StrCat("offset delta is ", r->offset_delta));
  SLUICE_RETURN_IF_ERROR(ReadNullableBytes(&body, index, "key", &r->key));
  SLUICE_RETURN_IF_ERROR(ReadNullableBytes(&body, index, "value", &r->value));
  int32_t header_count;
  if (!ReadVarint(&body, &header_count)) return Corrupt(index, "bad header count");
  if (header_count < 0) return Corrupt(index, absl::StrCat("header count ", header_count));
  r->headers.clear();
  r->headers.reserve(std::min(static_cast<size_t>(header_count), body.size() / kMinHeaderSize));
  // Each header consumes at least kMinHeaderSize bytes or fails, so the loop is bounded
  // by body.size() whatever header_count says.
  for (int32_t h = 0; h < header_count; ++h) {
    std::optional<std::string_view> key;
    std::optional<std::string_view> value;
    SLUICE_RETURN_IF_ERROR(ReadNullableBytes(&body, index, "header key", &key));
    if (!key.has_value()) return Corrupt(index, absl::StrCat("header ", h, " has a null key"));
    SLUICE_RETURN_IF_ERROR(ReadNullableBytes(&body, index, "header value", &value));
    r->headers.push_back(HeaderView{*key, value});
  }
  if (!body.empty()) {
    return Corrupt(index, absl::StrCat(body.size(), " bytes left over after its fields"));
  }
  return absl::OkStatus();
}

absl::Status ParseRecords(std::string_view in, const BatchHeader& header, OffsetDeltas deltas,
                          const std::function<absl::Status(const RecordView&)>& visit) {
  const int32_t record_count = header.record_count;
  if (record_count < 0) {
    return absl::InvalidArgumentError(absl::StrCat("negative record count ", record_count));
  }
  RecordView view;
  // Each record consumes at least one byte or fails, so the loop is bounded by in.size().
  for (int32_t i = 0; i < record_count; ++i) {
    if (in.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("batch holds ", i, " records but its header says ", record_count));
    }
    const char* record_start = in.data();
    int32_t length;
    if (!ReadVarint(&in, &length)) return Corrupt(i, "bad length");
    if (length < 0 || static_cast<size_t>(length) > in.size()) {
      return Corrupt(i, absl::StrCat("length ", length, " with ", in.size(), " bytes left"));
    }
    SLUICE_RETURN_IF_ERROR(ParseRecordBody(in.substr(0, length), i, header, deltas,
                                           i == 0 ? -1 : view.offset_delta, &view));
    view.raw =
        std::string_view(record_start, static_cast<size_t>(in.data() - record_start) + length);
    in.remove_prefix(static_cast<size_t>(length));
    SLUICE_RETURN_IF_ERROR(visit(view));
  }
  if (!in.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(in.size(), " bytes follow the last of ", record_count, " records"));
  }
  return absl::OkStatus();
}

void AppendBytes(const std::optional<std::string>& bytes, std::string* out) {
  if (!bytes.has_value()) {
    AppendVarint(-1, out);
    return;
  }
  AppendVarint(static_cast<int32_t>(bytes->size()), out);
  out->append(*bytes);
}

size_t BytesSize(const std::optional<std::string>& bytes) {
  if (!bytes.has_value()) return VarintSize(-1);
  return VarintSize(static_cast<int32_t>(bytes->size())) + bytes->size();
}

}  // namespace

absl::Status ForEachRecord(const BatchHeader& header, std::string_view batch,
                           size_t max_decompressed,
                           const std::function<absl::Status(const RecordView&)>& visit,
                           OffsetDeltas deltas) {
  if (batch.size() != header.TotalSize() || batch.size() < kBatchHeaderSize) {
    return absl::InvalidArgumentError(absl::StrCat("record batch claims ", header.TotalSize(),
                                                   " bytes but ", batch.size(), " are present"));
  }
  std::string_view records = batch.substr(kBatchHeaderSize);
  const Compression codec = header.compression();
  if (codec == Compression::kNone) return ParseRecords(records, header, deltas, visit);
  if (!IsKnownCompression(static_cast<int>(codec))) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown compression codec ", static_cast<int>(codec)));
  }
  SLUICE_ASSIGN_OR_RETURN(std::string raw, Decompress(codec, records, max_decompressed));
  return ParseRecords(raw, header, deltas, visit);
}

absl::StatusOr<std::vector<Record>> DecodeRecords(const BatchHeader& header, std::string_view batch,
                                                  size_t max_decompressed) {
  std::vector<Record> records;
  // Reserve for the count only as far as the batch's bytes could back it.
  if (header.record_count > 0 && batch.size() >= kBatchHeaderSize) {
    records.reserve(std::min(static_cast<size_t>(header.record_count),
                             (batch.size() - kBatchHeaderSize) / kMinRecordSize + 1));
  }
  auto to_owned = [](const std::optional<std::string_view>& v) -> std::optional<std::string> {
    if (!v.has_value()) return std::nullopt;
    return std::string(*v);
  };
  SLUICE_RETURN_IF_ERROR(
      ForEachRecord(header, batch, max_decompressed, [&](const RecordView& view) -> absl::Status {
        Record& r = records.emplace_back();
        r.offset_delta = view.offset_delta;
        r.timestamp_delta = view.timestamp_delta;
        r.key = to_owned(view.key);
        r.value = to_owned(view.value);
        r.headers.reserve(view.headers.size());
        for (const HeaderView& h : view.headers) {
          r.headers.push_back(Header{std::string(h.key), to_owned(h.value)});
        }
        return absl::OkStatus();
      }));
  return records;
}

void AppendRecord(const Record& record, std::string* out) {
  const auto offset_delta = static_cast<int32_t>(record.offset_delta);
  size_t body = 1 + VarlongSize(record.timestamp_delta) + VarintSize(offset_delta) +
                BytesSize(record.key) + BytesSize(record.value) +
                VarintSize(static_cast<int32_t>(record.headers.size()));
  for (const Header& h : record.headers) {
    body += VarintSize(static_cast<int32_t>(h.key.size())) + h.key.size() + BytesSize(h.value);
  }
  out->reserve(out->size() + VarintSize(static_cast<int32_t>(body)) + body);
  AppendVarint(static_cast<int32_t>(body), out);
  out->push_back('\0');  // attributes
  AppendVarlong(record.timestamp_delta, out);
  AppendVarint(offset_delta, out);
  AppendBytes(record.key, out);
  AppendBytes(record.value, out);
  AppendVarint(static_cast<int32_t>(record.headers.size()), out);
  for (const Header& h : record.headers) {
    AppendVarint(static_cast<int32_t>(h.key.size()), out);
    out->append(h.key);
    AppendBytes(h.value, out);
  }
}

}  // namespace sluice::kafka

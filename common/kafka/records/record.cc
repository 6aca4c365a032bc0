#include "common/kafka/records/record.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/kafka/records/compression.h"
#include "common/kafka/records/varint.h"
#include "common/status.h"

namespace sluice::kafka {
namespace records_internal {

absl::Status Corrupt(int32_t index, const char* what) {
  return absl::InvalidArgumentError(absl::StrCat("record ", index, ": ", what));
}

absl::Status BadVarint(int32_t index, const char* field) {
  return absl::InvalidArgumentError(absl::StrCat("record ", index, ": bad ", field, " length"));
}

absl::Status BadLength(int32_t index, const char* field, int32_t length, size_t left) {
  return absl::InvalidArgumentError(absl::StrCat("record ", index, ": ", field, " length ", length,
                                                 " with ", left, " bytes left in the record"));
}

absl::Status BadRecordLength(int32_t index, int32_t length, size_t left) {
  return absl::InvalidArgumentError(
      absl::StrCat("record ", index, ": length ", length, " with ", left, " bytes left"));
}

absl::Status BadOffsetDelta(int32_t index, int32_t delta) {
  return absl::InvalidArgumentError(absl::StrCat("record ", index, ": offset delta is ", delta));
}

absl::Status BadHeaderCount(int32_t index, int32_t count) {
  return absl::InvalidArgumentError(absl::StrCat("record ", index, ": header count ", count));
}

absl::Status NullHeaderKey(int32_t index, int32_t header) {
  return absl::InvalidArgumentError(
      absl::StrCat("record ", index, ": header ", header, " has a null key"));
}

absl::Status LeftOver(int32_t index, size_t bytes) {
  return absl::InvalidArgumentError(
      absl::StrCat("record ", index, ": ", bytes, " bytes left over after its fields"));
}

absl::Status TooFewRecords(int32_t seen, int32_t count) {
  return absl::InvalidArgumentError(
      absl::StrCat("batch holds ", seen, " records but its header says ", count));
}

absl::Status TrailingBytes(size_t bytes, int32_t count) {
  return absl::InvalidArgumentError(
      absl::StrCat(bytes, " bytes follow the last of ", count, " records"));
}

absl::Status NegativeCount(int32_t count) {
  return absl::InvalidArgumentError(absl::StrCat("negative record count ", count));
}

absl::StatusOr<std::string_view> RecordBytes(const BatchHeader& header, std::string_view batch,
                                             size_t max_decompressed, std::string* storage) {
  if (batch.size() != header.TotalSize() || batch.size() < kBatchHeaderSize) {
    return absl::InvalidArgumentError(absl::StrCat("record batch claims ", header.TotalSize(),
                                                   " bytes but ", batch.size(), " are present"));
  }
  std::string_view records = batch.substr(kBatchHeaderSize);
  const Compression codec = header.compression();
  if (codec == Compression::kNone) return records;
  if (!IsKnownCompression(static_cast<int>(codec))) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown compression codec ", static_cast<int>(codec)));
  }
  SLUICE_ASSIGN_OR_RETURN(*storage, Decompress(codec, records, max_decompressed));
  return std::string_view(*storage);
}

}  // namespace records_internal

namespace {

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

absl::StatusOr<std::vector<Record>> DecodeRecords(const BatchHeader& header, std::string_view batch,
                                                  size_t max_decompressed) {
  std::vector<Record> records;
  // Reserve for the count only as far as the batch's bytes could back it.
  if (header.record_count > 0 && batch.size() >= kBatchHeaderSize) {
    records.reserve(
        std::min(static_cast<size_t>(header.record_count),
                 (batch.size() - kBatchHeaderSize) / records_internal::kMinRecordSize + 1));
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

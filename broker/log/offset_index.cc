#include "broker/log/offset_index.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/byte_order.h"
#include "common/status.h"

namespace sluice::log {

std::string OffsetIndex::Encode(const std::vector<OffsetIndexEntry>& entries) {
  std::string out;
  out.reserve(entries.size() * kEntrySize);
  for (const OffsetIndexEntry& e : entries) {
    AppendBigEndian<int32_t>(&out, e.relative_offset);
    AppendBigEndian<int32_t>(&out, e.position);
  }
  return out;
}

absl::Status OffsetIndex::Load(int64_t log_size, int32_t max_entries) {
  entries_.clear();
  SLUICE_ASSIGN_OR_RETURN(std::string bytes, file_.ReadAll(max_entries));
  std::vector<OffsetIndexEntry> entries;
  entries.reserve(bytes.size() / kEntrySize);
  for (size_t i = 0; i < bytes.size(); i += kEntrySize) {
    OffsetIndexEntry e{LoadBigEndian<int32_t>(&bytes[i]), LoadBigEndian<int32_t>(&bytes[i + 4])};
    bool ordered = entries.empty() || (e.relative_offset > entries.back().relative_offset &&
                                       e.position > entries.back().position);
    if (e.relative_offset < 0 || e.position < 0 || e.position >= log_size || !ordered) {
      return absl::DataLossError(absl::StrCat(file_.path(), ": entry ", i / kEntrySize, " (",
                                              e.relative_offset, ", ", e.position,
                                              ") is out of order or beyond the log"));
    }
    entries.push_back(e);
  }
  entries_ = std::move(entries);
  return absl::OkStatus();
}

absl::Status OffsetIndex::Reset(std::vector<OffsetIndexEntry> entries) {
  entries_.clear();
  SLUICE_RETURN_IF_ERROR(file_.Replace(Encode(entries)));
  entries_ = std::move(entries);
  return absl::OkStatus();
}

absl::Status OffsetIndex::Append(OffsetIndexEntry entry) {
  int64_t end = static_cast<int64_t>(entries_.size() * kEntrySize);
  SLUICE_RETURN_IF_ERROR(file_.AppendAt(end, Encode({entry})));
  entries_.push_back(entry);
  return absl::OkStatus();
}

std::optional<OffsetIndexEntry> OffsetIndex::Lookup(int64_t relative_offset) const {
  auto it = std::upper_bound(
      entries_.begin(), entries_.end(), relative_offset,
      [](int64_t target, const OffsetIndexEntry& e) { return target < e.relative_offset; });
  if (it == entries_.begin()) return std::nullopt;
  return *std::prev(it);
}

absl::Status OffsetIndex::TruncateToPosition(int64_t position) {
  auto it = std::lower_bound(
      entries_.begin(), entries_.end(), position,
      [](const OffsetIndexEntry& e, int64_t target) { return e.position < target; });
  return TruncateEntries(static_cast<size_t>(it - entries_.begin()));
}

absl::Status OffsetIndex::TruncateEntries(size_t count) {
  if (count >= entries_.size()) return absl::OkStatus();
  SLUICE_RETURN_IF_ERROR(file_.Truncate(static_cast<int64_t>(count * kEntrySize)));
  entries_.resize(count);
  return absl::OkStatus();
}

}  // namespace sluice::log

#include "broker/log/time_index.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/byte_order.h"
#include "common/status.h"

namespace sluice::log {

std::string TimeIndex::Encode(const std::vector<TimeIndexEntry>& entries) {
  std::string out;
  out.reserve(entries.size() * kEntrySize);
  for (const TimeIndexEntry& e : entries) {
    AppendBigEndian<int64_t>(&out, e.timestamp);
    AppendBigEndian<int32_t>(&out, e.relative_offset);
  }
  return out;
}

absl::Status TimeIndex::Load(int64_t relative_end_offset, int32_t max_entries) {
  entries_.clear();
  SLUICE_ASSIGN_OR_RETURN(std::string bytes, file_.ReadAll(max_entries));
  std::vector<TimeIndexEntry> entries;
  entries.reserve(bytes.size() / kEntrySize);
  for (size_t i = 0; i < bytes.size(); i += kEntrySize) {
    TimeIndexEntry e{LoadBigEndian<int64_t>(&bytes[i]), LoadBigEndian<int32_t>(&bytes[i + 8])};
    bool ordered = entries.empty() || (e.timestamp > entries.back().timestamp &&
                                       e.relative_offset > entries.back().relative_offset);
    if (e.relative_offset < 0 || e.relative_offset >= relative_end_offset || !ordered) {
      return absl::DataLossError(absl::StrCat(file_.path(), ": entry ", i / kEntrySize, " (",
                                              e.timestamp, ", ", e.relative_offset,
                                              ") is out of order or beyond the log"));
    }
    entries.push_back(e);
  }
  entries_ = std::move(entries);
  return absl::OkStatus();
}

absl::Status TimeIndex::Reset(std::vector<TimeIndexEntry> entries) {
  entries_.clear();
  SLUICE_RETURN_IF_ERROR(file_.Replace(Encode(entries)));
  entries_ = std::move(entries);
  return absl::OkStatus();
}

absl::Status TimeIndex::Append(TimeIndexEntry entry) {
  int64_t end = static_cast<int64_t>(entries_.size() * kEntrySize);
  SLUICE_RETURN_IF_ERROR(file_.AppendAt(end, Encode({entry})));
  entries_.push_back(entry);
  return absl::OkStatus();
}

std::optional<TimeIndexEntry> TimeIndex::LastBefore(int64_t timestamp) const {
  auto it = std::lower_bound(
      entries_.begin(), entries_.end(), timestamp,
      [](const TimeIndexEntry& e, int64_t target) { return e.timestamp < target; });
  if (it == entries_.begin()) return std::nullopt;
  return *std::prev(it);
}

absl::Status TimeIndex::TruncateToRelativeOffset(int64_t relative_offset) {
  auto it = std::lower_bound(
      entries_.begin(), entries_.end(), relative_offset,
      [](const TimeIndexEntry& e, int64_t target) { return e.relative_offset < target; });
  size_t count = static_cast<size_t>(it - entries_.begin());
  if (count >= entries_.size()) return absl::OkStatus();
  SLUICE_RETURN_IF_ERROR(file_.Truncate(static_cast<int64_t>(count * kEntrySize)));
  entries_.resize(count);
  return absl::OkStatus();
}

}  // namespace sluice::log

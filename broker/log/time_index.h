// File: broker/log/time_index.h
// The sparse time index of one segment (`<base>.timeindex`): 12-byte big-endian entries
// (int64 timestamp, int32 offset relative to the segment base), both strictly increasing.
// An entry (T, r) says: T is the greatest max_timestamp of all batches of the segment up
// to and including the batch whose first offset is base + r. So every batch at or before
// that one has max_timestamp <= T, and a search for the first batch with
// max_timestamp >= ts may start at the batch of the last entry with T < ts.
//
// Entries are written at the same moments as offset-index entries (see index_policy.h),
// only when the running maximum grew since the previous time entry.
//
// File handling, bounds and thread-safety are as for OffsetIndex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "broker/log/index_file.h"

namespace sluice::log {

struct TimeIndexEntry {
  int64_t timestamp = 0;
  int32_t relative_offset = 0;
  bool operator==(const TimeIndexEntry&) const = default;
};

class TimeIndex {
 public:
  static constexpr size_t kEntrySize = 12;

  explicit TimeIndex(File file) : file_(std::move(file), kEntrySize) {}

  // Reads and checks the file: size a multiple of kEntrySize, at most `max_entries`
  // entries, both fields strictly increasing, relative offsets in
  // [0, `relative_end_offset`). On kDataLoss the in-memory copy is left empty.
  absl::Status Load(int64_t relative_end_offset, int32_t max_entries);

  // Replaces the file's content and the in-memory copy.
  // REQUIRES: `entries` strictly increasing in both fields.
  absl::Status Reset(std::vector<TimeIndexEntry> entries);

  // REQUIRES: greater than the last entry in both fields. On a write error the file is
  // cut back to its previous size.
  absl::Status Append(TimeIndexEntry entry);

  // The last entry whose timestamp < `timestamp`, if any.
  std::optional<TimeIndexEntry> LastBefore(int64_t timestamp) const;

  // Drops every entry whose relative_offset >= `relative_offset`.
  absl::Status TruncateToRelativeOffset(int64_t relative_offset);

  const std::vector<TimeIndexEntry>& entries() const { return entries_; }
  const IndexFile& file() const { return file_; }
  // Gives the descriptor back until the next change (see index_file.h).
  absl::Status Close() { return file_.Release(); }

  static std::string Encode(const std::vector<TimeIndexEntry>& entries);

 private:
  IndexFile file_;
  std::vector<TimeIndexEntry> entries_;
};

}  // namespace sluice::log

// File: broker/log/offset_index.h
// The sparse offset index of one segment (`<base>.index`): 8-byte big-endian entries
// (int32 offset relative to the segment base, int32 position in the .log), both strictly
// increasing. Each entry names the FIRST offset of the batch that starts at `position`,
// so a lookup for offset o returns a batch start at or before the batch containing o.
//
// The file is append-only; a copy of all entries lives in memory for lookups (at most
// LogConfig::max_index_entries, so memory per segment is bounded). The index is derived
// data: when it is damaged the owner rebuilds it from the .log with Reset().
//
// Thread-safety: const methods may run concurrently; mutators need exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "broker/log/index_file.h"

namespace sluice::log {

struct OffsetIndexEntry {
  int32_t relative_offset = 0;
  int32_t position = 0;
  bool operator==(const OffsetIndexEntry&) const = default;
};

class OffsetIndex {
 public:
  static constexpr size_t kEntrySize = 8;

  // Takes ownership of the open index file. The in-memory copy starts empty: call Load()
  // or Reset().
  explicit OffsetIndex(File file) : file_(std::move(file), kEntrySize) {}

  // Reads the file and checks it: size a multiple of kEntrySize and at most
  // `max_entries` entries, offsets >= 0, offsets and positions strictly increasing,
  // positions below `log_size`. On kDataLoss the in-memory copy is left empty.
  absl::Status Load(int64_t log_size, int32_t max_entries);

  // Replaces the file's content and the in-memory copy with `entries`.
  // REQUIRES: `entries` strictly increasing in both fields.
  absl::Status Reset(std::vector<OffsetIndexEntry> entries);

  // Appends one entry. REQUIRES: greater than the last entry in both fields.
  // On a write error the file is cut back to its previous size.
  absl::Status Append(OffsetIndexEntry entry);

  // The greatest entry whose relative_offset <= `relative_offset`, if any.
  std::optional<OffsetIndexEntry> Lookup(int64_t relative_offset) const;

  // Drops every entry whose position is >= `position`.
  absl::Status TruncateToPosition(int64_t position);

  const std::vector<OffsetIndexEntry>& entries() const { return entries_; }
  const IndexFile& file() const { return file_; }
  // Gives the descriptor back until the next change (see index_file.h).
  absl::Status Close() { return file_.Release(); }

  static std::string Encode(const std::vector<OffsetIndexEntry>& entries);

 private:
  absl::Status TruncateEntries(size_t count);

  IndexFile file_;
  std::vector<OffsetIndexEntry> entries_;
};

}  // namespace sluice::log

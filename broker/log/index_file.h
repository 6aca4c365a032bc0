// File: broker/log/index_file.h
// The file under one sparse index (offset or time index): fixed-size entries, with the
// in-memory copy kept by the owning index. Holds the file handling both indexes share.
//
// Descriptors: the active segment's indexes keep their files open for appends. A closed
// segment's indexes give their descriptors back (Release) and reopen on the next change
// (a truncation or rebuild), so a closed segment holds one descriptor, its .log. Released
// files are not synced: an index is derived data that the next open checks against the
// checkpoint's checksum or rebuilds from the .log, so only the .log needs syncing for
// durability.
//
// Not synchronized: mutators need the owner's exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "broker/log/file.h"

namespace sluice::log {

class IndexFile {
 public:
  IndexFile(File file, size_t entry_size);

  const std::string& path() const { return path_; }
  bool is_open() const { return file_.is_open(); }

  // The whole file. kDataLoss if its size is not a multiple of the entry size or it holds
  // more than `max_entries` entries (checked before anything is read).
  absl::StatusOr<std::string> ReadAll(int32_t max_entries);
  // Makes `bytes` the file's whole content.
  absl::Status Replace(std::string_view bytes);
  // Writes `bytes` at `end`, the end of the valid entries; on a write error the file is
  // cut back to `end` (best effort: a torn entry fails the next ReadAll's size check).
  absl::Status AppendAt(int64_t end, std::string_view bytes);
  absl::Status Truncate(int64_t size);
  // fdatasync; nothing to do for a released file (see the header comment).
  absl::Status DataSync() const;
  // Closes the descriptor; the next change reopens the file.
  absl::Status Release() { return file_.Close(); }

 private:
  absl::Status Reopen();

  std::string path_;
  File file_;
  size_t entry_size_;
};

}  // namespace sluice::log

// File: broker/log/file.h
// Thin POSIX file and directory helpers for the log: every call returns a Status
// carrying the path and errno text, and none of them throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sluice::log {

// Maps an errno value to a Status: ENOSPC, EDQUOT and EFBIG become kResourceExhausted,
// everything else kInternal. The message is "<what>: <strerror>".
absl::Status ErrnoStatus(int err, std::string_view what);

// An owned file descriptor. Movable, not copyable; closes the descriptor on destruction.
// Thread-safety: PRead and DataSync may run concurrently with each other and with
// PWrite; Truncate and Close need exclusive access (the caller's lock).
class File {
 public:
  File() = default;
  ~File();
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  // Opens `path` read-write, creating it (mode 0644) if absent; with `truncate` it is
  // emptied first.
  static absl::StatusOr<File> OpenReadWrite(const std::string& path, bool truncate = false);
  // Opens an existing file read-only.
  static absl::StatusOr<File> OpenReadOnly(const std::string& path);

  bool is_open() const { return fd_ >= 0; }
  // The raw descriptor (-1 when closed), e.g. for sendfile(2); owned by this File.
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

  absl::StatusOr<int64_t> Size() const;
  // Reads exactly `size` bytes at `pos` into `out`; kDataLoss if the file ends first.
  absl::Status PRead(int64_t pos, size_t size, char* out) const;
  // Writes all of `data` at `pos`. One pwrite(2) unless the kernel writes short (only
  // near a resource limit), then a bounded number of retries. On error some prefix of
  // `data` may have been written; the caller truncates it away.
  absl::Status PWrite(int64_t pos, std::string_view data) const;
  absl::Status Truncate(int64_t size) const;
  absl::Status DataSync() const;
  // Starts the kernel's write-out of the dirty pages in [pos, pos + length) and returns
  // without waiting for it (sync_file_range(2) WRITE): a hint, not durability.
  absl::Status StartWriteOut(int64_t pos, int64_t length) const;
  // Returns a duplicate descriptor wrapped in a new File (same open file description),
  // so that a slow fdatasync can run outside the caller's lock.
  absl::StatusOr<File> Duplicate() const;
  absl::Status Close();

 private:
  File(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  int fd_ = -1;
  std::string path_;
};

// Creates `path` and its missing parents.
absl::Status MakeDirs(const std::string& path);
// Makes the directory's entries (creations, renames, unlinks) durable.
absl::Status SyncDir(const std::string& path);
// Names (not paths) of the entries of `path`, sorted; excludes "." and "..".
absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path);
bool IsDirectory(const std::string& path);
bool PathExists(const std::string& path);
// Removes a file; a missing file is not an error.
absl::Status RemoveFile(const std::string& path);
// Removes a directory tree; a missing path is not an error.
absl::Status RemoveAll(const std::string& path);
absl::Status Rename(const std::string& from, const std::string& to);
// Writes `data` to `path` atomically: `path`.tmp, fdatasync, rename, sync of the directory.
absl::Status WriteFileAtomically(const std::string& dir, const std::string& name,
                                 std::string_view data);
// Reads a whole file of at most `max_size` bytes (kDataLoss if larger).
absl::StatusOr<std::string> ReadSmallFile(const std::string& path, int64_t max_size);

}  // namespace sluice::log

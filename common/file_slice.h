// File: common/file_slice.h
// A byte range of an open file that travels with whoever must send it, so that the bytes
// can go from the page cache to a socket with sendfile(2) instead of through user space.
//
// Lifetime: `owner` keeps the descriptor `fd` open for as long as any copy of the slice
// lives (the log hands out its segment's shared File; closing or unlinking the segment
// then leaves the descriptor to the last holder). The slice says nothing about the file's
// contents staying put: a file truncated under a slice reads short, which the sender must
// detect (see broker/server/connection.h).
//
// Thread-safety: a slice is an immutable value; copies may be used from any thread.
#pragma once

#include <cstdint>
#include <memory>

namespace sluice {

struct FileSlice {
  std::shared_ptr<const void> owner;  // keeps `fd` open
  int fd = -1;
  int64_t offset = 0;  // in the file
  int64_t length = 0;

  // Same range of the same descriptor (the owner is not compared).
  bool operator==(const FileSlice& o) const {
    return fd == o.fd && offset == o.offset && length == o.length;
  }
};

}  // namespace sluice

// File: common/kafka/protocol/records.h
// The value of a zero-copy `records` field (FetchResponse.PartitionData.records; see
// spec.py ZERO_COPY_RECORDS): either owned bytes, as every decoded value is, or a list of
// file slices that the encoder does not copy but records as external pieces of the output
// (Writer::AppendSlice), for the connection to send with sendfile(2).
//
// The content is bytes() followed by the slices, in order; size() counts both, and the
// wire length prefix is size(). Converts implicitly from std::string so that code written
// for `std::string records` (fillers, tests, decoders) keeps working.
//
// Thread-safety: a value type; const methods may run concurrently.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "common/file_slice.h"

namespace sluice::kafka {

class Records {
 public:
  Records() = default;
  Records(std::string bytes) : bytes_(std::move(bytes)) {}  // NOLINT(runtime/explicit)
  static Records FromSlices(std::vector<FileSlice> slices) {
    Records r;
    r.slices_ = std::move(slices);
    return r;
  }

  const std::string& bytes() const { return bytes_; }
  const std::vector<FileSlice>& slices() const { return slices_; }
  // Total content length: the owned bytes plus every slice.
  size_t size() const {
    size_t n = bytes_.size();
    for (const FileSlice& s : slices_) n += static_cast<size_t>(s.length);
    return n;
  }
  bool empty() const { return size() == 0; }

  bool operator==(const Records&) const = default;

 private:
  std::string bytes_;
  std::vector<FileSlice> slices_;
};

}  // namespace sluice::kafka

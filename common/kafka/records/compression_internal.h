// File: common/kafka/records/compression_internal.h
// Internal to sluice::records: one compressor/decompressor pair per codec, dispatched
// by compression.cc, and the bounded output buffer they share. Contracts are those of
// Compress/Decompress in compression.h.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sluice::kafka::internal {

absl::StatusOr<std::string> GzipCompress(std::string_view raw);
absl::StatusOr<std::string> GzipDecompress(std::string_view in, size_t max_output);
absl::StatusOr<std::string> SnappyCompress(std::string_view raw);
absl::StatusOr<std::string> SnappyDecompress(std::string_view in, size_t max_output);
absl::StatusOr<std::string> Lz4Compress(std::string_view raw);
absl::StatusOr<std::string> Lz4Decompress(std::string_view in, size_t max_output);
absl::StatusOr<std::string> ZstdCompress(std::string_view raw);
absl::StatusOr<std::string> ZstdDecompress(std::string_view in, size_t max_output);

// kResourceExhausted naming the codec and the bound.
absl::Status OutputTooLarge(const char* codec, size_t max_output);

// A string that streaming decoders write into, growing geometrically up to a hard
// limit of max_output + 1 bytes (one past the bound, so that a decoder that fills it
// proves the output is too large). Not thread-safe.
class BoundedOutput {
 public:
  explicit BoundedOutput(size_t max_output) : max_output_(max_output) {}

  // Makes room for more output and returns the free space [data, data + size), or
  // size 0 if the buffer already holds max_output + 1 bytes.
  // REQUIRES: the previous free space was committed with Commit().
  char* Reserve(size_t* size);
  // Marks `n` bytes of the space last returned by Reserve() as written.
  void Commit(size_t n) { used_ += n; }

  size_t used() const { return used_; }
  bool exceeded() const { return used_ > max_output_; }
  // Moves the written bytes out.
  std::string Release() &&;

 private:
  size_t max_output_;
  size_t used_ = 0;
  std::string buffer_;
};

}  // namespace sluice::kafka::internal

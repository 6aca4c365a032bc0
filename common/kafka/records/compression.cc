#include "common/kafka/records/compression.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/kafka/records/compression_internal.h"

namespace sluice::kafka {
namespace internal {

absl::Status OutputTooLarge(const char* codec, size_t max_output) {
  return absl::ResourceExhaustedError(
      absl::StrCat(codec, " data decompresses to more than ", max_output, " bytes"));
}

char* BoundedOutput::Reserve(size_t* size) {
  constexpr size_t kFirstStep = 64 << 10;
  const size_t hard_limit =
      max_output_ == std::numeric_limits<size_t>::max() ? max_output_ : max_output_ + 1;
  if (used_ == buffer_.size()) {
    if (buffer_.size() >= hard_limit) {
      *size = 0;
      return nullptr;
    }
    size_t grown = std::max(kFirstStep, buffer_.size() * 2);
    buffer_.resize(std::min(grown, hard_limit));
  }
  *size = buffer_.size() - used_;
  return buffer_.data() + used_;
}

std::string BoundedOutput::Release() && {
  buffer_.resize(used_);
  return std::move(buffer_);
}

}  // namespace internal

bool IsKnownCompression(int codec) { return codec >= 0 && codec <= 4; }

std::string_view CompressionName(Compression codec) {
  switch (codec) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kSnappy:
      return "snappy";
    case Compression::kLz4:
      return "lz4";
    case Compression::kZstd:
      return "zstd";
  }
  return "unknown";
}

absl::StatusOr<std::string> Compress(Compression codec, std::string_view raw) {
  switch (codec) {
    case Compression::kNone:
      return std::string(raw);
    case Compression::kGzip:
      return internal::GzipCompress(raw);
    case Compression::kSnappy:
      return internal::SnappyCompress(raw);
    case Compression::kLz4:
      return internal::Lz4Compress(raw);
    case Compression::kZstd:
      return internal::ZstdCompress(raw);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown compression codec ", static_cast<int>(codec)));
}

absl::StatusOr<std::string> Decompress(Compression codec, std::string_view compressed,
                                       size_t max_output) {
  switch (codec) {
    case Compression::kNone:
      if (compressed.size() > max_output)
        return internal::OutputTooLarge("uncompressed", max_output);
      return std::string(compressed);
    case Compression::kGzip:
      return internal::GzipDecompress(compressed, max_output);
    case Compression::kSnappy:
      return internal::SnappyDecompress(compressed, max_output);
    case Compression::kLz4:
      return internal::Lz4Decompress(compressed, max_output);
    case Compression::kZstd:
      return internal::ZstdDecompress(compressed, max_output);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown compression codec ", static_cast<int>(codec)));
}

}  // namespace sluice::kafka

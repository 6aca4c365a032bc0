// snappy: raw blocks out; raw blocks or the xerial (snappy-java) stream in. Every
// block's declared uncompressed length is checked against the remaining output budget
// before anything is allocated for it.
#include <snappy.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/byte_order.h"
#include "common/kafka/records/compression_internal.h"

namespace sluice::kafka::internal {
namespace {

constexpr char kXerialMagic[8] = {'\x82', 'S', 'N', 'A', 'P', 'P', 'Y', '\0'};
constexpr size_t kXerialHeaderSize = sizeof(kXerialMagic) + 4 + 4;  // + version + compat

bool HasXerialMagic(std::string_view in) {
  return in.size() >= sizeof(kXerialMagic) &&
         std::memcmp(in.data(), kXerialMagic, sizeof(kXerialMagic)) == 0;
}

// Appends the decompression of one raw block to *out, keeping out->size() within
// max_output.
absl::Status AppendRawBlock(std::string_view block, size_t max_output, std::string* out) {
  size_t length = 0;
  if (!snappy::GetUncompressedLength(block.data(), block.size(), &length)) {
    return absl::InvalidArgumentError("corrupt snappy block: bad length preamble");
  }
  if (length > max_output - out->size()) return OutputTooLarge("snappy", max_output);
  const size_t start = out->size();
  out->resize(start + length);
  if (!snappy::RawUncompress(block.data(), block.size(), out->data() + start)) {
    return absl::InvalidArgumentError("corrupt snappy block");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> SnappyCompress(std::string_view raw) {
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

absl::StatusOr<std::string> SnappyDecompress(std::string_view in, size_t max_output) {
  std::string out;
  if (!HasXerialMagic(in)) {
    if (absl::Status s = AppendRawBlock(in, max_output, &out); !s.ok()) return s;
    return out;
  }
  if (in.size() < kXerialHeaderSize) {
    return absl::InvalidArgumentError("truncated xerial snappy header");
  }
  // The version and minimum compatible version are not checked: snappy-java has only
  // ever written 1 and 1, and the chunk format has not changed.
  in.remove_prefix(kXerialHeaderSize);
  // Each chunk consumes at least 4 bytes, so the loop runs at most in.size() / 4 times.
  while (!in.empty()) {
    if (in.size() < 4) return absl::InvalidArgumentError("truncated xerial snappy chunk length");
    const auto length = LoadBigEndian<int32_t>(in.data());
    in.remove_prefix(4);
    if (length < 0 || static_cast<size_t>(length) > in.size()) {
      return absl::InvalidArgumentError(absl::StrCat("xerial snappy chunk length ", length,
                                                     " exceeds the ", in.size(), " bytes left"));
    }
    if (absl::Status s = AppendRawBlock(in.substr(0, length), max_output, &out); !s.ok()) {
      return s;
    }
    in.remove_prefix(length);
  }
  return out;
}

}  // namespace sluice::kafka::internal

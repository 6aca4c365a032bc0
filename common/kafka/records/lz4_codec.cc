// lz4: the LZ4 frame format (lz4frame.h). The compressor writes what the Java client
// writes and reads: 64 KiB independent blocks, no content size, no checksums beyond
// the header checksum.
#include <lz4frame.h>

#include "absl/strings/str_cat.h"
#include "common/kafka/records/compression_internal.h"

namespace sluice::kafka::internal {
namespace {

// Owns an LZ4F decompression context.
class DecompressionContext {
 public:
  DecompressionContext() {
    if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx_, LZ4F_VERSION))) ctx_ = nullptr;
  }
  ~DecompressionContext() {
    if (ctx_ != nullptr) LZ4F_freeDecompressionContext(ctx_);
  }
  DecompressionContext(const DecompressionContext&) = delete;
  DecompressionContext& operator=(const DecompressionContext&) = delete;
  LZ4F_dctx* get() const { return ctx_; }

 private:
  LZ4F_dctx* ctx_ = nullptr;
};

}  // namespace

absl::StatusOr<std::string> Lz4Compress(std::string_view raw) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
  prefs.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum;
  std::string out;
  out.resize(LZ4F_compressFrameBound(raw.size(), &prefs));
  const size_t n = LZ4F_compressFrame(out.data(), out.size(), raw.data(), raw.size(), &prefs);
  if (LZ4F_isError(n)) {
    return absl::InternalError(absl::StrCat("lz4 compression failed: ", LZ4F_getErrorName(n)));
  }
  out.resize(n);
  return out;
}

absl::StatusOr<std::string> Lz4Decompress(std::string_view in, size_t max_output) {
  if (in.empty()) return absl::InvalidArgumentError("lz4 data is empty");
  DecompressionContext ctx;
  if (ctx.get() == nullptr) return absl::InternalError("lz4 context creation failed");
  BoundedOutput out(max_output);
  size_t hint = 1;  // LZ4F_decompress returns 0 exactly when a frame has just ended
  // Every iteration consumes input or produces output, or ends the loop.
  while (!in.empty()) {
    size_t room;
    char* dst = out.Reserve(&room);
    if (room == 0) return OutputTooLarge("lz4", max_output);
    size_t consumed = in.size();
    size_t produced = room;
    hint = LZ4F_decompress(ctx.get(), dst, &produced, in.data(), &consumed, nullptr);
    if (LZ4F_isError(hint)) {
      return absl::InvalidArgumentError(
          absl::StrCat("corrupt lz4 data: ", LZ4F_getErrorName(hint)));
    }
    out.Commit(produced);
    in.remove_prefix(consumed);
    if (consumed == 0 && produced == 0) {
      return absl::InternalError("lz4 decoder made no progress");  // not expected
    }
  }
  // The context may still hold decoded bytes that did not fit; drain them (bounded by
  // the output limit) so that a frame ending exactly at the input's end is complete.
  while (hint != 0) {
    size_t room;
    char* dst = out.Reserve(&room);
    if (room == 0) return OutputTooLarge("lz4", max_output);
    static constexpr char kNoInput = 0;  // a valid pointer for an empty source
    size_t consumed = 0;
    size_t produced = room;
    hint = LZ4F_decompress(ctx.get(), dst, &produced, &kNoInput, &consumed, nullptr);
    if (LZ4F_isError(hint)) {
      return absl::InvalidArgumentError(
          absl::StrCat("corrupt lz4 data: ", LZ4F_getErrorName(hint)));
    }
    out.Commit(produced);
    if (produced == 0 && hint != 0) return absl::InvalidArgumentError("truncated lz4 frame");
  }
  if (out.exceeded()) return OutputTooLarge("lz4", max_output);
  return std::move(out).Release();
}

}  // namespace sluice::kafka::internal

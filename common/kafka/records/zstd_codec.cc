// zstd: one-shot compression (the frame records its content size); streaming
// decompression, since clients may send frames without a content size.
#include <zstd.h>

#include "absl/strings/str_cat.h"
#include "common/kafka/records/compression_internal.h"

namespace sluice::kafka::internal {
namespace {

// Owns a zstd decompression stream.
class DecompressionStream {
 public:
  DecompressionStream() : ctx_(ZSTD_createDCtx()) {}
  ~DecompressionStream() { ZSTD_freeDCtx(ctx_); }
  DecompressionStream(const DecompressionStream&) = delete;
  DecompressionStream& operator=(const DecompressionStream&) = delete;
  ZSTD_DCtx* get() const { return ctx_; }

 private:
  ZSTD_DCtx* ctx_;
};

}  // namespace

absl::StatusOr<std::string> ZstdCompress(std::string_view raw) {
  std::string out;
  out.resize(ZSTD_compressBound(raw.size()));
  const size_t n =
      ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), ZSTD_CLEVEL_DEFAULT);
  if (ZSTD_isError(n)) {
    return absl::InternalError(absl::StrCat("zstd compression failed: ", ZSTD_getErrorName(n)));
  }
  out.resize(n);
  return out;
}

absl::StatusOr<std::string> ZstdDecompress(std::string_view in, size_t max_output) {
  if (in.empty()) return absl::InvalidArgumentError("zstd data is empty");
  DecompressionStream stream;
  if (stream.get() == nullptr) return absl::InternalError("zstd context creation failed");
  BoundedOutput out(max_output);
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  size_t hint = 1;  // ZSTD_decompressStream returns 0 exactly when a frame has just ended
  // Every iteration consumes input or produces output, or ends the loop. After the last
  // input byte, iterations continue while zstd still flushes buffered output.
  while (true) {
    size_t room;
    char* dst = out.Reserve(&room);
    if (room == 0) return OutputTooLarge("zstd", max_output);
    ZSTD_outBuffer sink{dst, room, 0};
    const size_t pos_before = src.pos;
    hint = ZSTD_decompressStream(stream.get(), &sink, &src);
    if (ZSTD_isError(hint)) {
      return absl::InvalidArgumentError(
          absl::StrCat("corrupt zstd data: ", ZSTD_getErrorName(hint)));
    }
    out.Commit(sink.pos);
    const bool input_done = src.pos == src.size;
    if (input_done && hint == 0) break;  // the last frame is complete and flushed
    // zstd fills the whole output buffer when it has more to flush; a partial buffer
    // with all input read means the frame needs bytes that are not there.
    if (input_done && sink.pos < sink.size) {
      return absl::InvalidArgumentError("truncated zstd frame");
    }
    if (sink.pos == 0 && src.pos == pos_before) {
      return absl::InternalError("zstd decoder made no progress");  // not expected
    }
  }
  if (out.exceeded()) return OutputTooLarge("zstd", max_output);
  return std::move(out).Release();
}

}  // namespace sluice::kafka::internal

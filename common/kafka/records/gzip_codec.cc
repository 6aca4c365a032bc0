// gzip via zlib. windowBits 15 + 16 selects the gzip wrapper (RFC 1952) in both
// directions; a member's CRC-32 and length trailer are checked by inflate().
#include <zlib.h>

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/kafka/records/compression_internal.h"

namespace sluice::kafka::internal {
namespace {

constexpr int kGzipWindowBits = 15 + 16;
constexpr size_t kMaxZlibChunk = std::numeric_limits<uInt>::max();

// Feeds the next slice of `rest` (at most kMaxZlibChunk bytes) to the stream.
void FeedInput(z_stream* z, std::string_view* rest) {
  if (z->avail_in != 0 || rest->empty()) return;
  const size_t n = std::min(rest->size(), kMaxZlibChunk);
  z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(rest->data()));
  z->avail_in = static_cast<uInt>(n);
  rest->remove_prefix(n);
}

}  // namespace

absl::StatusOr<std::string> GzipCompress(std::string_view raw) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return absl::InternalError("zlib deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&z, static_cast<uLong>(raw.size())));
  std::string_view rest = raw;
  size_t written = 0;
  int rc = Z_OK;
  // deflateBound() makes the first pass enough; the loop covers inputs over 4 GiB.
  while (rc != Z_STREAM_END) {
    FeedInput(&z, &rest);
    if (written == out.size()) out.resize(out.size() * 2 + 64);
    const size_t room = std::min(out.size() - written, kMaxZlibChunk);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + written);
    z.avail_out = static_cast<uInt>(room);
    rc = deflate(&z, rest.empty() ? Z_FINISH : Z_NO_FLUSH);
    written += room - z.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      deflateEnd(&z);
      return absl::InternalError(absl::StrCat("zlib deflate failed: ", rc));
    }
  }
  deflateEnd(&z);
  out.resize(written);
  return out;
}

absl::StatusOr<std::string> GzipDecompress(std::string_view in, size_t max_output) {
  if (in.empty()) return absl::InvalidArgumentError("gzip data is empty");
  z_stream z{};
  if (inflateInit2(&z, kGzipWindowBits) != Z_OK) {
    return absl::InternalError("zlib inflateInit2 failed");
  }
  BoundedOutput out(max_output);
  std::string_view rest = in;
  absl::Status status;
  // Every iteration that does not end the loop consumes input or produces output, and
  // both are bounded, so the loop terminates.
  while (true) {
    FeedInput(&z, &rest);
    size_t room;
    char* dst = out.Reserve(&room);
    if (room == 0) {
      status = OutputTooLarge("gzip", max_output);
      break;
    }
    room = std::min(room, kMaxZlibChunk);
    z.next_out = reinterpret_cast<Bytef*>(dst);
    z.avail_out = static_cast<uInt>(room);
    const uInt avail_in_before = z.avail_in;
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.Commit(room - z.avail_out);
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0 && rest.empty()) break;  // clean end of the last member
      if (inflateReset(&z) != Z_OK) {              // another member follows
        status = absl::InternalError("zlib inflateReset failed");
        break;
      }
      continue;
    }
    if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR) {
      status = absl::InvalidArgumentError(
          absl::StrCat("corrupt gzip data: ", z.msg != nullptr ? z.msg : "bad stream"));
      break;
    }
    if (rc == Z_MEM_ERROR) {
      status = absl::InternalError("zlib inflate out of memory");
      break;
    }
    const bool progressed = z.avail_in != avail_in_before || z.avail_out != room;
    if (!progressed) {
      // With output room available, inflate() stalls only when the input has run out.
      status = absl::InvalidArgumentError("truncated gzip data");
      break;
    }
  }
  inflateEnd(&z);
  if (!status.ok()) return status;
  if (out.exceeded()) return OutputTooLarge("gzip", max_output);
  return std::move(out).Release();
}

}  // namespace sluice::kafka::internal

#include "broker/log/checkpoint.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/byte_order.h"
#include "common/kafka/records/crc32c.h"
#include "common/status.h"

namespace sluice::log {
namespace {

constexpr char kMagic[] = "SLCS";
constexpr size_t kMagicSize = 4;
constexpr uint16_t kVersion = 2;
constexpr size_t kSegmentRecordSize = 8 * 8 + 2 * 4;

absl::Status Malformed(const char* what) {
  return absl::DataLossError(absl::StrCat("clean-shutdown checkpoint: ", what));
}

}  // namespace

absl::StatusOr<int64_t> FileMtimeNs(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return absl::InternalError(absl::StrCat("stat ", path, ": ", std::strerror(errno)));
  }
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

std::string EncodeCheckpoint(const LogCheckpoint& checkpoint) {
  std::string out(kMagic, kMagicSize);
  AppendBigEndian<uint16_t>(&out, kVersion);
  AppendBigEndian<int64_t>(&out, checkpoint.high_watermark);
  AppendBigEndian<uint32_t>(&out, static_cast<uint32_t>(checkpoint.segments.size()));
  for (const SegmentCheckpoint& s : checkpoint.segments) {
    AppendBigEndian<int64_t>(&out, s.base_offset);
    AppendBigEndian<int64_t>(&out, s.state.size);
    AppendBigEndian<int64_t>(&out, s.state.next_offset);
    AppendBigEndian<int64_t>(&out, s.state.created_ms);
    AppendBigEndian<int64_t>(&out, s.state.cursor.bytes_since_entry);
    AppendBigEndian<int64_t>(&out, s.state.cursor.max_timestamp);
    AppendBigEndian<int64_t>(&out, s.state.cursor.last_time_entry);
    AppendBigEndian<int64_t>(&out, s.log_mtime_ns);
    AppendBigEndian<uint32_t>(&out, s.offset_index_crc);
    AppendBigEndian<uint32_t>(&out, s.time_index_crc);
  }
  checkpoint.producers.EncodeTo(&out);
  AppendBigEndian<uint32_t>(&out, kafka::Crc32c(out));
  return out;
}

absl::StatusOr<LogCheckpoint> DecodeCheckpoint(std::string_view bytes) {
  if (bytes.size() < kMagicSize + sizeof(uint32_t) ||
      bytes.substr(0, kMagicSize) != std::string_view(kMagic, kMagicSize)) {
    return Malformed("bad magic");
  }
  std::string_view body = bytes.substr(0, bytes.size() - sizeof(uint32_t));
  uint32_t stored_crc = LoadBigEndian<uint32_t>(bytes.data() + body.size());
  if (kafka::Crc32c(body) != stored_crc) return Malformed("CRC mismatch");

  ByteReader in(body.data() + kMagicSize, body.size() - kMagicSize);
  uint16_t version = 0;
  uint32_t count = 0;
  LogCheckpoint checkpoint;
  if (!in.Read(&version) || version != kVersion) return Malformed("unsupported version");
  if (!in.Read(&checkpoint.high_watermark) || !in.Read(&count)) return Malformed("truncated");
  if (count > in.remaining() / kSegmentRecordSize) return Malformed("segment count too large");
  for (uint32_t i = 0; i < count; ++i) {
    SegmentCheckpoint s;
    bool ok = in.Read(&s.base_offset) && in.Read(&s.state.size) && in.Read(&s.state.next_offset) &&
              in.Read(&s.state.created_ms) && in.Read(&s.state.cursor.bytes_since_entry) &&
              in.Read(&s.state.cursor.max_timestamp) && in.Read(&s.state.cursor.last_time_entry) && in.Read(&s.log_mtime_ns) &&
              in.Read(&s.offset_index_crc) && in.Read(&s.time_index_crc);
    if (!ok) return Malformed("truncated segment");
    checkpoint.segments.push_back(s);
  }
  size_t consumed = 0;
  std::string_view rest = body.substr(kMagicSize + in.position());
  SLUICE_ASSIGN_OR_RETURN(checkpoint.producers, ProducerStateTable::Decode(rest, &consumed));
  if (consumed != rest.size()) return Malformed("trailing bytes");
  return checkpoint;
}

}  // namespace sluice::log

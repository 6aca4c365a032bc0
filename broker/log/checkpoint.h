// File: broker/log/checkpoint.h
// The clean-shutdown checkpoint of a partition directory (file `.clean-shutdown`),
// written by PartitionLog::Close after everything is synced and removed by the next
// Open before any append. It records what a crash recovery would otherwise recompute by
// scanning every batch: each segment's state and index checksums, the high watermark and
// the producer state. Open trusts it only if it parses, its CRC32C matches and its
// segment list, .log sizes and .log modification times equal the files on disk;
// otherwise Open runs full recovery. The modification time catches a .log rewritten in
// place after the clean shutdown (same size, different bytes), which sizes alone miss.
//
// Format (big-endian): "SLCS", version u16 (=2), high_watermark i64, segment count u32,
// per segment: base i64, size i64, next_offset i64, created_ms i64, bytes_since_entry i64,
// max_timestamp i64, last_time_entry i64, .log mtime in ns i64, offset-index CRC u32,
// time-index CRC u32;
// then the producer state (ProducerStateTable::EncodeTo), then CRC32C u32 of all of
// the above.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "broker/log/producer_state.h"
#include "broker/log/segment.h"

namespace sluice::log {

inline constexpr char kCleanShutdownFile[] = ".clean-shutdown";

struct SegmentCheckpoint {
  int64_t base_offset = 0;
  SegmentState state;
  uint32_t offset_index_crc = 0;
  uint32_t time_index_crc = 0;
  int64_t log_mtime_ns = 0;  // modification time of the .log when the checkpoint was taken
  bool operator==(const SegmentCheckpoint&) const = default;
};

struct LogCheckpoint {
  int64_t high_watermark = 0;
  std::vector<SegmentCheckpoint> segments;
  ProducerStateTable producers;
  bool operator==(const LogCheckpoint&) const = default;
};

// The modification time of the file at `path` in nanoseconds since the epoch.
absl::StatusOr<int64_t> FileMtimeNs(const std::string& path);

std::string EncodeCheckpoint(const LogCheckpoint& checkpoint);
// kDataLoss if `bytes` is not exactly one well-formed checkpoint with a matching CRC.
absl::StatusOr<LogCheckpoint> DecodeCheckpoint(std::string_view bytes);

}  // namespace sluice::log

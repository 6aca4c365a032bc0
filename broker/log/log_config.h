// File: broker/log/log_config.h
// Tunables of the partition log and the injectable clock.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/status.h"

namespace sluice::log {

class WriteBehind;

// Milliseconds since the Unix epoch. Injected so that tests can control segment age.
// Must be callable from any thread.
using Clock = std::function<int64_t()>;

// The wall clock (CLOCK_REALTIME) in milliseconds.
int64_t SystemClockMs();

struct LogConfig {
  // A segment rolls before an append that would make its .log exceed this many bytes
  // (an empty segment always takes the batch). Kafka: segment.bytes. At most INT32_MAX,
  // because index entries store 32-bit file positions.
  int64_t segment_bytes = int64_t{1} << 30;
  // A non-empty segment older than this rolls before the next append. Kafka: segment.ms.
  int64_t segment_ms = int64_t{7} * 24 * 60 * 60 * 1000;
  // An index entry is added once more than this many bytes were appended since the
  // previous entry. Kafka: index.interval.bytes.
  int32_t index_interval_bytes = 4096;
  // A segment whose offset index holds this many entries rolls before the next append.
  // Kafka derives it from segment.index.bytes (10 MiB / 8 bytes per entry).
  int32_t max_index_entries = 10 * 1024 * 1024 / 8;
  // True on a single node: every append moves the high watermark to the log end offset.
  // Replication sets it to false and calls PartitionLog::SetHighWatermark instead.
  bool auto_advance_high_watermark = true;
  // Where full pages of the active segment go for early write-out (write_behind.h), once
  // this many bytes have been appended since the last write-out; null leaves it all to
  // the kernel. A rolled segment's remaining bytes go at once.
  std::shared_ptr<WriteBehind> write_behind;
  int64_t write_behind_bytes = int64_t{1} << 20;
  // Every append is fdatasync'd before it is acknowledged (the topic's flush.messages is 1):
  // no write-behind, which would only compete with those syncs for the same pages.
  bool synced_per_append = false;
};

// kInvalidArgument naming the first field out of range.
absl::Status ValidateLogConfig(const LogConfig& config);

}  // namespace sluice::log

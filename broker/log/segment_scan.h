// File: broker/log/segment_scan.h
// Walks the batches of a segment's .log from position 0 and reports how much of it is a
// valid, contiguous prefix. Used by recovery (the .log is untrusted input) and to
// recompute a segment's state after truncation.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "broker/log/file.h"
#include "broker/log/index_policy.h"
#include "common/kafka/records/batch_header.h"

namespace sluice::log {

struct ScanOptions {
  // Also check every batch's CRC32C (reads the whole file, not only the headers).
  bool verify_crc = false;
  int32_t index_interval_bytes = 4096;
  // Accept a batch whose base offset lies above the previous batch's end (the first one:
  // above the segment's base offset): the gaps log compaction leaves where it removed
  // whole batches. Recovery turns this off for the active segment, whose batches are
  // always contiguous, so that a damaged base offset there is caught.
  bool allow_gaps = true;
};

struct SegmentScan {
  int64_t valid_size = 0;            // Bytes of whole valid batches from position 0.
  int64_t next_offset = 0;           // One past the last valid batch's last offset.
  int64_t first_max_timestamp = -1;  // max_timestamp of the first batch, -1 if none.
  int64_t batch_count = 0;
  IndexCursor cursor;                            // Index cursor after the last valid batch.
  std::vector<OffsetIndexEntry> offset_entries;  // The indexes the valid prefix should have.
  std::vector<TimeIndexEntry> time_entries;
  // Why the scan stopped before `size`; empty when the whole range is valid.
  std::string problem;
};

// Scans [0, size) of `log`, a segment with base offset `base_offset`. A batch is valid if
// its header parses (magic 2), it lies wholly inside the range, its base offset follows
// the previous batch (the first one equals `base_offset`; with allow_gaps, either may
// lie above), its lastOffsetDelta is >= 0,
// its offsets and position fit the 32-bit index fields and, with verify_crc, its CRC
// matches. The scan stops at the first invalid batch. `on_batch` (may be empty) is called
// for every valid batch in order with its position.
// Errors: only I/O failures; invalid data (and a file shorter than `size`) is reported
// in SegmentScan::problem.
absl::StatusOr<SegmentScan> ScanSegment(
    const File& log, int64_t base_offset, int64_t size, const ScanOptions& options,
    const std::function<void(const kafka::BatchHeader&, int64_t position)>& on_batch);

}  // namespace sluice::log

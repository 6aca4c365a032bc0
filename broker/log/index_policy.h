// File: broker/log/index_policy.h
// When a segment's indexes get an entry. Append and recovery both use PlanIndexStep, so
// an index rebuilt from the .log is byte-for-byte the one written live (recovery compares
// the two and rewrites the file only when they differ).
//
// The rule (Kafka's LogSegment.append): before a batch is counted, if more than
// `index_interval_bytes` were appended since the previous entry, the batch gets an
// offset-index entry, and a time-index entry too if the segment's running maximum
// timestamp (this batch included) grew since the previous time entry. The first batch
// of a segment never gets an entry (a lookup without an entry starts at position 0).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

#include "broker/log/offset_index.h"
#include "broker/log/time_index.h"

namespace sluice::log {

// The per-segment state the rule needs. A value type, copied freely.
struct IndexCursor {
  int64_t bytes_since_entry = 0;
  // Greatest batch max_timestamp in the segment, or -1 when no batch has a timestamp.
  int64_t max_timestamp = -1;
  // Timestamp of the last time-index entry.
  int64_t last_time_entry = std::numeric_limits<int64_t>::min();
  bool operator==(const IndexCursor&) const = default;
};

struct IndexStep {
  std::optional<OffsetIndexEntry> offset_entry;
  std::optional<TimeIndexEntry> time_entry;
  IndexCursor next;  // The cursor once the batch is written.
};

// Plans the entries for a batch of `batch_size` bytes starting at `position`, whose first
// offset is `relative_offset` past the segment base and whose max timestamp is
// `batch_max_timestamp`. REQUIRES: position and relative_offset fit in int32.
inline IndexStep PlanIndexStep(const IndexCursor& cursor, int32_t index_interval_bytes,
                               int64_t position, int64_t relative_offset, int64_t batch_size,
                               int64_t batch_max_timestamp) {
  IndexStep step;
  step.next = cursor;
  if (batch_max_timestamp > step.next.max_timestamp) step.next.max_timestamp = batch_max_timestamp;
  if (cursor.bytes_since_entry > index_interval_bytes) {
    step.offset_entry =
        OffsetIndexEntry{static_cast<int32_t>(relative_offset), static_cast<int32_t>(position)};
    if (step.next.max_timestamp >= 0 && step.next.max_timestamp > cursor.last_time_entry) {
      step.time_entry =
          TimeIndexEntry{step.next.max_timestamp, static_cast<int32_t>(relative_offset)};
      step.next.last_time_entry = step.next.max_timestamp;
    }
    step.next.bytes_since_entry = 0;
  }
  step.next.bytes_since_entry += batch_size;
  return step;
}

}  // namespace sluice::log

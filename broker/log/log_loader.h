// File: broker/log/log_loader.h
// Opening a partition directory: takes stock of its files, then either trusts the
// clean-shutdown checkpoint (checkpoint.h) or recovers by scanning the segments.
//
// Before anything else, a compaction a crash interrupted is completed or rolled back
// (compactor.h, FinishInterruptedCompaction).
//
// Crash recovery, in order:
//  - stray files: `*.tmp` and index files without their .log are removed; other unknown
//    names are left alone with a warning;
//  - every segment's batch headers are read, jumping batch to batch, to rebuild the
//    producer state, the segment's state and the index entries it should have; index
//    files that differ are rewritten;
//  - older segments may have offset gaps between batches (left by compaction), but each
//    must end where the next begins;
//  - the last (active) segment is validated completely (header, length within the file,
//    CRC32C, offsets contiguous from the segment's base offset) and its .log is cut at
//    the first invalid or torn batch, with a warning saying what was cut;
//  - an older segment with a damaged header, or one whose base offset does not follow its
//    predecessor, makes that segment the last one: later segments are removed (with an
//    error log) and recovery restarts, so the log is always a contiguous prefix.
// A directory without segments gets an empty segment at offset 0.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "broker/log/log_config.h"
#include "broker/log/producer_state.h"
#include "broker/log/segment.h"

namespace sluice::log {

struct LoadedLog {
  // At least one; ascending and contiguous (each base is its predecessor's next offset).
  std::vector<std::unique_ptr<Segment>> segments;
  ProducerStateTable producers;
  int64_t high_watermark = -1;  // From the checkpoint; -1 after crash recovery.
  bool clean = false;           // True if the checkpoint was used.
};

// Creates `dir` if absent, loads it and removes the clean-shutdown checkpoint (durably)
// so that a crash after this call always leads to full recovery.
// Errors: I/O failures only; damaged content is repaired as described above.
absl::StatusOr<LoadedLog> LoadLog(const std::string& dir, const LogConfig& config, int64_t now_ms);

// Feeds every batch header of `segments`, in order, to a fresh producer-state table.
absl::StatusOr<ProducerStateTable> RebuildProducerState(
    const std::vector<std::unique_ptr<Segment>>& segments);

}  // namespace sluice::log

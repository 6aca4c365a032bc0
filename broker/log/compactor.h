// File: broker/log/compactor.h
// Log compaction (Kafka's cleanup.policy=compact) for one partition: the pieces that
// PartitionLog::Compact (partition_log_compact.cc) puts together, and the recovery of a
// compaction that a crash interrupted.
//
// What a pass does. The cleanable range is the closed segments from the log start up to
// the first segment that is active, reaches above the high watermark, or holds a record
// newer than min.compaction.lag.ms. The part of it at or above the "first dirty offset"
// (where the previous pass stopped) is dirty. If dirty bytes / cleanable bytes reaches
// min.cleanable.dirty.ratio:
//  1. the dirty segments' records are read into a map key -> highest offset (as many
//     segments as fit max_map_bytes; the cleaned range ends after the last one mapped);
//  2. the cleanable segments are rewritten in groups of consecutive segments whose total
//     size stays within segment.bytes, each group into one new segment named by the
//     group's first base offset. A record is kept if no later record in the map has its
//     key, unless it is a tombstone (null value) whose timestamp is more than
//     delete.retention.ms old. Keyless records are dropped (produce refuses them on
//     compacted topics). Example: offsets 0..3 hold k1=a, k2=b, k1=c, k2=null; the cleaned
//     log holds k1=c at offset 2 and the tombstone at 3, and offsets 0 and 1 are gaps.
//  3. the new files replace the old ones (the swap below).
//
// Batch format of the output (as Kafka's cleaner writes it): a batch whose records are
// all kept is copied byte for byte. A thinned batch keeps its header fields (base
// offset, lastOffsetDelta, producer id/epoch/base sequence, attributes and codec, base
// timestamp), gets the kept records (copied unchanged, recompressed with the batch's
// codec), recomputed record count, maxTimestamp (LogAppendTime batches keep theirs),
// length and CRC. A batch with no record left is dropped, except (a) a batch the
// idempotent-producer state still refers to and (b) the last batch of a group, which
// are kept as an empty batch (header only, codec none): (a) so that rebuilding the
// producer state from batch headers after a crash gives the same table, (b) so that a
// segment still ends at the offset where the next one begins, which recovery checks.
//
// Crash safety (the swap). Files of a group with base B replacing segments B, B2..Bk:
//   write B.log.cleaned, B.index.cleaned, B.timeindex.cleaned; fdatasync B.log.cleaned
//   rename B.log.cleaned -> B.log.swap (every group); fsync the directory   <- commit
//   rename Bi.log -> Bi.log.deleted (i >= 2); rename B.log.swap -> B.log (replaces the
//   old B.log); rename the .cleaned indexes over B.index and B.timeindex
//   (later, outside the log's lock) unlink the .deleted files and old indexes
// FinishInterruptedCompaction runs first at every open: a valid B.log.swap ending at
// offset E completes its swap (removes the .log and .log.deleted files with base in
// (B, E), renames the swap to B.log); a damaged one (never expected: it was synced
// before the commit) is removed and the .deleted files of its range renamed back. Then
// every *.cleaned and *.deleted file is removed. So a crash before the commit rolls the
// pass back and a crash after it completes the pass; no record is lost either way.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "broker/log/file.h"
#include "broker/log/index_policy.h"
#include "broker/log/producer_state.h"
#include "broker/log/segment.h"

namespace sluice::log {

inline constexpr std::string_view kCleanedSuffix = ".cleaned";
inline constexpr std::string_view kSwapSuffix = ".swap";
inline constexpr std::string_view kDeletedSuffix = ".deleted";
// Holds the first dirty offset (decimal text) so that a restart does not make the whole
// log dirty again. Only an optimisation: a missing or stale value costs a longer pass.
inline constexpr char kCleanerCheckpointFile[] = ".cleaner-checkpoint";

// Kafka's topic configs of compaction.
struct CompactionPolicy {
  int64_t delete_retention_ms = 86'400'000;  // delete.retention.ms
  int64_t min_compaction_lag_ms = 0;         // min.compaction.lag.ms
  double min_cleanable_dirty_ratio = 0.5;    // min.cleanable.dirty.ratio
  // Bound on the key map (broker log.cleaner.dedupe.buffer.size): once the dirty segments
  // mapped so far reach it, the pass stops after them and the rest waits for the next
  // pass (at least one dirty segment is always mapped, so a pass may pass the bound by
  // the keys of one segment).
  int64_t max_map_bytes = int64_t{128} << 20;
  // Run whenever a closed segment is cleanable, even with nothing dirty (tests).
  bool ignore_dirty_ratio = false;
  // Tests only: stop the swap after this many of its file operations, leaving the
  // directory as a crash would, and fail the log (kAborted) until it is reopened.
  int crash_after_swap_steps = -1;
};

struct CompactionResult {
  bool ran = false;         // False when nothing was cleanable or the ratio was low.
  std::string skipped_why;  // Why not, when !ran.
  double dirty_ratio = 0;
  int64_t first_offset = 0;  // Cleaned range [first_offset, end_offset).
  int64_t end_offset = 0;
  size_t segments_before = 0;
  size_t segments_after = 0;
  int64_t bytes_before = 0;
  int64_t bytes_after = 0;
  int64_t records_read = 0;
  int64_t records_removed = 0;  // Including tombstones and keyless records.
  int64_t tombstones_removed = 0;
  int64_t tombstone_deadline_ms = std::numeric_limits<int64_t>::max();  // see CleanedSegment
  int64_t duration_ms = 0;
};

// A closed segment as the compactor reads it: its own descriptor on the .log, so it can
// read without the log's lock (closed segments never change; see partition_log.h).
struct SourceSegment {
  int64_t base_offset = 0;
  int64_t next_offset = 0;
  int64_t size = 0;
  File log;
};

// Key -> highest offset in the dirty part.
using OffsetMap = std::unordered_map<std::string, int64_t>;

// Calls `visit(header, bytes)` for every batch of `source` in order.
// Errors: I/O, and kDataLoss for a batch that does not parse or runs past the end.
absl::Status ForEachBatch(
    const SourceSegment& source,
    const std::function<absl::Status(const kafka::BatchHeader&, std::string_view)>& visit);

// Memory charged per distinct key of an OffsetMap on top of the key's bytes.
inline constexpr int64_t kOffsetMapEntryOverhead = 64;

// Adds every keyed record of `source` to `map` (later offsets win) and adds the memory of
// the new entries (key bytes + kOffsetMapEntryOverhead) to *map_bytes.
// Errors: as ForEachBatch, and kDataLoss for records that do not decode.
absl::Status AddToOffsetMap(const SourceSegment& source, OffsetMap* map, int64_t* map_bytes);

// The new segment of one group, as written to the .cleaned files.
struct CleanedSegment {
  int64_t base_offset = 0;
  SegmentState state;
  std::vector<OffsetIndexEntry> offsets;
  std::vector<TimeIndexEntry> times;
  int64_t records_read = 0;
  int64_t records_removed = 0;
  int64_t tombstones_removed = 0;
  // When the earliest kept tombstone may go (timestamp + delete.retention.ms), or
  // std::numeric_limits<int64_t>::max() if none was kept.
  int64_t tombstone_deadline_ms = std::numeric_limits<int64_t>::max();
};

struct CleanContext {
  const OffsetMap* map = nullptr;
  const ProducerStateTable* producers = nullptr;  // batches it refers to are kept
  int64_t now_ms = 0;
  int64_t delete_retention_ms = 0;
  int32_t index_interval_bytes = 4096;
};

// Writes the cleaned form of `group` (consecutive segments, the first one's base names
// the output) to `<dir>/<base>.log.cleaned` and its two .cleaned indexes, fdatasyncs the
// .log.cleaned and returns what was written. The output ends at the group's end offset
// (see "empty batch" above). Errors: I/O, and kDataLoss for undecodable input; the
// caller removes the partial files (RemoveCleanedFiles).
absl::StatusOr<CleanedSegment> WriteCleanedSegment(const std::string& dir,
                                                   const std::vector<const SourceSegment*>& group,
                                                   const CleanContext& context);

// "<dir>/<20-digit base><suffix><extra>", e.g. (dir, 0, ".log", ".swap").
std::string CompactionPath(const std::string& dir, int64_t base, std::string_view suffix,
                           std::string_view extra);
// Removes the three .cleaned files of `base` (missing files are fine).
absl::Status RemoveCleanedFiles(const std::string& dir, int64_t base);

// Completes or rolls back a compaction a crash interrupted (see above). Returns true if
// it changed the directory. Called by LoadLog before anything else looks at the files.
absl::StatusOr<bool> FinishInterruptedCompaction(const std::string& dir);

}  // namespace sluice::log

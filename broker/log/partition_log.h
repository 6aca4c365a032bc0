// File: broker/log/partition_log.h
// The log of one topic partition: an ordered list of segments in
// `<data_dir>/<topic>-<partition>/`, of which the last is active (takes appends).
//
// Example: with segments 0 (offsets 0..99) and 100 (100..149, active), log_start_offset()
// is 0 and log_end_offset() 150. Append of a 10-record batch stamps it with baseOffset 150,
// writes it to segment 100 (or first rolls to a new segment 150) and returns
// base_offset 150, last_offset 159. Read(120, ...) returns the whole batch holding offset
// 120 (say 115..124) followed by later batches.
//
// Durability: Append returns after one write(2), so acknowledged data is in the page cache
// and survives the process being killed. Flush() makes it survive a machine crash too.
// Close() leaves a clean-shutdown checkpoint that spares the next Open the full recovery
// scan (see log_loader.h for what recovery does).
//
// Thread-safety: internally synchronized; any method may be called from any thread.
// Reads run in parallel with each other; appends, truncation and rolls are exclusive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "broker/log/compactor.h"
#include "broker/log/log_config.h"
#include "broker/log/producer_state.h"
#include "broker/log/segment.h"

namespace sluice::log {

// Why an append was refused by the idempotent-producer rules. The server maps these to
// Kafka error codes: kInvalidProducerEpoch -> INVALID_PRODUCER_EPOCH (47),
// kOutOfOrderSequence -> OUT_OF_ORDER_SEQUENCE_NUMBER (45).
enum class AppendError { kNone, kInvalidProducerEpoch, kOutOfOrderSequence };

struct AppendResult {
  // When not kNone nothing was written and the offsets below are -1.
  AppendError error = AppendError::kNone;
  // True if the batch repeats one already in the log (same producer, epoch and sequence
  // range): nothing was written and the offsets are those of the original batch.
  bool duplicate = false;
  int64_t base_offset = -1;
  int64_t last_offset = -1;
  // The batch's max timestamp if it carries LogAppendTime (attribute bit 3), else -1.
  int64_t log_append_time = -1;
  int64_t log_start_offset = -1;
};

struct ReadResult {
  std::string records;       // Whole batches, back to back; empty if none.
  int64_t next_offset = -1;  // One past the last returned offset, or the requested offset.
  int64_t high_watermark = -1;
  int64_t log_start_offset = -1;
  int64_t log_end_offset = -1;
  // ReadSlices only (`records` is then empty): the same bytes as slices of the segment
  // files, one per segment the read touched; together they are what Read puts in `records`.
  std::vector<FileSlice> slices;
};

// Kafka's retention.ms and retention.bytes; -1 disables either.
struct RetentionPolicy {
  int64_t retention_ms = -1;
  int64_t retention_bytes = -1;
};

struct RetentionResult {
  size_t segments_deleted = 0;
  int64_t bytes_deleted = 0;
  int64_t log_start_offset = 0;  // after deletion
};

struct TimestampLookup {
  int64_t base_offset = -1;  // Of the batch below.
  std::string batch;         // The first batch whose max_timestamp >= the requested one.
};

class PartitionLog {
 public:
  // Opens (creating if absent) the partition directory `dir` and recovers it.
  // `clock` defaults to SystemClockMs. Errors: kInvalidArgument for a bad config, I/O
  // errors; damaged files are repaired, not reported (see log_loader.h).
  static absl::StatusOr<std::unique_ptr<PartitionLog>> Open(const std::string& dir,
                                                            const LogConfig& config,
                                                            Clock clock = nullptr);

  // Closes the files. Without a prior Close() no checkpoint is written, so the next Open
  // runs crash recovery (which is always correct, only slower).
  ~PartitionLog();
  PartitionLog(const PartitionLog&) = delete;
  PartitionLog& operator=(const PartitionLog&) = delete;

  // Appends one record batch at the log end offset, stamping its baseOffset and
  // partitionLeaderEpoch (the CRC does not cover them), after the producer checks.
  // Rolls to a new segment first when the active one is full or old (segment.h).
  // REQUIRES: the caller validated the batch (magic 2, CRC, record count, ...); only the
  // framing is re-checked here (kInvalidArgument).
  // Errors: kResourceExhausted (disk full) or kInternal with the errno text; the log is
  // left as before. kFailedPrecondition after Close(). If a failed write cannot be
  // undone the log refuses further appends with kInternal until reopened.
  absl::StatusOr<AppendResult> Append(std::string_view batch, int32_t leader_epoch);
  // As Append, but stamps `batch` in place instead of copying it first: for callers that
  // may modify the bytes (the produce path, in the request's buffer). `batch` is stamped
  // even when nothing is written.
  absl::StatusOr<AppendResult> AppendInPlace(std::span<char> batch, int32_t leader_epoch);

  // Whole batches from the one containing `offset`, in offset order, up to (excluding)
  // the first batch that ends at or beyond max_offset_exclusive (or the log end), and
  // stopping before the total passes `max_bytes` -- unless `min_one_batch` and nothing
  // was taken yet, then the first batch is returned whatever its size.
  // offset == log_end_offset() (or >= max_offset_exclusive) gives an empty result.
  // Errors: kOutOfRange if offset < log_start_offset() or > log_end_offset();
  // kDataLoss if a file changed underneath the log.
  absl::StatusOr<ReadResult> Read(int64_t offset, size_t max_bytes, int64_t max_offset_exclusive,
                                  bool min_one_batch) const;
  // As Read (same bounds, same errors), but returns the batches as `slices` of the segment
  // files instead of copying them. A slice keeps its segment's descriptor open, so it stays
  // readable after retention, compaction or Close() drop the segment; Truncate, though,
  // may cut bytes under a slice (whoever sends it must detect a short file).
  absl::StatusOr<ReadResult> ReadSlices(int64_t offset, size_t max_bytes,
                                        int64_t max_offset_exclusive, bool min_one_batch) const;

  // The first batch (in offset order) whose max_timestamp >= `timestamp`, or nullopt.
  // The caller decodes its records to find the exact one, and applies the high watermark.
  absl::StatusOr<std::optional<TimestampLookup>> FindByTimestamp(int64_t timestamp) const;

  int64_t log_start_offset() const;
  int64_t log_end_offset() const;  // The offset the next append gets.
  // Equal to log_end_offset() while config.auto_advance_high_watermark.
  int64_t high_watermark() const;
  // kInvalidArgument unless log_start_offset() <= offset <= log_end_offset().
  absl::Status SetHighWatermark(int64_t offset);

  // Removes every batch holding an offset >= `offset` (a batch is never split, so the new
  // log end offset is the base of the batch holding `offset`, which may be below it).
  // If offset <= log_start_offset() the log becomes empty and starts at `offset`.
  // No-op if offset >= log_end_offset(). Rebuilds the producer state by scanning the
  // remaining batch headers; the high watermark is capped at the new log end. A cut
  // compacted segment gets an empty successor (it may have offset gaps, which only older
  // segments may have), and everything from the cut on counts as dirty for compaction.
  absl::Status Truncate(int64_t offset);

  // Deletes whole segments from the oldest on while retention says so: a segment whose
  // largest record timestamp is older than now - retention_ms (segments with no
  // timestamps are kept), or while the log without that segment would still hold at
  // least retention_bytes. The active segment is never deleted, so a log keeps its end
  // offset and appends continue; log_start_offset() moves to the first kept segment.
  // Oldest files go first, so a crash midway leaves a contiguous log. The segments are
  // detached under the lock; their files are unlinked after it is released, so appends
  // and reads wait only for the bookkeeping, never for the file system.
  // Errors: kFailedPrecondition after Close(), or the earlier failure that stopped
  // appends. A failed unlink is only logged: the log no longer uses the segment, and its
  // files reappear (below the start) only if the broker restarts before they are removed.
  absl::StatusOr<RetentionResult> ApplyRetention(const RetentionPolicy& policy);

  // Moves the log start offset up to `offset` (Kafka's DeleteRecords): reads below it
  // fail with kOutOfRange and ListOffsets earliest returns it. Whole segments that end at
  // or below it are deleted (never the active one; files unlinked outside the lock, as for
  // ApplyRetention). No-op if offset <= log_start_offset(). The log keeps the new start
  // only in memory; the caller persists it (the server stores it in the metadata store
  // and calls this again after Open).
  // Errors: kOutOfRange if offset > high_watermark(); kFailedPrecondition after Close().
  absl::StatusOr<RetentionResult> AdvanceLogStartOffset(int64_t offset);

  // One log compaction pass (compactor.h says what it keeps and how the files are
  // swapped). Reads and rewrites closed segments without the lock; the lock is held
  // exclusively only for the swap (renames and one directory fsync), during which the
  // old segments leave the list and the cleaned ones take their place. Readers hold the
  // lock while they read, so none sees a half-swapped log; the replaced files are
  // unlinked after the lock is released, as for ApplyRetention. The log start offset,
  // log end offset, high watermark and producer state do not change. If the log changed
  // under the pass (retention, truncation), the pass is dropped (ran = false).
  // Passes of one log are serialized; different logs may compact in parallel.
  // Errors: kFailedPrecondition after Close() or an earlier failure; I/O errors and
  // kDataLoss (undecodable records) leave the log as it was. A failure after the commit
  // point fails the log (appends refused) until a reopen completes the swap.
  absl::StatusOr<CompactionResult> Compact(const CompactionPolicy& policy);
  // Where the last compaction pass stopped (the start of the dirty part).
  int64_t first_dirty_offset() const;

  // Replaces the tunables (a topic config changed); the next append and roll use them.
  // kInvalidArgument as for Open, and the old config stays.
  absl::Status UpdateConfig(const LogConfig& config);
  LogConfig config() const;

  // Makes every append that returned before this call durable (fdatasync of the .log of
  // the segments written since the last flush, and of the directory after a roll; the
  // indexes are not synced, crash recovery rebuilds them). Appends proceed meanwhile.
  // Returns at once when nothing was appended since the last flush.
  absl::Status Flush();
  // Offsets appended but not yet covered by a completed Flush().
  int64_t unflushed_offsets() const;

  // Flushes, writes the clean-shutdown checkpoint and closes the files. Later calls get
  // kFailedPrecondition. Idempotent.
  absl::Status Close();

  int64_t size_bytes() const;
  size_t segment_count() const;
  const std::string& dir() const { return dir_; }

 private:
  PartitionLog(std::string dir, const LogConfig& config, Clock clock);

  absl::Status CheckWritable() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status Roll(int64_t now_ms) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Where appended pages go for early write-out, or null: none is configured, or every
  // append is synced anyway (config_.synced_per_append).
  WriteBehind* WriteBehindTarget() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return config_.synced_per_append ? nullptr : config_.write_behind.get();
  }
  // Read and ReadSlices: copies the bytes, or hands out slices.
  absl::StatusOr<ReadResult> ReadRuns(int64_t offset, size_t max_bytes,
                                      int64_t max_offset_exclusive, bool min_one_batch,
                                      bool as_slices) const;
  // Index into segments_ of the segment holding `offset`. REQUIRES: a valid offset.
  size_t SegmentIndexFor(int64_t offset) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  int64_t LogEndOffsetLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return segments_.back()->next_offset();
  }
  absl::Status TruncateLocked(int64_t offset) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status RemoveAllAndStartAt(int64_t offset) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status SyncUnflushedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Detaches the oldest segment (never the active one) for deletion outside the lock.
  void DetachOldestLocked(RetentionResult* result, std::vector<std::unique_ptr<Segment>>* doomed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Unlinks detached segments. REQUIRES: mu_ not held.
  void RemoveDetached(std::vector<std::unique_ptr<Segment>> doomed) const;

  // Persists first_dirty_offset_ (best effort). REQUIRES: mu_ not held.
  void WriteCleanerCheckpoint(int64_t offset) const;

  const std::string dir_;
  const Clock clock_;
  // Serializes compaction passes; taken before mu_.
  absl::Mutex compaction_mu_;

  mutable absl::Mutex mu_;
  // Ascending by base offset, contiguous, never empty; the last one is active.
  std::vector<std::unique_ptr<Segment>> segments_ ABSL_GUARDED_BY(mu_);
  LogConfig config_ ABSL_GUARDED_BY(mu_);
  // At least the first segment's base offset; above it after AdvanceLogStartOffset.
  int64_t log_start_offset_ ABSL_GUARDED_BY(mu_) = 0;
  ProducerStateTable producers_ ABSL_GUARDED_BY(mu_);
  int64_t high_watermark_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t size_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  // Offsets below this are known to be synced to disk.
  int64_t flushed_offset_ ABSL_GUARDED_BY(mu_) = 0;
  // A segment was created or removed since the directory was last synced.
  bool dir_dirty_ ABSL_GUARDED_BY(mu_) = true;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // Compaction: offsets below this were compacted by the last pass (a segment base).
  int64_t first_dirty_offset_ ABSL_GUARDED_BY(mu_) = 0;
  // When a tombstone kept by the last pass may be removed (in memory only: after a
  // restart the next pass comes with new dirty data).
  int64_t tombstone_deadline_ms_ ABSL_GUARDED_BY(mu_) = std::numeric_limits<int64_t>::max();
  // Set when a failed write could not be undone; appends are refused from then on.
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::log

#include "broker/log/partition_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "broker/log/checkpoint.h"
#include "broker/log/file.h"
#include "broker/log/log_loader.h"
#include "broker/log/write_behind.h"
#include "common/log.h"
#include "common/status.h"

namespace sluice::log {

PartitionLog::PartitionLog(std::string dir, const LogConfig& config, Clock clock)
    : dir_(std::move(dir)), clock_(std::move(clock)), config_(config) {}

PartitionLog::~PartitionLog() = default;

absl::StatusOr<std::unique_ptr<PartitionLog>> PartitionLog::Open(const std::string& dir,
                                                                 const LogConfig& config,
                                                                 Clock clock) {
  SLUICE_RETURN_IF_ERROR(ValidateLogConfig(config));
  if (!clock) clock = SystemClockMs;
  SLUICE_ASSIGN_OR_RETURN(LoadedLog loaded, LoadLog(dir, config, clock()));
  std::unique_ptr<PartitionLog> log(new PartitionLog(dir, config, std::move(clock)));
  absl::MutexLock lock(&log->mu_);
  log->segments_ = std::move(loaded.segments);
  log->producers_ = std::move(loaded.producers);
  const int64_t start = log->segments_.front()->base_offset();
  const int64_t end = log->LogEndOffsetLocked();
  log->log_start_offset_ = start;
  if (config.auto_advance_high_watermark) {
    log->high_watermark_ = end;
  } else {
    log->high_watermark_ = std::clamp(loaded.high_watermark, start, end);
  }
  log->flushed_offset_ = loaded.clean ? end : start;
  log->dir_dirty_ = !loaded.clean;
  for (const auto& segment : log->segments_) {
    log->size_bytes_ += segment->size();
    if (segment != log->segments_.back()) segment->ReleaseIndexFiles();
  }
  log->first_dirty_offset_ = start;
  if (absl::StatusOr<std::string> text =
          ReadSmallFile(absl::StrCat(dir, "/", kCleanerCheckpointFile), 64);
      text.ok()) {
    int64_t offset = 0;
    // A value that is not a segment base (e.g. after a truncation) is ignored.
    if (absl::SimpleAtoi(*text, &offset)) {
      for (const auto& segment : log->segments_) {
        if (segment->base_offset() == offset) log->first_dirty_offset_ = offset;
      }
    }
  }
  SLUICE_LOG(kInfo) << "opened " << dir << (loaded.clean ? " (clean)" : " (recovered)")
                    << ": offsets " << start << ".." << end << ", " << log->segments_.size()
                    << " segments, " << log->producers_.size() << " producers";
  return log;
}

absl::Status PartitionLog::CheckWritable() const {
  if (closed_) return absl::FailedPreconditionError(absl::StrCat(dir_, " is closed"));
  return failure_;
}

absl::StatusOr<AppendResult> PartitionLog::Append(std::string_view batch, int32_t leader_epoch) {
  std::string copy(batch);
  return AppendInPlace(std::span<char>(copy), leader_epoch);
}

absl::StatusOr<AppendResult> PartitionLog::AppendInPlace(std::span<char> bytes,
                                                         int32_t leader_epoch) {
  const std::string_view batch(bytes.data(), bytes.size());
  absl::StatusOr<kafka::BatchHeader> parsed = kafka::ParseBatchHeader(batch);
  if (!parsed.ok()) return absl::InvalidArgumentError(parsed.status().message());
  kafka::BatchHeader header = *parsed;
  if (header.TotalSize() != batch.size() || header.last_offset_delta < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "batch framing: ", batch.size(), " bytes given, header says ", header.TotalSize()));
  }
  absl::MutexLock lock(&mu_);
  SLUICE_RETURN_IF_ERROR(CheckWritable());
  AppendResult result;
  result.log_start_offset = log_start_offset_;
  SequenceVerdict verdict = producers_.Check(header);
  switch (verdict.check) {
    case SequenceCheck::kAccept:
      break;
    case SequenceCheck::kDuplicate:
      result.duplicate = true;
      result.base_offset = verdict.original.base_offset;
      result.last_offset = verdict.original.last_offset;
      return result;
    case SequenceCheck::kInvalidProducerEpoch:
      result.error = AppendError::kInvalidProducerEpoch;
      return result;
    case SequenceCheck::kOutOfOrderSequence:
      result.error = AppendError::kOutOfOrderSequence;
      return result;
  }

  const int64_t now_ms = clock_();
  if (segments_.back()->ShouldRoll(config_, now_ms, static_cast<int64_t>(batch.size()),
                                   header.last_offset_delta)) {
    SLUICE_RETURN_IF_ERROR(Roll(now_ms));
  }
  Segment& active = *segments_.back();
  header.base_offset = active.next_offset();
  header.partition_leader_epoch = leader_epoch;
  kafka::StampBatch(bytes.data(), header.base_offset, leader_epoch);
  absl::Status written = active.Append(batch, header, config_.index_interval_bytes, now_ms);
  if (!written.ok()) {
    if (!active.consistent()) failure_ = written;
    SLUICE_LOG_EVERY_SECONDS(kError, 10)
        << "append to " << dir_ << " failed: " << written.message();
    return written;
  }
  producers_.Record(header);
  if (WriteBehind* write_behind = WriteBehindTarget()) {
    active.StartWriteOut(*write_behind, config_.write_behind_bytes, false);
  }
  size_bytes_ += static_cast<int64_t>(batch.size());
  if (config_.auto_advance_high_watermark) high_watermark_ = active.next_offset();
  result.base_offset = header.base_offset;
  result.last_offset = header.LastOffset();
  if (header.log_append_time()) result.log_append_time = header.max_timestamp;
  return result;
}

absl::Status PartitionLog::Roll(int64_t now_ms) {
  const int64_t base = LogEndOffsetLocked();
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<Segment> segment, Segment::Create(dir_, base, now_ms));
  SLUICE_LOG(kInfo) << "rolled " << dir_ << " to a new segment at offset " << base;
  segments_.back()->ReleaseIndexFiles();
  if (WriteBehind* write_behind = WriteBehindTarget()) {
    segments_.back()->StartWriteOut(*write_behind, 0, true);
  }
  segments_.push_back(std::move(segment));
  dir_dirty_ = true;
  return absl::OkStatus();
}

int64_t PartitionLog::log_start_offset() const {
  absl::ReaderMutexLock lock(&mu_);
  return log_start_offset_;
}

int64_t PartitionLog::log_end_offset() const {
  absl::ReaderMutexLock lock(&mu_);
  return LogEndOffsetLocked();
}

int64_t PartitionLog::high_watermark() const {
  absl::ReaderMutexLock lock(&mu_);
  return high_watermark_;
}

absl::Status PartitionLog::SetHighWatermark(int64_t offset) {
  absl::MutexLock lock(&mu_);
  const int64_t start = log_start_offset_;
  const int64_t end = LogEndOffsetLocked();
  if (offset < start || offset > end) {
    return absl::InvalidArgumentError(
        absl::StrCat("high watermark ", offset, " outside [", start, ", ", end, "] of ", dir_));
  }
  high_watermark_ = offset;
  return absl::OkStatus();
}

int64_t PartitionLog::size_bytes() const {
  absl::ReaderMutexLock lock(&mu_);
  return size_bytes_;
}

size_t PartitionLog::segment_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return segments_.size();
}

absl::Status PartitionLog::Truncate(int64_t offset) {
  if (offset < 0) return absl::InvalidArgumentError(absl::StrCat("truncate to ", offset));
  absl::MutexLock lock(&mu_);
  SLUICE_RETURN_IF_ERROR(CheckWritable());
  if (offset >= LogEndOffsetLocked()) return absl::OkStatus();
  absl::Status status = TruncateLocked(offset);
  if (!status.ok()) {
    // Part of the truncation may have happened; only a reopen re-establishes the state.
    failure_ = absl::InternalError(absl::StrCat("truncation failed: ", status.message()));
    SLUICE_LOG(kError) << dir_ << ": " << failure_.message();
    return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<RetentionResult> PartitionLog::ApplyRetention(const RetentionPolicy& policy) {
  RetentionResult result;
  std::vector<std::unique_ptr<Segment>> doomed;
  {
    absl::MutexLock lock(&mu_);
    SLUICE_RETURN_IF_ERROR(CheckWritable());
    const int64_t now = clock_();
    while (segments_.size() > 1) {
      const Segment& oldest = *segments_.front();
      bool expired = policy.retention_ms >= 0 && oldest.max_timestamp() >= 0 &&
                     now - oldest.max_timestamp() > policy.retention_ms;
      bool oversize =
          policy.retention_bytes >= 0 && size_bytes_ - oldest.size() >= policy.retention_bytes;
      if (!expired && !oversize) break;
      DetachOldestLocked(&result, &doomed);
    }
    result.log_start_offset = log_start_offset_;
  }
  if (result.segments_deleted > 0) {
    SLUICE_LOG(kInfo) << dir_ << ": retention deleted " << result.segments_deleted << " segments ("
                      << result.bytes_deleted << " bytes); log start now "
                      << result.log_start_offset;
  }
  RemoveDetached(std::move(doomed));
  return result;
}

absl::StatusOr<RetentionResult> PartitionLog::AdvanceLogStartOffset(int64_t offset) {
  RetentionResult result;
  std::vector<std::unique_ptr<Segment>> doomed;
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return absl::FailedPreconditionError(absl::StrCat(dir_, " is closed"));
    if (offset > high_watermark_) {
      return absl::OutOfRangeError(absl::StrCat("log start offset ", offset,
                                                " above the high watermark ", high_watermark_,
                                                " of ", dir_));
    }
    if (offset > log_start_offset_) {
      log_start_offset_ = offset;
      while (segments_.size() > 1 && segments_.front()->next_offset() <= offset) {
        DetachOldestLocked(&result, &doomed);
      }
    }
    result.log_start_offset = log_start_offset_;
  }
  if (result.segments_deleted > 0) {
    SLUICE_LOG(kInfo) << dir_ << ": log start moved to " << result.log_start_offset << ", deleted "
                      << result.segments_deleted << " segments (" << result.bytes_deleted
                      << " bytes)";
  }
  RemoveDetached(std::move(doomed));
  return result;
}

void PartitionLog::DetachOldestLocked(RetentionResult* result,
                                      std::vector<std::unique_ptr<Segment>>* doomed) {
  const int64_t size = segments_.front()->size();
  doomed->push_back(std::move(segments_.front()));
  segments_.erase(segments_.begin());
  size_bytes_ -= size;
  dir_dirty_ = true;
  log_start_offset_ = std::max(log_start_offset_, segments_.front()->base_offset());
  ++result->segments_deleted;
  result->bytes_deleted += size;
}

void PartitionLog::RemoveDetached(std::vector<std::unique_ptr<Segment>> doomed) const {
  // Oldest first, so a crash midway leaves a contiguous log. Nothing else refers to a
  // detached segment, and new segments are always created above it, so no name clashes
  // (Truncate below the start would, but it removes everything first under the lock and
  // no replication truncates below the log start yet).
  for (const auto& segment : doomed) {
    if (absl::Status removed = segment->RemoveFiles(); !removed.ok()) {
      SLUICE_LOG(kError) << dir_ << ": could not delete segment " << segment->base_offset() << ": "
                         << removed.message();
    }
  }
}

absl::Status PartitionLog::UpdateConfig(const LogConfig& config) {
  SLUICE_RETURN_IF_ERROR(ValidateLogConfig(config));
  absl::MutexLock lock(&mu_);
  config_ = config;
  return absl::OkStatus();
}

LogConfig PartitionLog::config() const {
  absl::ReaderMutexLock lock(&mu_);
  return config_;
}

absl::Status PartitionLog::TruncateLocked(int64_t offset) {
  const int64_t old_end = LogEndOffsetLocked();
  if (offset <= log_start_offset_) {
    SLUICE_RETURN_IF_ERROR(RemoveAllAndStartAt(offset));
  } else {
    // Later segments go first (newest first), so a crash leaves a contiguous prefix.
    while (segments_.back()->base_offset() >= offset) {
      SLUICE_RETURN_IF_ERROR(segments_.back()->RemoveFiles());
      segments_.pop_back();
      dir_dirty_ = true;
    }
    Segment& last = *segments_.back();
    SLUICE_ASSIGN_OR_RETURN(std::optional<BatchLocation> cut, last.Locate(offset));
    if (cut) SLUICE_RETURN_IF_ERROR(last.TruncateAt(cut->position, config_.index_interval_bytes));
    // A compacted segment may have offset gaps, which recovery accepts only in older
    // segments: give it an empty successor so that it is never the active one.
    if (last.base_offset() < first_dirty_offset_ && last.size() > 0) {
      SLUICE_RETURN_IF_ERROR(Roll(clock_()));
    }
  }
  SLUICE_ASSIGN_OR_RETURN(producers_, RebuildProducerState(segments_));
  const int64_t end = LogEndOffsetLocked();
  high_watermark_ = std::min(high_watermark_, end);
  if (config_.auto_advance_high_watermark) high_watermark_ = end;
  flushed_offset_ = std::min(flushed_offset_, segments_.back()->base_offset());
  // Appends after the cut land in the last segment: compaction must see it as dirty.
  first_dirty_offset_ = std::min(first_dirty_offset_, segments_.back()->base_offset());
  size_bytes_ = 0;
  for (const auto& segment : segments_) size_bytes_ += segment->size();
  SLUICE_LOG(kInfo) << "truncated " << dir_ << " to offset " << offset << ": log end " << old_end
                    << " -> " << end;
  return SyncDir(dir_);
}

absl::Status PartitionLog::RemoveAllAndStartAt(int64_t offset) {
  while (!segments_.empty()) {
    SLUICE_RETURN_IF_ERROR(segments_.back()->RemoveFiles());
    segments_.pop_back();
  }
  dir_dirty_ = true;
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<Segment> segment,
                          Segment::Create(dir_, offset, clock_()));
  segments_.push_back(std::move(segment));
  high_watermark_ = offset;
  log_start_offset_ = offset;
  return absl::OkStatus();
}

absl::Status PartitionLog::Flush() {
  std::vector<File> files;
  int64_t target = 0;
  bool sync_dir = false;
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return absl::FailedPreconditionError(absl::StrCat(dir_, " is closed"));
    target = LogEndOffsetLocked();
    if (flushed_offset_ >= target && !dir_dirty_) return absl::OkStatus();  // Nothing new.
    for (const auto& segment : segments_) {
      if (segment->next_offset() <= flushed_offset_ && segment.get() != segments_.back().get()) {
        continue;
      }
      SLUICE_ASSIGN_OR_RETURN(File dup, segment->DuplicateLogFile());
      files.push_back(std::move(dup));
    }
    sync_dir = std::exchange(dir_dirty_, false);
  }
  absl::Status status;
  for (const File& f : files) {
    if (status.ok()) status = f.DataSync();
  }
  if (status.ok() && sync_dir) status = SyncDir(dir_);
  absl::MutexLock lock(&mu_);
  if (!status.ok()) {
    dir_dirty_ = dir_dirty_ || sync_dir;
    return status;
  }
  flushed_offset_ = std::max(flushed_offset_, std::min(target, LogEndOffsetLocked()));
  return absl::OkStatus();
}

int64_t PartitionLog::unflushed_offsets() const {
  absl::ReaderMutexLock lock(&mu_);
  return LogEndOffsetLocked() - flushed_offset_;
}

absl::Status PartitionLog::SyncUnflushedLocked() {
  for (const auto& segment : segments_) {
    if (segment->next_offset() > flushed_offset_ || segment.get() == segments_.back().get()) {
      SLUICE_RETURN_IF_ERROR(segment->Sync());
    }
  }
  if (dir_dirty_) SLUICE_RETURN_IF_ERROR(SyncDir(dir_));
  dir_dirty_ = false;
  flushed_offset_ = LogEndOffsetLocked();
  return absl::OkStatus();
}

absl::Status PartitionLog::Close() {
  absl::MutexLock lock(&mu_);
  if (closed_) return absl::OkStatus();
  closed_ = true;
  absl::Status status = failure_;
  if (status.ok()) status = SyncUnflushedLocked();
  if (status.ok()) {
    LogCheckpoint checkpoint;
    checkpoint.high_watermark = high_watermark_;
    checkpoint.producers = producers_;
    for (const auto& segment : segments_) {
      absl::StatusOr<int64_t> mtime = FileMtimeNs(segment->log_file().path());
      if (!mtime.ok()) {
        status = mtime.status();
        break;
      }
      checkpoint.segments.push_back(SegmentCheckpoint{segment->base_offset(), segment->state(),
                                                      segment->OffsetIndexChecksum(),
                                                      segment->TimeIndexChecksum(), *mtime});
    }
    if (status.ok())
      status = WriteFileAtomically(dir_, kCleanShutdownFile, EncodeCheckpoint(checkpoint));
  }
  for (const auto& segment : segments_) {
    absl::Status closed = segment->Close();
    if (status.ok()) status = closed;
  }
  if (!status.ok()) {
    SLUICE_LOG(kError) << "closing " << dir_
                       << " without a clean-shutdown checkpoint: " << status.message();
  }
  return status;
}

}  // namespace sluice::log

#include "broker/log/segment.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "broker/log/segment_scan.h"
#include "broker/log/write_behind.h"
#include "common/kafka/records/crc32c.h"
#include "common/log.h"
#include "common/status.h"

namespace sluice::log {
namespace {

constexpr size_t kBaseOffsetDigits = 20;

// The start of the page holding byte `position` (the page cache writes whole 4 KiB pages).
int64_t PageFloor(int64_t position) { return position & ~int64_t{4095}; }

}  // namespace

std::string SegmentFileName(int64_t base_offset, std::string_view suffix) {
  std::string digits = std::to_string(base_offset);
  std::string name(kBaseOffsetDigits - std::min(digits.size(), kBaseOffsetDigits), '0');
  return absl::StrCat(name, digits, std::string(suffix));
}

std::optional<int64_t> ParseSegmentFileName(std::string_view name, std::string_view suffix) {
  if (name.size() != kBaseOffsetDigits + suffix.size()) return std::nullopt;
  if (name.substr(kBaseOffsetDigits) != suffix) return std::nullopt;
  uint64_t value = 0;
  for (char c : name.substr(0, kBaseOffsetDigits)) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  }
  return static_cast<int64_t>(value);
}

absl::StatusOr<std::unique_ptr<Segment>> Segment::Create(const std::string& dir,
                                                         int64_t base_offset, int64_t now_ms) {
  auto path = [&](std::string_view suffix) {
    return absl::StrCat(dir, "/", SegmentFileName(base_offset, suffix));
  };
  SLUICE_ASSIGN_OR_RETURN(File log, File::OpenReadWrite(path(kLogSuffix), /*truncate=*/true));
  SLUICE_ASSIGN_OR_RETURN(File index, File::OpenReadWrite(path(kIndexSuffix), true));
  SLUICE_ASSIGN_OR_RETURN(File time_index, File::OpenReadWrite(path(kTimeIndexSuffix), true));
  std::unique_ptr<Segment> segment(new Segment(dir, base_offset, std::move(log),
                                               OffsetIndex(std::move(index)),
                                               TimeIndex(std::move(time_index))));
  segment->state_.next_offset = base_offset;
  segment->state_.created_ms = now_ms;
  return segment;
}

absl::StatusOr<std::unique_ptr<Segment>> Segment::OpenFiles(const std::string& dir,
                                                            int64_t base_offset) {
  auto path = [&](std::string_view suffix) {
    return absl::StrCat(dir, "/", SegmentFileName(base_offset, suffix));
  };
  SLUICE_ASSIGN_OR_RETURN(File log, File::OpenReadWrite(path(kLogSuffix)));
  SLUICE_ASSIGN_OR_RETURN(File index, File::OpenReadWrite(path(kIndexSuffix)));
  SLUICE_ASSIGN_OR_RETURN(File time_index, File::OpenReadWrite(path(kTimeIndexSuffix)));
  std::unique_ptr<Segment> segment(new Segment(dir, base_offset, std::move(log),
                                               OffsetIndex(std::move(index)),
                                               TimeIndex(std::move(time_index))));
  segment->state_.next_offset = base_offset;
  return segment;
}

std::string Segment::Path(std::string_view suffix) const {
  return absl::StrCat(dir_, "/", SegmentFileName(base_offset_, suffix));
}

absl::Status Segment::InstallRecovered(const SegmentState& state,
                                       std::vector<OffsetIndexEntry> offsets,
                                       std::vector<TimeIndexEntry> times) {
  SLUICE_ASSIGN_OR_RETURN(int64_t log_size, log_->Size());
  if (log_size < state.size) {
    return absl::InternalError(absl::StrCat(log_->path(), " has ", log_size,
                                            " bytes, fewer than the recovered ", state.size));
  }
  if (log_size > state.size) SLUICE_RETURN_IF_ERROR(log_->Truncate(state.size));
  // Load is bounded by the expected entry count, so a huge damaged file is never read.
  absl::Status loaded = offset_index_.Load(state.size, static_cast<int32_t>(offsets.size()));
  if (!loaded.ok() || offset_index_.entries() != offsets) {
    SLUICE_LOG(kInfo) << "rebuilding " << offset_index_.file().path() << " (" << offsets.size()
                      << " entries)";
    SLUICE_RETURN_IF_ERROR(offset_index_.Reset(std::move(offsets)));
  }
  loaded = time_index_.Load(state.next_offset - base_offset_, static_cast<int32_t>(times.size()));
  if (!loaded.ok() || time_index_.entries() != times) {
    SLUICE_LOG(kInfo) << "rebuilding " << time_index_.file().path() << " (" << times.size()
                      << " entries)";
    SLUICE_RETURN_IF_ERROR(time_index_.Reset(std::move(times)));
  }
  state_ = state;
  written_out_ = PageFloor(state.size);
  return absl::OkStatus();
}

absl::Status Segment::InstallCheckpointed(const SegmentState& state, uint32_t offset_index_crc,
                                          uint32_t time_index_crc, int32_t max_index_entries) {
  SLUICE_ASSIGN_OR_RETURN(int64_t log_size, log_->Size());
  if (log_size != state.size) {
    return absl::DataLossError(
        absl::StrCat(log_->path(), " has ", log_size, " bytes, the checkpoint says ", state.size));
  }
  SLUICE_RETURN_IF_ERROR(offset_index_.Load(state.size, max_index_entries));
  if (OffsetIndexChecksum() != offset_index_crc) {
    return absl::DataLossError(absl::StrCat(offset_index_.file().path(), ": checksum mismatch"));
  }
  SLUICE_RETURN_IF_ERROR(time_index_.Load(state.next_offset - base_offset_, max_index_entries));
  if (TimeIndexChecksum() != time_index_crc) {
    return absl::DataLossError(absl::StrCat(time_index_.file().path(), ": checksum mismatch"));
  }
  state_ = state;
  written_out_ = PageFloor(state.size);
  return absl::OkStatus();
}

bool Segment::ShouldRoll(const LogConfig& config, int64_t now_ms, int64_t batch_size,
                         int32_t last_offset_delta) const {
  if (state_.size == 0) return false;
  const int64_t last_relative = state_.next_offset + last_offset_delta - base_offset_;
  return state_.size + batch_size > config.segment_bytes ||
         now_ms - state_.created_ms > config.segment_ms ||
         offset_index_.entries().size() >= static_cast<size_t>(config.max_index_entries) ||
         time_index_.entries().size() >= static_cast<size_t>(config.max_index_entries) ||
         last_relative > std::numeric_limits<int32_t>::max();
}

absl::Status Segment::Append(std::string_view batch, const kafka::BatchHeader& header,
                             int32_t index_interval_bytes, int64_t now_ms) {
  if (!consistent_) return absl::InternalError(absl::StrCat(log_->path(), " is inconsistent"));
  IndexStep step = PlanIndexStep(state_.cursor, index_interval_bytes, state_.size,
                                 header.base_offset - base_offset_,
                                 static_cast<int64_t>(batch.size()), header.max_timestamp);
  absl::Status status = log_->PWrite(state_.size, batch);
  if (status.ok() && step.offset_entry) status = offset_index_.Append(*step.offset_entry);
  if (status.ok() && step.time_entry) status = time_index_.Append(*step.time_entry);
  if (!status.ok()) return RollBack(status);
  if (state_.size == 0) state_.created_ms = now_ms;
  state_.size += static_cast<int64_t>(batch.size());
  state_.next_offset = header.LastOffset() + 1;
  state_.cursor = step.next;
  return absl::OkStatus();
}

void Segment::StartWriteOut(WriteBehind& write_behind, int64_t min_bytes, bool all) {
  const int64_t end = all ? state_.size : PageFloor(state_.size);
  if (end - written_out_ < (all ? 1 : min_bytes)) return;
  write_behind.Submit(log_, written_out_, end);
  written_out_ = end;
}

absl::Status Segment::RollBack(const absl::Status& cause) {
  absl::Status undo = log_->Truncate(state_.size);
  if (undo.ok()) undo = offset_index_.TruncateToPosition(state_.size);
  if (undo.ok()) undo = time_index_.TruncateToRelativeOffset(state_.next_offset - base_offset_);
  if (undo.ok()) return cause;
  consistent_ = false;
  return absl::InternalError(
      absl::StrCat(cause.message(), "; undoing the partial write failed too: ", undo.message()));
}

absl::StatusOr<kafka::BatchHeader> Segment::ReadHeader(int64_t position) const {
  if (position < 0 || state_.size - position < static_cast<int64_t>(kafka::kBatchHeaderSize)) {
    return absl::DataLossError(
        absl::StrCat(log_->path(), ": no batch header at position ", position));
  }
  char raw[kafka::kBatchHeaderSize];
  SLUICE_RETURN_IF_ERROR(log_->PRead(position, sizeof(raw), raw));
  absl::StatusOr<kafka::BatchHeader> header =
      kafka::ParseBatchHeader(std::string_view(raw, sizeof(raw)));
  if (!header.ok()) {
    return absl::DataLossError(
        absl::StrCat(log_->path(), " at position ", position, ": ", header.status().message()));
  }
  if (static_cast<int64_t>(header->TotalSize()) > state_.size - position) {
    return absl::DataLossError(
        absl::StrCat(log_->path(), ": batch at position ", position, " runs past the end"));
  }
  return header;
}

absl::Status Segment::ReadBytes(int64_t position, int64_t length, std::string* out) const {
  size_t old_size = out->size();
  out->resize(old_size + static_cast<size_t>(length));
  absl::Status status = log_->PRead(position, static_cast<size_t>(length), out->data() + old_size);
  if (!status.ok()) out->resize(old_size);
  return status;
}

absl::StatusOr<std::optional<BatchLocation>> Segment::Locate(int64_t offset) const {
  if (offset >= state_.next_offset) return std::nullopt;
  int64_t position = 0;
  if (std::optional<OffsetIndexEntry> entry = offset_index_.Lookup(offset - base_offset_)) {
    absl::StatusOr<kafka::BatchHeader> h = ReadHeader(entry->position);
    if (h.ok() && h->base_offset == base_offset_ + entry->relative_offset) {
      position = entry->position;
    } else {
      // The index was checked at open, so this means the files changed underneath us.
      SLUICE_LOG(kWarn) << offset_index_.file().path() << ": entry (" << entry->relative_offset
                        << ", " << entry->position
                        << ") does not match the log; scanning from the start";
    }
  }
  // Each step moves past one whole batch, so this ends within size / header-size steps.
  while (position < state_.size) {
    SLUICE_ASSIGN_OR_RETURN(kafka::BatchHeader h, ReadHeader(position));
    if (h.LastOffset() >= offset) return BatchLocation{position, h};
    position += static_cast<int64_t>(h.TotalSize());
  }
  return absl::DataLossError(
      absl::StrCat(log_->path(), ": offset ", offset, " is below the segment end but in no batch"));
}

absl::StatusOr<std::optional<BatchLocation>> Segment::FindByTimestamp(int64_t timestamp) const {
  if (state_.cursor.max_timestamp < timestamp) return std::nullopt;
  int64_t position = 0;
  if (std::optional<TimeIndexEntry> entry = time_index_.LastBefore(timestamp)) {
    SLUICE_ASSIGN_OR_RETURN(std::optional<BatchLocation> start,
                            Locate(base_offset_ + entry->relative_offset));
    if (start) position = start->position;
  }
  while (position < state_.size) {
    SLUICE_ASSIGN_OR_RETURN(kafka::BatchHeader h, ReadHeader(position));
    if (h.max_timestamp >= timestamp) return BatchLocation{position, h};
    position += static_cast<int64_t>(h.TotalSize());
  }
  return std::nullopt;
}

absl::Status Segment::TruncateAt(int64_t position, int32_t index_interval_bytes) {
  if (position < 0 || position > state_.size) {
    return absl::InvalidArgumentError(absl::StrCat("cannot truncate ", log_->path(), " to ",
                                                   position, " of ", state_.size, " bytes"));
  }
  SLUICE_RETURN_IF_ERROR(log_->Truncate(position));
  state_.size = position;
  ScanOptions options;
  options.index_interval_bytes = index_interval_bytes;
  absl::StatusOr<SegmentScan> scan = ScanSegment(*log_, base_offset_, position, options, nullptr);
  if (!scan.ok() || !scan->problem.empty()) {
    consistent_ = false;
    return absl::DataLossError(absl::StrCat(log_->path(), ": rescanning after truncation failed: ",
                                            scan.ok() ? scan->problem : scan.status().message()));
  }
  SegmentState state = state_;
  state.next_offset = scan->next_offset;
  state.cursor = scan->cursor;
  absl::Status installed =
      InstallRecovered(state, std::move(scan->offset_entries), std::move(scan->time_entries));
  if (!installed.ok()) consistent_ = false;
  return installed;
}

uint32_t Segment::OffsetIndexChecksum() const {
  return kafka::Crc32c(OffsetIndex::Encode(offset_index_.entries()));
}

uint32_t Segment::TimeIndexChecksum() const {
  return kafka::Crc32c(TimeIndex::Encode(time_index_.entries()));
}

absl::Status Segment::Sync() const {
  SLUICE_RETURN_IF_ERROR(log_->DataSync());
  SLUICE_RETURN_IF_ERROR(offset_index_.file().DataSync());
  return time_index_.file().DataSync();
}

absl::StatusOr<File> Segment::DuplicateLogFile() const { return log_->Duplicate(); }

FileSlice Segment::Slice(int64_t position, int64_t length) const {
  return FileSlice{log_, log_->fd(), position, length};
}

void Segment::ReleaseIndexFiles() {
  // A failed close(2) still frees the descriptor; there is nothing to retry.
  offset_index_.Close().IgnoreError();
  time_index_.Close().IgnoreError();
}

absl::Status Segment::Close() {
  absl::Status status;
  // A pending response may still hold the .log (a slice); then its last holder closes it.
  // use_count() can only overstate here: no new slice can be taken meanwhile, as the
  // caller holds the log's lock exclusively or the segment was detached from the log.
  if (log_.use_count() == 1) {
    status = log_->Close();
  } else {
    log_ = std::make_shared<File>();
  }
  absl::Status index_status = offset_index_.Close();
  absl::Status time_status = time_index_.Close();
  if (status.ok()) status = index_status;
  if (status.ok()) status = time_status;
  return status;
}

absl::Status Segment::RemoveFiles() {
  Close().IgnoreError();  // Unlinking is what matters; a close error changes nothing.
  // The .log goes first: once it is gone the segment is gone, and index files left by a
  // crash here are removed at the next open as orphans.
  SLUICE_RETURN_IF_ERROR(RemoveFile(Path(kLogSuffix)));
  SLUICE_RETURN_IF_ERROR(RemoveFile(Path(kIndexSuffix)));
  return RemoveFile(Path(kTimeIndexSuffix));
}

}  // namespace sluice::log

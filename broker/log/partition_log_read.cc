// The read side of PartitionLog: Read, ReadSlices and FindByTimestamp.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "broker/log/partition_log.h"
#include "common/status.h"

namespace sluice::log {

size_t PartitionLog::SegmentIndexFor(int64_t offset) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](int64_t target, const std::unique_ptr<Segment>& segment) {
                               return target < segment->base_offset();
                             });
  return it == segments_.begin() ? 0 : static_cast<size_t>(it - segments_.begin()) - 1;
}

absl::StatusOr<ReadResult> PartitionLog::Read(int64_t offset, size_t max_bytes,
                                              int64_t max_offset_exclusive,
                                              bool min_one_batch) const {
  return ReadRuns(offset, max_bytes, max_offset_exclusive, min_one_batch, /*as_slices=*/false);
}

absl::StatusOr<ReadResult> PartitionLog::ReadSlices(int64_t offset, size_t max_bytes,
                                                    int64_t max_offset_exclusive,
                                                    bool min_one_batch) const {
  return ReadRuns(offset, max_bytes, max_offset_exclusive, min_one_batch, /*as_slices=*/true);
}

absl::StatusOr<ReadResult> PartitionLog::ReadRuns(int64_t offset, size_t max_bytes,
                                                  int64_t max_offset_exclusive, bool min_one_batch,
                                                  bool as_slices) const {
  absl::ReaderMutexLock lock(&mu_);
  if (closed_) return absl::FailedPreconditionError(absl::StrCat(dir_, " is closed"));
  ReadResult result;
  result.log_start_offset = log_start_offset_;
  result.log_end_offset = LogEndOffsetLocked();
  result.high_watermark = high_watermark_;
  result.next_offset = offset;
  if (offset < result.log_start_offset || offset > result.log_end_offset) {
    return absl::OutOfRangeError(absl::StrCat("offset ", offset, " is outside [",
                                              result.log_start_offset, ", ", result.log_end_offset,
                                              "] of ", dir_));
  }
  const int64_t limit = std::min(max_offset_exclusive, result.log_end_offset);
  if (offset >= limit) return result;

  size_t index = SegmentIndexFor(offset);
  SLUICE_ASSIGN_OR_RETURN(std::optional<BatchLocation> first, segments_[index]->Locate(offset));
  if (!first) {
    return absl::DataLossError(absl::StrCat(dir_, ": offset ", offset, " not found"));
  }
  int64_t position = first->position;
  std::optional<kafka::BatchHeader> next_header = first->header;
  uint64_t taken = 0;
  bool done = false;
  // Every inner step consumes one whole batch of a segment and every outer step one
  // segment, so both loops are bounded by the log's size.
  for (; !done && index < segments_.size(); ++index, position = 0) {
    const Segment& segment = *segments_[index];
    const int64_t start = position;
    while (position < segment.size()) {
      kafka::BatchHeader h;
      if (next_header) {
        h = *std::exchange(next_header, std::nullopt);
      } else {
        SLUICE_ASSIGN_OR_RETURN(h, segment.ReadHeader(position));
      }
      const uint64_t total = h.TotalSize();
      if (h.LastOffset() >= limit ||
          (taken + total > max_bytes && !(min_one_batch && taken == 0))) {
        done = true;
        break;
      }
      taken += total;
      position += static_cast<int64_t>(total);
      result.next_offset = h.LastOffset() + 1;
    }
    if (position > start && as_slices) {
      result.slices.push_back(segment.Slice(start, position - start));
    } else if (position > start) {
      SLUICE_RETURN_IF_ERROR(segment.ReadBytes(start, position - start, &result.records));
    }
  }
  return result;
}

absl::StatusOr<std::optional<TimestampLookup>> PartitionLog::FindByTimestamp(
    int64_t timestamp) const {
  absl::ReaderMutexLock lock(&mu_);
  if (closed_) return absl::FailedPreconditionError(absl::StrCat(dir_, " is closed"));
  for (const auto& segment : segments_) {
    if (segment->next_offset() <= log_start_offset_) continue;  // wholly below the start
    SLUICE_ASSIGN_OR_RETURN(std::optional<BatchLocation> found,
                            segment->FindByTimestamp(timestamp));
    // Batches that end below the log start (DeleteRecords) are gone, and a batch that
    // compaction emptied (kept only for its offsets and producer fields) holds no record:
    // take the next batch of this segment that reaches the timestamp.
    while (found && (found->header.LastOffset() < log_start_offset_ ||
                     found->header.max_timestamp < timestamp || found->header.record_count == 0)) {
      const int64_t next = found->position + static_cast<int64_t>(found->header.TotalSize());
      if (next >= segment->size()) {
        found.reset();
        break;
      }
      SLUICE_ASSIGN_OR_RETURN(kafka::BatchHeader header, segment->ReadHeader(next));
      found = BatchLocation{next, header};
    }
    if (!found) continue;
    TimestampLookup lookup;
    lookup.base_offset = found->header.base_offset;
    SLUICE_RETURN_IF_ERROR(segment->ReadBytes(
        found->position, static_cast<int64_t>(found->header.TotalSize()), &lookup.batch));
    return lookup;
  }
  return std::nullopt;
}

}  // namespace sluice::log

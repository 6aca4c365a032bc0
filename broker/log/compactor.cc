#include "broker/log/compactor.h"

#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "broker/log/segment_scan.h"
#include "common/kafka/records/compression.h"
#include "common/kafka/records/record.h"
#include "common/log.h"
#include "common/status.h"

namespace sluice::log {
namespace {

constexpr size_t kReadChunk = 1 << 20;
constexpr size_t kWriteChunk = 1 << 20;
// Bound on one batch's decompressed records (produce validation keeps batches far below).
constexpr size_t kMaxDecompressed = size_t{256} << 20;

int64_t RecordTimestamp(const kafka::BatchHeader& h, const kafka::RecordView& r) {
  return h.log_append_time() ? h.max_timestamp : h.base_timestamp + r.timestamp_delta;
}

// True if the producer-state table refers to this batch (one of a producer's retained
// batches, or its last batch).
bool Pinned(const ProducerStateTable& producers, const kafka::BatchHeader& h) {
  if (h.producer_id < 0) return false;
  auto it = producers.producers().find(h.producer_id);
  if (it == producers.producers().end()) return false;
  if (it->second.last_offset == h.LastOffset()) return true;
  for (const ProducerBatch& b : it->second.batches) {
    if (b.base_offset == h.base_offset) return true;
  }
  return false;
}

std::string EmptyBatch(const kafka::BatchHeader& source) {
  kafka::BatchHeader h = source;
  h.attributes = static_cast<int16_t>(h.attributes & ~kafka::kAttributeCompressionMask);
  h.record_count = 0;
  h.base_timestamp = source.max_timestamp;
  h.batch_length = static_cast<int32_t>(kafka::kBatchHeaderSize - kafka::kBatchLengthFieldEnd);
  std::string out(kafka::kBatchHeaderSize, '\0');
  kafka::EncodeBatchHeader(h, out.data());
  kafka::StoreBatchCrc(out.data(), kafka::ComputeBatchCrc(out));
  return out;
}

// Buffers the output .log and tracks what a Segment would: size, offsets, indexes.
class CleanedWriter {
 public:
  CleanedWriter(File log, int64_t base, int32_t index_interval_bytes)
      : log_(std::move(log)), interval_(index_interval_bytes) {
    out_.base_offset = base;
    out_.state.next_offset = base;
  }

  absl::Status Add(std::string_view batch, const kafka::BatchHeader& h) {
    IndexStep step = PlanIndexStep(out_.state.cursor, interval_, out_.state.size,
                                   h.base_offset - out_.base_offset,
                                   static_cast<int64_t>(batch.size()), h.max_timestamp);
    if (step.offset_entry) out_.offsets.push_back(*step.offset_entry);
    if (step.time_entry) out_.times.push_back(*step.time_entry);
    out_.state.cursor = step.next;
    out_.state.size += static_cast<int64_t>(batch.size());
    out_.state.next_offset = h.LastOffset() + 1;
    buffer_.append(batch);
    if (buffer_.size() >= kWriteChunk) return Drain();
    return absl::OkStatus();
  }

  int64_t next_offset() const { return out_.state.next_offset; }

  absl::StatusOr<CleanedSegment> Finish() {
    SLUICE_RETURN_IF_ERROR(Drain());
    SLUICE_RETURN_IF_ERROR(log_.DataSync());
    SLUICE_RETURN_IF_ERROR(log_.Close());
    return std::move(out_);
  }

  CleanedSegment& out() { return out_; }

 private:
  absl::Status Drain() {
    if (buffer_.empty()) return absl::OkStatus();
    SLUICE_RETURN_IF_ERROR(log_.PWrite(written_, buffer_));
    written_ += static_cast<int64_t>(buffer_.size());
    buffer_.clear();
    return absl::OkStatus();
  }

  File log_;
  int32_t interval_;
  CleanedSegment out_;
  std::string buffer_;
  int64_t written_ = 0;
};

}  // namespace

std::string CompactionPath(const std::string& dir, int64_t base, std::string_view suffix,
                           std::string_view extra) {
  return absl::StrCat(dir, "/", SegmentFileName(base, suffix), std::string(extra));
}

absl::Status ForEachBatch(
    const SourceSegment& source,
    const std::function<absl::Status(const kafka::BatchHeader&, std::string_view)>& visit) {
  std::string chunk;
  int64_t chunk_start = 0;
  int64_t position = 0;
  // Each step consumes one whole batch (at least a header) or fails.
  while (position < source.size) {
    auto ensure = [&](int64_t length) -> absl::Status {
      if (position >= chunk_start &&
          position + length <= chunk_start + static_cast<int64_t>(chunk.size())) {
        return absl::OkStatus();
      }
      const int64_t want = std::min(source.size - position, std::max<int64_t>(length, kReadChunk));
      chunk.resize(static_cast<size_t>(want));
      chunk_start = position;
      return source.log.PRead(position, chunk.size(), chunk.data());
    };
    if (source.size - position < static_cast<int64_t>(kafka::kBatchHeaderSize)) {
      return absl::DataLossError(
          absl::StrCat(source.log.path(), ": torn batch header at position ", position));
    }
    SLUICE_RETURN_IF_ERROR(ensure(kafka::kBatchHeaderSize));
    const char* at = chunk.data() + (position - chunk_start);
    absl::StatusOr<kafka::BatchHeader> h =
        kafka::ParseBatchHeader(std::string_view(at, kafka::kBatchHeaderSize));
    if (!h.ok()) {
      return absl::DataLossError(
          absl::StrCat(source.log.path(), " at ", position, ": ", h.status().message()));
    }
    const int64_t total = static_cast<int64_t>(h->TotalSize());
    if (total > source.size - position) {
      return absl::DataLossError(
          absl::StrCat(source.log.path(), ": batch at ", position, " runs past the end"));
    }
    SLUICE_RETURN_IF_ERROR(ensure(total));
    at = chunk.data() + (position - chunk_start);
    SLUICE_RETURN_IF_ERROR(visit(*h, std::string_view(at, static_cast<size_t>(total))));
    position += total;
  }
  return absl::OkStatus();
}

absl::Status AddToOffsetMap(const SourceSegment& source, OffsetMap* map, int64_t* map_bytes) {
  return ForEachBatch(source, [=](const kafka::BatchHeader& h, std::string_view batch) {
    if (h.is_control() || h.record_count == 0) return absl::OkStatus();
    absl::Status decoded = kafka::ForEachRecord(
        h, batch, kMaxDecompressed,
        [&](const kafka::RecordView& r) {
          if (r.key) {
            auto [it, inserted] = map->try_emplace(std::string(*r.key), 0);
            it->second = std::max(it->second, h.base_offset + r.offset_delta);
            if (inserted) {
              *map_bytes += static_cast<int64_t>(r.key->size()) + kOffsetMapEntryOverhead;
            }
          }
          return absl::OkStatus();
        },
        kafka::OffsetDeltas::kIncreasing);
    if (!decoded.ok()) {
      return absl::DataLossError(
          absl::StrCat("batch at offset ", h.base_offset, " does not decode: ", decoded.message()));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<CleanedSegment> WriteCleanedSegment(const std::string& dir,
                                                   const std::vector<const SourceSegment*>& group,
                                                   const CleanContext& context) {
  const int64_t base = group.front()->base_offset;
  const int64_t end = group.back()->next_offset;
  SLUICE_ASSIGN_OR_RETURN(
      File log, File::OpenReadWrite(CompactionPath(dir, base, kLogSuffix, kCleanedSuffix), true));
  CleanedWriter writer(std::move(log), base, context.index_interval_bytes);
  CleanedSegment& stats = writer.out();
  std::string records;
  std::string rebuilt;
  for (const SourceSegment* source : group) {
    SLUICE_RETURN_IF_ERROR(ForEachBatch(
        *source, [&](const kafka::BatchHeader& h, std::string_view batch) -> absl::Status {
          const bool last_of_group = h.LastOffset() + 1 == end;
          if (h.is_control() || h.is_transactional() || h.record_count == 0) {
            // No transactions yet: such batches (and empty ones) are kept as they are.
            return writer.Add(batch, h);
          }
          records.clear();
          int32_t kept = 0;
          int64_t max_timestamp = -1;
          absl::Status decoded = kafka::ForEachRecord(
              h, batch, kMaxDecompressed,
              [&](const kafka::RecordView& r) {
                ++stats.records_read;
                const int64_t offset = h.base_offset + r.offset_delta;
                bool keep = r.key.has_value();
                if (keep) {
                  auto it = context.map->find(std::string(*r.key));
                  keep = it == context.map->end() || it->second <= offset;
                }
                if (keep && !r.value.has_value()) {
                  int64_t ts = RecordTimestamp(h, r);
                  if (ts < 0) ts = h.max_timestamp;
                  if (ts >= 0 && context.now_ms - ts > context.delete_retention_ms) {
                    keep = false;
                    ++stats.tombstones_removed;
                  } else if (ts >= 0) {
                    stats.tombstone_deadline_ms =
                        std::min(stats.tombstone_deadline_ms, ts + context.delete_retention_ms);
                  }
                }
                if (!keep) {
                  ++stats.records_removed;
                  return absl::OkStatus();
                }
                ++kept;
                records.append(r.raw);
                max_timestamp = std::max(max_timestamp, RecordTimestamp(h, r));
                return absl::OkStatus();
              },
              kafka::OffsetDeltas::kIncreasing);
          if (!decoded.ok()) {
            return absl::DataLossError(absl::StrCat(source->log.path(), ": batch at offset ",
                                                    h.base_offset,
                                                    " does not decode: ", decoded.message()));
          }
          if (kept == h.record_count) return writer.Add(batch, h);  // unchanged: copy as is
          if (kept == 0) {
            if (!last_of_group && !Pinned(*context.producers, h)) return absl::OkStatus();
            std::string empty = EmptyBatch(h);
            SLUICE_ASSIGN_OR_RETURN(kafka::BatchHeader eh, kafka::ParseBatchHeader(empty));
            return writer.Add(empty, eh);
          }
          kafka::BatchHeader nh = h;
          nh.record_count = kept;
          if (!h.log_append_time()) nh.max_timestamp = max_timestamp;
          std::string payload;
          if (h.compression() == kafka::Compression::kNone) {
            payload = std::move(records);
            records = std::string();
          } else {
            SLUICE_ASSIGN_OR_RETURN(payload, kafka::Compress(h.compression(), records));
          }
          nh.batch_length = static_cast<int32_t>(kafka::kBatchHeaderSize -
                                                 kafka::kBatchLengthFieldEnd + payload.size());
          rebuilt.assign(kafka::kBatchHeaderSize, '\0');
          kafka::EncodeBatchHeader(nh, rebuilt.data());
          rebuilt.append(payload);
          kafka::StoreBatchCrc(rebuilt.data(), kafka::ComputeBatchCrc(rebuilt));
          return writer.Add(rebuilt, nh);
        }));
  }
  if (writer.next_offset() != end) {
    return absl::InternalError(absl::StrCat("cleaned segment ", base, " ends at ",
                                            writer.next_offset(), ", not at ", end));
  }
  SLUICE_ASSIGN_OR_RETURN(CleanedSegment out, writer.Finish());
  {
    SLUICE_ASSIGN_OR_RETURN(
        File index,
        File::OpenReadWrite(CompactionPath(dir, base, kIndexSuffix, kCleanedSuffix), true));
    SLUICE_RETURN_IF_ERROR(index.PWrite(0, OffsetIndex::Encode(out.offsets)));
    SLUICE_ASSIGN_OR_RETURN(
        File times,
        File::OpenReadWrite(CompactionPath(dir, base, kTimeIndexSuffix, kCleanedSuffix), true));
    SLUICE_RETURN_IF_ERROR(times.PWrite(0, TimeIndex::Encode(out.times)));
  }
  return out;
}

absl::Status RemoveCleanedFiles(const std::string& dir, int64_t base) {
  SLUICE_RETURN_IF_ERROR(RemoveFile(CompactionPath(dir, base, kLogSuffix, kCleanedSuffix)));
  SLUICE_RETURN_IF_ERROR(RemoveFile(CompactionPath(dir, base, kIndexSuffix, kCleanedSuffix)));
  return RemoveFile(CompactionPath(dir, base, kTimeIndexSuffix, kCleanedSuffix));
}

absl::StatusOr<bool> FinishInterruptedCompaction(const std::string& dir) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir));
  auto parse = [](std::string_view name, std::string_view extra) -> std::optional<int64_t> {
    if (!name.ends_with(extra)) return std::nullopt;
    name.remove_suffix(extra.size());
    return ParseSegmentFileName(name, kLogSuffix);
  };
  std::vector<int64_t> logs, swaps;
  std::map<int64_t, bool> deleted;  // base -> still present
  bool changed = false;
  for (const std::string& name : names) {
    if (auto b = ParseSegmentFileName(name, kLogSuffix)) logs.push_back(*b);
    if (auto b = parse(name, kSwapSuffix)) swaps.push_back(*b);
    if (auto b = parse(name, kDeletedSuffix)) deleted[*b] = true;
  }
  std::sort(logs.begin(), logs.end());
  for (int64_t base : swaps) {
    const std::string swap = CompactionPath(dir, base, kLogSuffix, kSwapSuffix);
    SLUICE_ASSIGN_OR_RETURN(File file, File::OpenReadOnly(swap));
    SLUICE_ASSIGN_OR_RETURN(int64_t size, file.Size());
    SLUICE_ASSIGN_OR_RETURN(
        SegmentScan scan, ScanSegment(file, base, size, ScanOptions{.verify_crc = true}, nullptr));
    changed = true;
    if (!scan.problem.empty() || size == 0) {
      // Cannot happen unless the disk lost synced data: keep the old segments.
      auto next = std::upper_bound(logs.begin(), logs.end(), base);
      const int64_t limit = next == logs.end() ? INT64_MAX : *next;
      SLUICE_LOG(kError) << swap << " is damaged (" << scan.problem
                         << "); rolling the compaction back";
      for (auto& [b, present] : deleted) {
        if (b > base && b < limit && present) {
          SLUICE_RETURN_IF_ERROR(Rename(CompactionPath(dir, b, kLogSuffix, kDeletedSuffix),
                                        CompactionPath(dir, b, kLogSuffix, "")));
          present = false;
        }
      }
      SLUICE_RETURN_IF_ERROR(RemoveFile(swap));
      continue;
    }
    const int64_t end = scan.next_offset;
    for (int64_t b : logs) {
      if (b > base && b < end) {
        SLUICE_RETURN_IF_ERROR(RemoveFile(CompactionPath(dir, b, kLogSuffix, "")));
      }
    }
    SLUICE_RETURN_IF_ERROR(Rename(swap, CompactionPath(dir, base, kLogSuffix, "")));
    SLUICE_LOG(kWarn) << "completed an interrupted compaction of " << dir << ": segment " << base
                      << " now covers offsets up to " << end;
  }
  // Leftovers: unfinished outputs (rolled back) and replaced inputs (already swapped).
  for (const std::string& name : names) {
    std::optional<int64_t> replaced = parse(name, kDeletedSuffix);
    if (std::string_view(name).ends_with(kCleanedSuffix) || (replaced && deleted[*replaced])) {
      SLUICE_LOG(kInfo) << "removing compaction leftover " << dir << "/" << name;
      SLUICE_RETURN_IF_ERROR(RemoveFile(absl::StrCat(dir, "/", name)));
      changed = true;
    }
  }
  if (changed) SLUICE_RETURN_IF_ERROR(SyncDir(dir));
  return changed;
}

}  // namespace sluice::log

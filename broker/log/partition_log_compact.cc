// The compaction side of PartitionLog: Compact (see compactor.h for the design).
#include <algorithm>
#include <chrono>
#include <limits>

#include "absl/strings/str_cat.h"
#include "broker/log/partition_log.h"
#include "common/log.h"
#include "common/status.h"

namespace sluice::log {
namespace {

struct Group {
  std::vector<const SourceSegment*> sources;
  CleanedSegment cleaned;
};

// Consecutive sources whose total size stays within segment_bytes and whose offsets fit
// the 32-bit relative offsets of one segment; a source alone always forms a group.
std::vector<Group> PlanGroups(const std::vector<SourceSegment>& sources, const LogConfig& config) {
  std::vector<Group> groups;
  int64_t size = 0;
  for (const SourceSegment& s : sources) {
    if (!groups.empty()) {
      const int64_t base = groups.back().sources.front()->base_offset;
      const bool fits =
          size + s.size <= config.segment_bytes &&
          s.next_offset - base <= std::numeric_limits<int32_t>::max() &&
          (size + s.size) / std::max(1, config.index_interval_bytes) < config.max_index_entries;
      if (fits) {
        groups.back().sources.push_back(&s);
        size += s.size;
        continue;
      }
    }
    groups.emplace_back().sources.push_back(&s);
    size = s.size;
  }
  return groups;
}

}  // namespace

int64_t PartitionLog::first_dirty_offset() const {
  absl::ReaderMutexLock lock(&mu_);
  return first_dirty_offset_;
}

void PartitionLog::WriteCleanerCheckpoint(int64_t offset) const {
  absl::Status written = WriteFileAtomically(dir_, kCleanerCheckpointFile, absl::StrCat(offset));
  if (!written.ok()) {
    SLUICE_LOG(kWarn) << dir_ << ": could not record the cleaner offset: " << written.message();
  }
}

absl::StatusOr<CompactionResult> PartitionLog::Compact(const CompactionPolicy& policy) {
  absl::MutexLock pass(&compaction_mu_);
  const auto started = std::chrono::steady_clock::now();
  CompactionResult result;
  std::vector<SourceSegment> sources;
  ProducerStateTable producers;
  LogConfig config;
  int64_t first_dirty = 0;
  const int64_t now = clock_();
  {
    absl::ReaderMutexLock lock(&mu_);
    SLUICE_RETURN_IF_ERROR(CheckWritable());
    config = config_;
    // The cleanable prefix: closed, below the high watermark, older than the lag.
    size_t count = 0;
    while (count + 1 < segments_.size()) {
      const Segment& s = *segments_[count];
      if (s.next_offset() > high_watermark_) break;
      if (policy.min_compaction_lag_ms > 0 &&
          s.max_timestamp() > now - policy.min_compaction_lag_ms)
        break;
      ++count;
    }
    if (count == 0) {
      result.skipped_why = "no closed segment is cleanable yet";
      return result;
    }
    first_dirty = first_dirty_offset_;
    const bool known = std::any_of(segments_.begin(), segments_.begin() + count,
                                   [&](const auto& s) { return s->base_offset() == first_dirty; });
    if (!known && first_dirty != segments_[count]->base_offset()) {
      first_dirty = segments_.front()->base_offset();
    }
    int64_t clean = 0, dirty = 0;
    for (size_t i = 0; i < count; ++i) {
      (segments_[i]->base_offset() < first_dirty ? clean : dirty) += segments_[i]->size();
    }
    result.dirty_ratio = clean + dirty > 0 ? static_cast<double>(dirty) / (clean + dirty) : 0;
    // Kept tombstones that have expired make the log worth a pass whatever its ratio.
    const bool tombstones_due = now > tombstone_deadline_ms_;
    if (!policy.ignore_dirty_ratio && !tombstones_due &&
        (dirty == 0 || result.dirty_ratio < policy.min_cleanable_dirty_ratio)) {
      result.skipped_why = absl::StrCat("dirty ratio ", result.dirty_ratio, " below ",
                                        policy.min_cleanable_dirty_ratio);
      return result;
    }
    for (size_t i = 0; i < count; ++i) {
      const Segment& s = *segments_[i];
      SLUICE_ASSIGN_OR_RETURN(File dup, s.DuplicateLogFile());
      sources.push_back(SourceSegment{s.base_offset(), s.next_offset(), s.size(), std::move(dup)});
      result.bytes_before += s.size();
    }
    producers = producers_;
  }

  // 1. Key -> latest offset over the dirty part, as far as the map's bound allows; the
  // pass then ends after the last segment mapped. 2. Rewrite every group.
  OffsetMap map;
  int64_t map_bytes = 0;
  size_t mapped = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    if (sources[i].base_offset < first_dirty) continue;
    if (mapped > 0 && map_bytes >= policy.max_map_bytes) {
      for (size_t j = i; j < sources.size(); ++j) result.bytes_before -= sources[j].size;
      sources.resize(i);
      break;
    }
    SLUICE_RETURN_IF_ERROR(AddToOffsetMap(sources[i], &map, &map_bytes));
    ++mapped;
  }
  result.first_offset = sources.front().base_offset;
  result.end_offset = sources.back().next_offset;
  result.segments_before = sources.size();
  std::vector<Group> groups = PlanGroups(sources, config);
  CleanContext context{&map, &producers, now, policy.delete_retention_ms,
                       config.index_interval_bytes};
  auto remove_outputs = [&] {
    for (const Group& g : groups) {
      RemoveCleanedFiles(dir_, g.sources.front()->base_offset).IgnoreError();
    }
  };
  for (Group& g : groups) {
    absl::StatusOr<CleanedSegment> cleaned = WriteCleanedSegment(dir_, g.sources, context);
    if (!cleaned.ok()) {
      remove_outputs();
      return cleaned.status();
    }
    g.cleaned = std::move(*cleaned);
    g.cleaned.state.created_ms = now;
    result.records_read += g.cleaned.records_read;
    result.records_removed += g.cleaned.records_removed;
    result.tombstones_removed += g.cleaned.tombstones_removed;
    result.tombstone_deadline_ms =
        std::min(result.tombstone_deadline_ms, g.cleaned.tombstone_deadline_ms);
    result.bytes_after += g.cleaned.state.size;
  }

  // 3. The swap, under the exclusive lock.
  std::vector<std::unique_ptr<Segment>> replaced_first;  // their .log was renamed over
  std::vector<std::unique_ptr<Segment>> replaced_rest;   // their .log is now .log.deleted
  {
    absl::MutexLock lock(&mu_);
    absl::Status writable = CheckWritable();
    size_t first = 0;
    bool unchanged = writable.ok();
    if (unchanged) {
      while (first < segments_.size() && segments_[first]->base_offset() < result.first_offset) {
        ++first;
      }
      unchanged = first + sources.size() < segments_.size();
      for (size_t i = 0; unchanged && i < sources.size(); ++i) {
        const Segment& s = *segments_[first + i];
        unchanged = s.base_offset() == sources[i].base_offset && s.size() == sources[i].size &&
                    s.next_offset() == sources[i].next_offset;
      }
    }
    if (!unchanged) {
      remove_outputs();
      SLUICE_RETURN_IF_ERROR(writable);
      result.skipped_why = "the log changed during the pass";
      return result;
    }
    int step = 0;
    // Simulated crash for tests: leaves the files as they are and fails the log.
    auto crash_here = [&]() -> bool {
      if (policy.crash_after_swap_steps >= 0 && step++ == policy.crash_after_swap_steps) {
        failure_ = absl::AbortedError(absl::StrCat("simulated crash during compaction of ", dir_));
        return true;
      }
      return false;
    };
    auto fail = [&](const absl::Status& status) {
      failure_ = absl::InternalError(
          absl::StrCat("compaction swap failed (a reopen completes it): ", status.message()));
      SLUICE_LOG(kError) << dir_ << ": " << failure_.message();
      return failure_;
    };
    for (const Group& g : groups) {
      if (crash_here()) return failure_;
      const int64_t base = g.sources.front()->base_offset;
      absl::Status renamed = Rename(CompactionPath(dir_, base, kLogSuffix, kCleanedSuffix),
                                    CompactionPath(dir_, base, kLogSuffix, kSwapSuffix));
      if (!renamed.ok()) {
        // Nothing is committed yet: put the swaps back to .cleaned and drop them all.
        for (const Group& h : groups) {
          const int64_t b = h.sources.front()->base_offset;
          RemoveFile(CompactionPath(dir_, b, kLogSuffix, kSwapSuffix)).IgnoreError();
        }
        remove_outputs();
        return renamed;
      }
    }
    if (crash_here()) return failure_;
    if (absl::Status synced = SyncDir(dir_); !synced.ok()) return fail(synced);  // commit
    for (const Group& g : groups) {
      const int64_t base = g.sources.front()->base_offset;
      for (size_t i = 1; i < g.sources.size(); ++i) {
        if (crash_here()) return failure_;
        const int64_t b = g.sources[i]->base_offset;
        absl::Status renamed = Rename(CompactionPath(dir_, b, kLogSuffix, ""),
                                      CompactionPath(dir_, b, kLogSuffix, kDeletedSuffix));
        if (!renamed.ok()) return fail(renamed);
      }
      for (std::string_view suffix : {kLogSuffix, kIndexSuffix, kTimeIndexSuffix}) {
        if (crash_here()) return failure_;
        const std::string_view from = suffix == kLogSuffix ? kSwapSuffix : kCleanedSuffix;
        absl::Status renamed = Rename(CompactionPath(dir_, base, suffix, from),
                                      CompactionPath(dir_, base, suffix, ""));
        if (!renamed.ok()) return fail(renamed);
      }
    }
    // In memory: the cleaned segments take the place of their sources.
    std::vector<std::unique_ptr<Segment>> fresh;
    for (Group& g : groups) {
      const int64_t base = g.sources.front()->base_offset;
      absl::StatusOr<std::unique_ptr<Segment>> segment = Segment::OpenFiles(dir_, base);
      absl::Status installed = segment.status();
      if (installed.ok()) {
        installed = (*segment)->InstallRecovered(g.cleaned.state, std::move(g.cleaned.offsets),
                                                 std::move(g.cleaned.times));
      }
      if (!installed.ok()) return fail(installed);
      (*segment)->ReleaseIndexFiles();  // compaction cleans closed segments only
      fresh.push_back(std::move(*segment));
    }
    size_t at = first;
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      for (size_t i = 0; i < groups[gi].sources.size(); ++i, ++at) {
        (i == 0 ? replaced_first : replaced_rest).push_back(std::move(segments_[at]));
      }
    }
    segments_.erase(segments_.begin() + static_cast<ptrdiff_t>(first),
                    segments_.begin() + static_cast<ptrdiff_t>(first + sources.size()));
    segments_.insert(segments_.begin() + static_cast<ptrdiff_t>(first),
                     std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()));
    size_bytes_ += result.bytes_after - result.bytes_before;
    dir_dirty_ = true;
    first_dirty_offset_ = result.end_offset;
    tombstone_deadline_ms_ = result.tombstone_deadline_ms;
    result.segments_after = groups.size();
  }

  // 4. Outside the lock: make the renames durable, then drop the replaced files.
  if (absl::Status synced = SyncDir(dir_); !synced.ok()) {
    SLUICE_LOG(kWarn) << dir_ << ": " << synced.message();
  }
  for (const auto& segment : replaced_first) segment->Close().IgnoreError();
  for (const auto& segment : replaced_rest) {
    absl::Status removed = segment->RemoveFiles();
    if (removed.ok()) {
      removed =
          RemoveFile(CompactionPath(dir_, segment->base_offset(), kLogSuffix, kDeletedSuffix));
    }
    if (!removed.ok()) {
      SLUICE_LOG(kWarn) << dir_ << ": could not remove a compacted segment: " << removed.message();
    }
  }
  WriteCleanerCheckpoint(result.end_offset);
  result.ran = true;
  result.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  SLUICE_LOG(kInfo) << dir_ << ": compacted offsets " << result.first_offset << ".."
                    << result.end_offset << " (dirty ratio " << result.dirty_ratio
                    << "): " << result.segments_before << " segments, " << result.bytes_before
                    << " bytes -> " << result.segments_after << " segments, " << result.bytes_after
                    << " bytes; " << result.records_removed << " of " << result.records_read
                    << " records removed (" << result.tombstones_removed << " tombstones) in "
                    << result.duration_ms << " ms";
  return result;
}

}  // namespace sluice::log

#include "broker/log/log_loader.h"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "broker/log/checkpoint.h"
#include "broker/log/compactor.h"
#include "broker/log/file.h"
#include "broker/log/segment_scan.h"
#include "common/log.h"
#include "common/status.h"

namespace sluice::log {
namespace {

constexpr int64_t kMaxCheckpointBytes = int64_t{256} << 20;

struct Inventory {
  std::vector<int64_t> bases;  // Of the .log files, ascending.
  bool has_checkpoint = false;
};

std::string PathOf(const std::string& dir, std::string_view name) {
  return absl::StrCat(dir, "/", std::string(name));
}

absl::StatusOr<Inventory> TakeInventory(const std::string& dir) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir));
  Inventory inv;
  std::vector<std::pair<int64_t, std::string>> index_files;
  for (const std::string& name : names) {
    if (name == kCleanShutdownFile) {
      inv.has_checkpoint = true;
    } else if (name == kCleanerCheckpointFile) {
      continue;  // read by PartitionLog::Open
    } else if (std::optional<int64_t> base = ParseSegmentFileName(name, kLogSuffix)) {
      inv.bases.push_back(*base);
    } else if (std::optional<int64_t> base = ParseSegmentFileName(name, kIndexSuffix)) {
      index_files.emplace_back(*base, name);
    } else if (std::optional<int64_t> base = ParseSegmentFileName(name, kTimeIndexSuffix)) {
      index_files.emplace_back(*base, name);
    } else if (absl::EndsWith(name, ".tmp")) {
      SLUICE_LOG(kWarn) << "removing temporary file " << PathOf(dir, name);
      SLUICE_RETURN_IF_ERROR(RemoveFile(PathOf(dir, name)));
    } else {
      SLUICE_LOG(kWarn) << "ignoring unexpected file " << PathOf(dir, name);
    }
  }
  std::sort(inv.bases.begin(), inv.bases.end());
  for (const auto& [base, name] : index_files) {
    if (!std::binary_search(inv.bases.begin(), inv.bases.end(), base)) {
      SLUICE_LOG(kWarn) << "removing index without a log: " << PathOf(dir, name);
      SLUICE_RETURN_IF_ERROR(RemoveFile(PathOf(dir, name)));
    }
  }
  return inv;
}

// Roll-by-age reference of a recovered segment: its first batch's timestamp if that is
// plausible (not in the future), otherwise now. An old first timestamp at worst rolls
// the segment at the next append.
int64_t RecoveredCreatedMs(const SegmentScan& scan, int64_t now_ms) {
  if (scan.first_max_timestamp >= 0 && scan.first_max_timestamp <= now_ms) {
    return scan.first_max_timestamp;
  }
  return now_ms;
}

// The clean path. Returns nullopt (after logging why) when the checkpoint cannot be
// trusted; errors only for I/O failures.
absl::StatusOr<std::optional<LoadedLog>> LoadFromCheckpoint(const std::string& dir,
                                                            const LogConfig& config,
                                                            const std::vector<int64_t>& bases) {
  const std::string path = PathOf(dir, kCleanShutdownFile);
  absl::StatusOr<std::string> bytes = ReadSmallFile(path, kMaxCheckpointBytes);
  absl::StatusOr<LogCheckpoint> checkpoint =
      bytes.ok() ? DecodeCheckpoint(*bytes) : absl::StatusOr<LogCheckpoint>(bytes.status());
  if (!checkpoint.ok()) {
    SLUICE_LOG(kWarn) << path << " unusable (" << checkpoint.status().message()
                      << "); running full recovery";
    return std::nullopt;
  }
  bool matches = checkpoint->segments.size() == bases.size();
  for (size_t i = 0; matches && i < bases.size(); ++i) {
    const SegmentCheckpoint& s = checkpoint->segments[i];
    std::error_code ec;
    const std::string log_path = PathOf(dir, SegmentFileName(bases[i], kLogSuffix));
    const auto size = std::filesystem::file_size(log_path, ec);
    absl::StatusOr<int64_t> mtime = FileMtimeNs(log_path);
    matches = !ec && mtime.ok() && *mtime == s.log_mtime_ns && s.base_offset == bases[i] &&
              s.state.size >= 0 &&
              static_cast<int64_t>(size) == s.state.size && s.state.next_offset >= s.base_offset &&
              (i == 0 || s.base_offset == checkpoint->segments[i - 1].state.next_offset);
  }
  if (!matches || bases.empty()) {
    SLUICE_LOG(kWarn) << path << " does not match the segments on disk; running full recovery";
    return std::nullopt;
  }
  LoadedLog loaded;
  loaded.clean = true;
  loaded.producers = std::move(checkpoint->producers);
  loaded.high_watermark = checkpoint->high_watermark;
  for (const SegmentCheckpoint& s : checkpoint->segments) {
    SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<Segment> segment,
                            Segment::OpenFiles(dir, s.base_offset));
    absl::Status installed = segment->InstallCheckpointed(
        s.state, s.offset_index_crc, s.time_index_crc, config.max_index_entries);
    if (absl::IsDataLoss(installed)) {
      // Most likely a damaged index: rebuild it from the headers, if the .log agrees.
      SLUICE_LOG(kWarn) << installed.message() << "; rebuilding the indexes";
      ScanOptions options;
      options.index_interval_bytes = config.index_interval_bytes;
      SLUICE_ASSIGN_OR_RETURN(SegmentScan scan, ScanSegment(segment->log_file(), s.base_offset,
                                                            s.state.size, options, nullptr));
      if (!scan.problem.empty() || scan.next_offset != s.state.next_offset ||
          scan.cursor.max_timestamp != s.state.cursor.max_timestamp) {
        SLUICE_LOG(kWarn) << "segment " << s.base_offset << " disagrees with " << path << " ("
                          << scan.problem << "); running full recovery";
        return std::nullopt;
      }
      SegmentState state = s.state;
      state.cursor = scan.cursor;
      installed = segment->InstallRecovered(state, std::move(scan.offset_entries),
                                            std::move(scan.time_entries));
    }
    SLUICE_RETURN_IF_ERROR(installed);
    loaded.segments.push_back(std::move(segment));
  }
  return loaded;
}

absl::Status RemoveSegmentFiles(const std::string& dir, int64_t base) {
  SLUICE_RETURN_IF_ERROR(RemoveFile(PathOf(dir, SegmentFileName(base, kLogSuffix))));
  SLUICE_RETURN_IF_ERROR(RemoveFile(PathOf(dir, SegmentFileName(base, kIndexSuffix))));
  return RemoveFile(PathOf(dir, SegmentFileName(base, kTimeIndexSuffix)));
}

// Removes the segments bases[from..] (the .log first, so the removal is atomic per
// segment) and drops them from `bases`.
absl::Status DropSegmentsFrom(const std::string& dir, std::vector<int64_t>* bases, size_t from) {
  for (size_t i = bases->size(); i-- > from;) {
    SLUICE_LOG(kError) << "removing segment "
                       << PathOf(dir, SegmentFileName((*bases)[i], kLogSuffix));
    SLUICE_RETURN_IF_ERROR(RemoveSegmentFiles(dir, (*bases)[i]));
  }
  bases->resize(from);
  return SyncDir(dir);
}

// One recovery pass. Sets *restart (after removing segments) when an older segment
// turned out damaged, so that the caller runs a fresh pass over what is left.
absl::StatusOr<LoadedLog> RecoverPass(const std::string& dir, const LogConfig& config,
                                      int64_t now_ms, std::vector<int64_t>* bases, bool* restart) {
  LoadedLog loaded;
  *restart = false;
  for (size_t i = 0; i < bases->size(); ++i) {
    const int64_t base = (*bases)[i];
    const bool last = i + 1 == bases->size();
    if (i > 0 && base != loaded.segments.back()->next_offset()) {
      SLUICE_LOG(kError) << "segment " << base << " in " << dir << " does not follow offset "
                         << loaded.segments.back()->next_offset();
      SLUICE_RETURN_IF_ERROR(DropSegmentsFrom(dir, bases, i));
      *restart = true;
      return loaded;
    }
    SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<Segment> segment, Segment::OpenFiles(dir, base));
    SLUICE_ASSIGN_OR_RETURN(int64_t size, segment->log_file().Size());
    ScanOptions options;
    options.verify_crc = last;
    options.allow_gaps = !last;
    options.index_interval_bytes = config.index_interval_bytes;
    SLUICE_ASSIGN_OR_RETURN(SegmentScan scan,
                            ScanSegment(segment->log_file(), base, size, options,
                                        [&loaded](const kafka::BatchHeader& h, int64_t) {
                                          loaded.producers.Record(h);
                                        }));
    if (!scan.problem.empty()) {
      if (!last) {
        SLUICE_LOG(kError) << segment->log_file().path() << " is damaged (" << scan.problem
                           << "); it becomes the last segment";
        SLUICE_RETURN_IF_ERROR(DropSegmentsFrom(dir, bases, i + 1));
        *restart = true;
        return loaded;
      }
      SLUICE_LOG(kWarn) << "truncating " << segment->log_file().path() << " from " << size << " to "
                        << scan.valid_size << " bytes, keeping offsets up to "
                        << scan.next_offset - 1 << ": " << scan.problem;
    }
    SegmentState state;
    state.size = scan.valid_size;
    state.next_offset = scan.next_offset;
    state.created_ms = RecoveredCreatedMs(scan, now_ms);
    state.cursor = scan.cursor;
    SLUICE_RETURN_IF_ERROR(segment->InstallRecovered(state, std::move(scan.offset_entries),
                                                     std::move(scan.time_entries)));
    loaded.segments.push_back(std::move(segment));
  }
  return loaded;
}

}  // namespace

absl::StatusOr<LoadedLog> LoadLog(const std::string& dir, const LogConfig& config, int64_t now_ms) {
  SLUICE_RETURN_IF_ERROR(MakeDirs(dir));
  SLUICE_ASSIGN_OR_RETURN(bool compaction_finished, FinishInterruptedCompaction(dir));
  if (compaction_finished) {
    // The checkpoint cannot describe a directory a compaction was changing.
    SLUICE_RETURN_IF_ERROR(RemoveFile(PathOf(dir, kCleanShutdownFile)));
  }
  SLUICE_ASSIGN_OR_RETURN(Inventory inv, TakeInventory(dir));
  std::optional<LoadedLog> loaded;
  if (inv.has_checkpoint) {
    SLUICE_ASSIGN_OR_RETURN(loaded, LoadFromCheckpoint(dir, config, inv.bases));
  }
  // Each restart removes at least one segment, which bounds the passes.
  for (size_t pass = 0; !loaded && pass <= inv.bases.size() + 1; ++pass) {
    bool restart = false;
    SLUICE_ASSIGN_OR_RETURN(LoadedLog recovered,
                            RecoverPass(dir, config, now_ms, &inv.bases, &restart));
    if (!restart) loaded = std::move(recovered);
  }
  if (!loaded) return absl::InternalError(absl::StrCat("recovery of ", dir, " did not converge"));
  if (loaded->segments.empty()) {
    SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<Segment> segment, Segment::Create(dir, 0, now_ms));
    loaded->segments.push_back(std::move(segment));
  }
  if (inv.has_checkpoint) {
    SLUICE_RETURN_IF_ERROR(RemoveFile(PathOf(dir, kCleanShutdownFile)));
    SLUICE_RETURN_IF_ERROR(SyncDir(dir));
  }
  return std::move(*loaded);
}

absl::StatusOr<ProducerStateTable> RebuildProducerState(
    const std::vector<std::unique_ptr<Segment>>& segments) {
  ProducerStateTable producers;
  for (const std::unique_ptr<Segment>& segment : segments) {
    SLUICE_ASSIGN_OR_RETURN(
        SegmentScan scan,
        ScanSegment(segment->log_file(), segment->base_offset(), segment->size(), ScanOptions{},
                    [&producers](const kafka::BatchHeader& h, int64_t) { producers.Record(h); }));
    if (!scan.problem.empty()) {
      return absl::DataLossError(absl::StrCat(segment->log_file().path(), ": ", scan.problem));
    }
  }
  return producers;
}

}  // namespace sluice::log

// File: broker/log/segment.h
// One segment of a partition log: `<base>.log` holding whole record batches back to
// back, plus its sparse `<base>.index` and `<base>.timeindex` (see offset_index.h,
// time_index.h). `<base>` is the first offset of the segment, zero-padded to 20 digits.
//
// A Segment is created either empty (Create, for a roll) or over existing files
// (OpenFiles), after which the loader installs a state it recovered by scanning the .log
// (InstallRecovered) or read from the clean-shutdown checkpoint (InstallCheckpointed).
//
// Thread-safety: not synchronized. The owning PartitionLog calls const methods under
// its shared lock and mutators under its exclusive lock.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "broker/log/file.h"
#include "broker/log/index_policy.h"
#include "broker/log/log_config.h"
#include "broker/log/offset_index.h"
#include "broker/log/time_index.h"
#include "common/file_slice.h"
#include "common/kafka/records/batch_header.h"

namespace sluice::log {

inline constexpr std::string_view kLogSuffix = ".log";
inline constexpr std::string_view kIndexSuffix = ".index";
inline constexpr std::string_view kTimeIndexSuffix = ".timeindex";

// "00000000000000000042.log" for (42, ".log").
std::string SegmentFileName(int64_t base_offset, std::string_view suffix);
// The base offset of a file named by SegmentFileName with `suffix`, if `name` is one.
std::optional<int64_t> ParseSegmentFileName(std::string_view name, std::string_view suffix);

// What a segment knows about its content besides the files.
struct SegmentState {
  int64_t size = 0;         // Bytes in the .log, all of them whole batches.
  int64_t next_offset = 0;  // One past the last offset; the base offset when empty.
  int64_t created_ms = 0;   // Reference time for roll-by-age: when the first batch came.
  IndexCursor cursor;       // cursor.max_timestamp is the segment's max timestamp.
  bool operator==(const SegmentState&) const = default;
};

struct BatchLocation {
  int64_t position = 0;
  kafka::BatchHeader header;
};

class Segment {
 public:
  // Creates empty files for a new segment in `dir`, replacing left-overs of that name.
  static absl::StatusOr<std::unique_ptr<Segment>> Create(const std::string& dir,
                                                         int64_t base_offset, int64_t now_ms);
  // Opens the files of an existing segment; missing index files are created empty. The
  // state is empty until an Install* call.
  static absl::StatusOr<std::unique_ptr<Segment>> OpenFiles(const std::string& dir,
                                                            int64_t base_offset);

  int64_t base_offset() const { return base_offset_; }
  const SegmentState& state() const { return state_; }
  int64_t size() const { return state_.size; }
  int64_t next_offset() const { return state_.next_offset; }
  int64_t max_timestamp() const { return state_.cursor.max_timestamp; }
  const OffsetIndex& offset_index() const { return offset_index_; }
  const TimeIndex& time_index() const { return time_index_; }
  const File& log_file() const { return *log_; }
  // False once a failed write could not be undone; the segment must then not be used.
  bool consistent() const { return consistent_; }

  // Adopts a state computed by ScanSegment: cuts the .log to state.size and rewrites
  // each index file whose content differs from the given entries.
  absl::Status InstallRecovered(const SegmentState& state, std::vector<OffsetIndexEntry> offsets,
                                std::vector<TimeIndexEntry> times);
  // Adopts a state from the clean-shutdown checkpoint. Loads both indexes and checks
  // them (Load's checks plus the checksums the checkpoint recorded); kDataLoss if either
  // is damaged, in which case the caller falls back to InstallRecovered.
  absl::Status InstallCheckpointed(const SegmentState& state, uint32_t offset_index_crc,
                                   uint32_t time_index_crc, int32_t max_index_entries);

  // True if a batch of `batch_size` bytes and `last_offset_delta` must go to a new
  // segment: this one is non-empty and the batch would pass segment_bytes, or the segment
  // is older than segment_ms, or an index is full, or the relative offset would overflow.
  bool ShouldRoll(const LogConfig& config, int64_t now_ms, int64_t batch_size,
                  int32_t last_offset_delta) const;

  // Writes `batch` at the end of the .log with one pwrite, then its index entries. The
  // first batch of a segment sets created_ms to `now_ms` (age counts from the first batch).
  // REQUIRES: header describes batch, header.base_offset == next_offset(), and
  // batch.size() == header.TotalSize(). On error the files are cut back to their previous
  // sizes and the state is unchanged; if even that fails, consistent() becomes false.
  absl::Status Append(std::string_view batch, const kafka::BatchHeader& header,
                      int32_t index_interval_bytes, int64_t now_ms);

  // Hands the .log bytes appended since the previous hand-over to `write_behind` once they
  // hold at least `min_bytes` of whole pages (the partial last page stays, as the next
  // append writes into it); with `all`, for a segment that takes no more appends, every
  // byte left. Pages already on disk at open are never handed over.
  void StartWriteOut(WriteBehind& write_behind, int64_t min_bytes, bool all);

  // The batch containing `offset`, or nullopt if offset >= next_offset().
  // REQUIRES: offset >= base_offset(). kDataLoss if the .log turned out damaged.
  absl::StatusOr<std::optional<BatchLocation>> Locate(int64_t offset) const;
  // The first batch whose max_timestamp >= `timestamp`, if any.
  absl::StatusOr<std::optional<BatchLocation>> FindByTimestamp(int64_t timestamp) const;
  // Reads and parses the header at `position`; kDataLoss unless a whole batch that
  // parses lies there within size().
  absl::StatusOr<kafka::BatchHeader> ReadHeader(int64_t position) const;
  // Appends the .log bytes [position, position + length) to `out`.
  absl::Status ReadBytes(int64_t position, int64_t length, std::string* out) const;
  // The .log bytes [position, position + length) as a slice that shares ownership of the
  // descriptor: it stays readable after Close() or RemoveFiles() (the file is then closed
  // by the slice's last holder). REQUIRES: the range lies within size().
  FileSlice Slice(int64_t position, int64_t length) const;

  // Removes the batch at `position` (a batch start from Locate) and all after it.
  absl::Status TruncateAt(int64_t position, int32_t index_interval_bytes);

  uint32_t OffsetIndexChecksum() const;
  uint32_t TimeIndexChecksum() const;
  // fdatasync of the .log and both indexes.
  absl::Status Sync() const;
  // A duplicate of the .log descriptor, for a sync outside the caller's lock. Only the
  // .log needs syncing for durability: crash recovery rebuilds both indexes from it.
  absl::StatusOr<File> DuplicateLogFile() const;
  // Called when the segment stops being the active one: both indexes give back their
  // descriptors until their next change (index_file.h), so a closed segment holds one.
  void ReleaseIndexFiles();
  // Closes the files; a .log descriptor that slices still hold is left to them.
  absl::Status Close();
  // Closes and unlinks the three files, the .log first.
  absl::Status RemoveFiles();

 private:
  Segment(std::string dir, int64_t base_offset, File log, OffsetIndex offset_index,
          TimeIndex time_index)
      : dir_(std::move(dir)),
        base_offset_(base_offset),
        log_(std::make_shared<File>(std::move(log))),
        offset_index_(std::move(offset_index)),
        time_index_(std::move(time_index)) {}

  std::string Path(std::string_view suffix) const;
  // Undoes a partial append: cuts the .log and indexes back to the current state.
  absl::Status RollBack(const absl::Status& cause);

  std::string dir_;
  int64_t base_offset_;
  // Shared with the FileSlices handed out (Slice), so that a response being sent keeps
  // the descriptor open; never null (a closed File after Close()).
  std::shared_ptr<File> log_;
  OffsetIndex offset_index_;
  TimeIndex time_index_;
  SegmentState state_;
  int64_t written_out_ = 0;  // .log bytes before this were handed to StartWriteOut
  bool consistent_ = true;
};

}  // namespace sluice::log

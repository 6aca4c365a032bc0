#include "broker/log/segment_scan.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/kafka/records/crc32c.h"
#include "common/status.h"

namespace sluice::log {
namespace {

constexpr int64_t kCrcStart = 21;  // The CRC covers attributes .. end of batch.
constexpr size_t kWindow = 256 * 1024;

// Serves small sequential reads from a window refilled with one pread, so a scan costs
// one system call per 256 KiB rather than one per batch header. Reads larger than the
// window go straight to the file.
class WindowReader {
 public:
  WindowReader(const File& file, int64_t size) : file_(file), size_(size) {}

  // Makes [pos, pos + n) of the file available; returns a pointer to it.
  // kDataLoss if the file ends first.
  absl::StatusOr<const char*> Read(int64_t pos, size_t n) {
    if (n > kWindow) {
      big_.resize(n);
      SLUICE_RETURN_IF_ERROR(file_.PRead(pos, n, big_.data()));
      return big_.data();
    }
    if (pos < start_ || pos + static_cast<int64_t>(n) > start_ + static_cast<int64_t>(len_)) {
      len_ = static_cast<size_t>(
          std::clamp<int64_t>(size_ - pos, static_cast<int64_t>(n), static_cast<int64_t>(kWindow)));
      window_.resize(kWindow);
      start_ = pos;
      absl::Status read = file_.PRead(pos, len_, window_.data());
      if (!read.ok()) {
        len_ = 0;
        return read;
      }
    }
    return window_.data() + (pos - start_);
  }

 private:
  const File& file_;
  const int64_t size_;
  std::string window_;
  int64_t start_ = 0;
  size_t len_ = 0;
  std::string big_;
};

// Computes the CRC32C of the batch at `position` in window-sized pieces, so a large
// (or lying) batch never needs one big buffer.
absl::StatusOr<uint32_t> BatchCrc(WindowReader& reader, int64_t position, int64_t total) {
  uint32_t crc = 0;
  for (int64_t done = kCrcStart; done < total;) {
    size_t n = static_cast<size_t>(std::min<int64_t>(total - done, kWindow));
    SLUICE_ASSIGN_OR_RETURN(const char* data, reader.Read(position + done, n));
    crc = kafka::Crc32c(crc, data, n);
    done += static_cast<int64_t>(n);
  }
  return crc;
}

}  // namespace

absl::StatusOr<SegmentScan> ScanSegment(
    const File& log, int64_t base_offset, int64_t size, const ScanOptions& options,
    const std::function<void(const kafka::BatchHeader&, int64_t position)>& on_batch) {
  constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
  SegmentScan scan;
  scan.next_offset = base_offset;
  WindowReader reader(log, size);
  // Every iteration advances by at least one header or stops, so the loop is bounded
  // by size / kBatchHeaderSize.
  while (scan.valid_size < size) {
    const int64_t pos = scan.valid_size;
    if (size - pos < static_cast<int64_t>(kafka::kBatchHeaderSize)) {
      scan.problem = absl::StrCat("torn batch header at position ", pos);
      break;
    }
    absl::StatusOr<const char*> raw = reader.Read(pos, kafka::kBatchHeaderSize);
    if (absl::IsDataLoss(raw.status())) {  // The file is shorter than `size`.
      scan.problem = std::string(raw.status().message());
      break;
    }
    SLUICE_RETURN_IF_ERROR(raw.status());
    absl::StatusOr<kafka::BatchHeader> parsed =
        kafka::ParseBatchHeader(std::string_view(*raw, kafka::kBatchHeaderSize));
    if (!parsed.ok()) {
      scan.problem =
          absl::StrCat("bad batch header at position ", pos, ": ", parsed.status().message());
      break;
    }
    const kafka::BatchHeader& h = *parsed;
    const int64_t total = static_cast<int64_t>(h.TotalSize());
    if (total > size - pos) {
      scan.problem = absl::StrCat("torn batch at position ", pos, ": ", total, " bytes claimed, ",
                                  size - pos, " present");
      break;
    }
    const bool follows =
        options.allow_gaps ? h.base_offset >= scan.next_offset : h.base_offset == scan.next_offset;
    if (!follows || h.last_offset_delta < 0) {
      scan.problem = absl::StrCat("batch at position ", pos, " has offsets ", h.base_offset, "..",
                                  h.LastOffset(), ", expected to start at ", scan.next_offset);
      break;
    }
    if (pos > kInt32Max || h.LastOffset() - base_offset > kInt32Max) {
      scan.problem = absl::StrCat("batch at position ", pos, " does not fit the 32-bit index");
      break;
    }
    if (options.verify_crc) {
      absl::StatusOr<uint32_t> crc = BatchCrc(reader, pos, total);
      if (absl::IsDataLoss(crc.status())) {
        scan.problem = std::string(crc.status().message());
        break;
      }
      SLUICE_RETURN_IF_ERROR(crc.status());
      if (*crc != h.crc) {
        scan.problem = absl::StrCat("CRC mismatch in batch at position ", pos, " (offsets ",
                                    h.base_offset, "..", h.LastOffset(), ")");
        break;
      }
    }
    IndexStep step = PlanIndexStep(scan.cursor, options.index_interval_bytes, pos,
                                   h.base_offset - base_offset, total, h.max_timestamp);
    if (step.offset_entry) scan.offset_entries.push_back(*step.offset_entry);
    if (step.time_entry) scan.time_entries.push_back(*step.time_entry);
    scan.cursor = step.next;
    if (scan.batch_count == 0) scan.first_max_timestamp = h.max_timestamp;
    ++scan.batch_count;
    if (on_batch) on_batch(h, pos);
    scan.next_offset = h.LastOffset() + 1;
    scan.valid_size = pos + total;
  }
  return scan;
}

}  // namespace sluice::log

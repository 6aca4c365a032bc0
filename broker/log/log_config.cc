#include "broker/log/log_config.h"

#include <chrono>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/kafka/records/batch_header.h"

namespace sluice::log {

int64_t SystemClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

absl::Status ValidateLogConfig(const LogConfig& config) {
  if (config.segment_bytes < static_cast<int64_t>(kafka::kBatchHeaderSize) ||
      config.segment_bytes > std::numeric_limits<int32_t>::max()) {
    return absl::InvalidArgumentError(absl::StrCat("segment_bytes must be in [",
                                                   kafka::kBatchHeaderSize, ", 2^31-1], got ",
                                                   config.segment_bytes));
  }
  if (config.segment_ms <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("segment_ms must be positive, got ", config.segment_ms));
  }
  if (config.index_interval_bytes < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "index_interval_bytes must not be negative, got ", config.index_interval_bytes));
  }
  if (config.max_index_entries < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_index_entries must be positive, got ", config.max_index_entries));
  }
  if (config.write_behind_bytes < 4096) {
    return absl::InvalidArgumentError(absl::StrCat(
        "write_behind_bytes must be at least one page (4096), got ", config.write_behind_bytes));
  }
  return absl::OkStatus();
}

}  // namespace sluice::log

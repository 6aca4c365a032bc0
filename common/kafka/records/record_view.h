// File: common/kafka/records/record_view.h
// What ForEachRecord (record.h) shows of each record: views into the batch, no copies.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sluice::kafka {

// Views into a decoded batch; valid only for the duration of a ForEachRecord callback.
struct HeaderView {
  std::string_view key;
  std::optional<std::string_view> value;
};

struct RecordView {
  int8_t attributes = 0;
  int32_t offset_delta = 0;
  int64_t timestamp_delta = 0;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::vector<HeaderView> headers;
  // The whole record as encoded, length prefix included (for copying it unchanged).
  std::string_view raw;
};

// What ForEachRecord accepts as offset deltas. Producers write 0, 1, ..., count - 1
// (kDense); a batch that log compaction thinned keeps its records' offsets, so its
// deltas only increase and stay within lastOffsetDelta (kIncreasing).
enum class OffsetDeltas { kDense, kIncreasing };

}  // namespace sluice::kafka

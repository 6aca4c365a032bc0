// File: common/kafka/records/record_batch_builder.h
// Builds one record batch v2 from records added one by one: the writer side of
// record.h, used by tests and by the broker for the batches it writes itself
// (transaction markers, internal topics).
//
//   RecordBatchBuilder b;
//   b.set_compression(Compression::kLz4).set_producer(7, 0, 42);
//   b.Add(1700000000000, "key", "value", {{"trace", "abc"}});
//   absl::StatusOr<std::string> batch = b.Build();
//
// Offset deltas are assigned 0, 1, 2, ... in the order of Add(). Thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/kafka/records/batch_header.h"
#include "common/kafka/records/record.h"

namespace sluice::kafka {

class RecordBatchBuilder {
 public:
  RecordBatchBuilder();

  // Header fields. Defaults: no compression, baseOffset 0, partitionLeaderEpoch -1,
  // no producer (id -1, epoch -1, sequence -1), create-time timestamps, neither
  // transactional nor control.
  RecordBatchBuilder& set_compression(Compression codec);
  RecordBatchBuilder& set_base_offset(int64_t base_offset);
  RecordBatchBuilder& set_partition_leader_epoch(int32_t epoch);
  RecordBatchBuilder& set_producer(int64_t producer_id, int16_t producer_epoch,
                                   int32_t base_sequence);
  // The timestamp the records' deltas are relative to. If never set, it is the first
  // added record's timestamp (as the Java client does).
  RecordBatchBuilder& set_base_timestamp(int64_t base_timestamp);
  RecordBatchBuilder& set_log_append_time(bool log_append_time);
  RecordBatchBuilder& set_transactional(bool transactional);
  RecordBatchBuilder& set_control(bool control);

  // Appends a record; nullopt key or value means null. -1 is Kafka's "no timestamp".
  void Add(int64_t timestamp, std::optional<std::string_view> key,
           std::optional<std::string_view> value, std::vector<Header> headers = {});

  size_t record_count() const { return records_.size(); }

  // Returns the whole batch: header with batchLength, lastOffsetDelta = count - 1,
  // maxTimestamp = the largest record timestamp, recordCount and CRC filled in, then
  // the records, compressed with the chosen codec.
  // Errors: kFailedPrecondition if no record was added; kInvalidArgument if the codec
  // is unknown or the batch (or a field) would not fit Kafka's int32 sizes.
  absl::StatusOr<std::string> Build() const;

 private:
  BatchHeader header_;  // magic, attributes and producer fields; the rest is computed
  std::optional<int64_t> base_timestamp_;
  std::vector<int64_t> timestamps_;
  std::vector<Record> records_;  // timestamp_delta filled in by Build()
};

}  // namespace sluice::kafka

#include "broker/server/handlers/list_offsets.h"

#include "broker/server/kafka_errors.h"
#include "common/kafka/records/record.h"

namespace sluice::server::handlers {

using Request = kafka::ListOffsetsRequest;
using Response = kafka::ListOffsetsResponse;

namespace {
constexpr int64_t kLatest = -1;
constexpr int64_t kEarliest = -2;
constexpr size_t kMaxDecompressed = 64 << 20;
}  // namespace

Response::ListOffsetsPartitionResponse ListOffsetsHandler::Lookup(
    const std::string& topic_name, const Request::ListOffsetsPartition& p) {
  Response::ListOffsetsPartitionResponse out;
  out.partition_index = p.partition_index;
  out.timestamp = -1;
  out.offset = -1;
  auto topic = broker_.topics.Find(topic_name);
  if (!topic || p.partition_index < 0 ||
      p.partition_index >= static_cast<int32_t>(topic->partitions.size())) {
    out.error_code = Code(KafkaError::kUnknownTopicOrPartition);
    return out;
  }
  const PartitionView& partition = topic->partitions[p.partition_index];
  out.leader_epoch = partition.leader_epoch;
  if (!partition.log) {  // offline
    out.error_code = Code(KafkaError::kKafkaStorageError);
    return out;
  }
  if (p.timestamp == kLatest) {
    out.offset = partition.log->high_watermark();
    return out;
  }
  if (p.timestamp == kEarliest) {
    out.offset = partition.log->log_start_offset();
    return out;
  }
  if (p.timestamp < 0) {
    out.error_code = Code(KafkaError::kUnsupportedVersion);
    return out;
  }
  auto found = partition.log->FindByTimestamp(p.timestamp);
  if (!found.ok()) {
    out.error_code = Code(LogError(found.status()));
    return out;
  }
  if (!found->has_value()) return out;  // no record at or after the timestamp
  const std::string& batch = (*found)->batch;
  const int64_t log_start = partition.log->log_start_offset();
  auto header = kafka::ParseBatchHeader(batch);
  if (!header.ok()) {
    out.error_code = Code(KafkaError::kKafkaStorageError);
    return out;
  }
  absl::Status scan = kafka::ForEachRecord(
      *header, batch, kMaxDecompressed,
      [&](const kafka::RecordView& record) {
        int64_t ts = header->log_append_time() ? header->max_timestamp
                                               : header->base_timestamp + record.timestamp_delta;
        // Records below the log start (DeleteRecords mid-batch) are gone for clients.
        if (header->base_offset + record.offset_delta < log_start) return absl::OkStatus();
        if (ts >= p.timestamp) {
          out.timestamp = ts;
          out.offset = header->base_offset + record.offset_delta;
          return absl::CancelledError("found");
        }
        return absl::OkStatus();
      },
      kafka::OffsetDeltas::kIncreasing);  // stored batches may be compacted
  if (!scan.ok() && scan.code() != absl::StatusCode::kCancelled) {
    out.error_code = Code(KafkaError::kKafkaStorageError);
  }
  return out;
}

Response ListOffsetsHandler::ServeNow(const RequestContext&, const Request& request) {
  Response response;
  for (const auto& t : request.topics) {
    Response::ListOffsetsTopicResponse topic;
    topic.name = t.name;
    for (const auto& p : t.partitions) topic.partitions.push_back(Lookup(t.name, p));
    response.topics.push_back(std::move(topic));
  }
  return response;
}

}  // namespace sluice::server::handlers

#include "broker/server/handlers/produce.h"

#include <chrono>
#include <memory>
#include <optional>
#include <span>

#include "absl/synchronization/mutex.h"
#include "broker/server/kafka_errors.h"
#include "broker/server/topic_config.h"
#include "common/kafka/records/validate.h"
#include "common/log.h"

namespace sluice::server::handlers {

using Request = kafka::ProduceRequest;
using Response = kafka::ProduceResponse;

namespace {

Response::PartitionProduceResponse Failed(int32_t index, KafkaError error,
                                          std::optional<std::string> message = std::nullopt) {
  Response::PartitionProduceResponse out;
  out.index = index;
  out.error_code = Code(error);
  out.base_offset = -1;
  out.log_append_time_ms = -1;
  out.log_start_offset = -1;
  out.error_message = std::move(message);
  return out;
}

}  // namespace

bool ProduceHandler::CloseSilently(const Response& response) const {
  for (const auto& topic : response.responses) {
    for (const auto& p : topic.partition_responses) {
      if (p.error_code != 0) return true;
    }
  }
  return false;
}

Response::PartitionProduceResponse ProduceHandler::Append(
    const RequestContext& ctx, const std::string& topic_name, Request::PartitionProduceData& data,
    bool acks_wait, std::shared_ptr<log::PartitionLog>* sync) {
  auto topic = broker_.topics.Find(topic_name);
  if (!topic || data.index < 0 || data.index >= static_cast<int32_t>(topic->partitions.size())) {
    return Failed(data.index, KafkaError::kUnknownTopicOrPartition);
  }
  if (!data.records.has_value()) {
    return Failed(data.index, KafkaError::kInvalidRecord, "records must not be null");
  }
  const auto& configs = topic->record.configs;
  kafka::ProduceValidationOptions options;
  options.max_batch_bytes = static_cast<size_t>(TopicConfigInt(configs, "max.message.bytes"));
  options.allow_zstd = ctx.api_version >= 7;
  options.require_keys =
      EffectiveTopicConfig(configs, "cleanup.policy").find("compact") != std::string::npos;
  auto validated = kafka::ValidateProducedRecords(*data.records, options);
  if (!validated.ok()) {
    SLUICE_LOG(kDebug) << "refused batch for " << topic_name << "-" << data.index << " from "
                       << ctx.client_id << ": " << validated.status().message();
    return Failed(data.index, BatchValidationError(validated.status()),
                  std::string(validated.status().message()));
  }
  if (validated->header.is_transactional()) {
    return Failed(data.index, KafkaError::kInvalidRecord,
                  "transactional batches are not supported yet");
  }
  const PartitionView& partition = topic->partitions[data.index];
  if (!partition.log) {
    return Failed(data.index, KafkaError::kKafkaStorageError, "the partition is offline");
  }
  // The batch is stamped where it arrived: the request body is writable during Serve
  // (ApiHandler::Handle), and the decoded records view it.
  std::span<char> batch(const_cast<char*>(data.records->data()), data.records->size());
  auto appended = partition.log->AppendInPlace(batch, partition.leader_epoch);
  if (!appended.ok()) {
    SLUICE_LOG_EVERY_SECONDS(kWarn, 10) << "append to " << topic_name << "-" << data.index
                                        << " failed: " << appended.status().message();
    return Failed(data.index, LogError(appended.status()),
                  std::string(appended.status().message()));
  }
  Response::PartitionProduceResponse out;
  out.index = data.index;
  out.log_append_time_ms = -1;
  out.log_start_offset = appended->log_start_offset;
  switch (appended->error) {
    case log::AppendError::kNone:
      break;
    case log::AppendError::kInvalidProducerEpoch:
      return Failed(data.index, KafkaError::kInvalidProducerEpoch);
    case log::AppendError::kOutOfOrderSequence:
      return Failed(data.index, KafkaError::kOutOfOrderSequenceNumber);
  }
  // A duplicate gets the original batch's offset and wakes nobody. It waits for a sync
  // like a new batch: the original may not be synced yet.
  out.base_offset = appended->base_offset;
  out.log_append_time_ms = appended->log_append_time;
  if (!appended->duplicate) broker_.fetch_waiters.Notify(topic_name, data.index);
  const int64_t flush_interval = configs.contains("flush.messages")
                                     ? TopicConfigInt(configs, "flush.messages")
                                     : broker_.config.log_flush_interval_messages;
  if (flush_interval == 1 && acks_wait) {
    *sync = partition.log;
  } else if (flush_interval <= partition.log->unflushed_offsets()) {
    broker_.flusher.Request(partition.log, nullptr);
  }
  return out;
}

namespace {

// A response waiting for fdatasyncs: answered when the last one completes.
struct DurableAck {
  absl::Mutex mu;
  Response response ABSL_GUARDED_BY(mu);
  size_t remaining ABSL_GUARDED_BY(mu) = 0;
  TypedHandler<Request, Response>::Done done;
};

}  // namespace

void ProduceHandler::Serve(const RequestContext& ctx, Request request, Done done) {
  Response response;
  // Where each partition that waits for a sync sits in `response`, and its log.
  struct Waiting {
    size_t topic, partition;
    std::shared_ptr<log::PartitionLog> log;
  };
  std::vector<Waiting> waiting;
  KafkaError refuse_all = KafkaError::kNone;
  if (request.acks != 0 && request.acks != 1 && request.acks != -1) {
    refuse_all = KafkaError::kInvalidRequiredAcks;
  } else if (request.transactional_id.has_value()) {
    refuse_all = KafkaError::kTransactionalIdAuthorizationFailed;
  }
  for (auto& topic : request.topic_data) {
    Response::TopicProduceResponse out;
    out.name = topic.name;
    for (auto& data : topic.partition_data) {
      if (refuse_all != KafkaError::kNone) {
        out.partition_responses.push_back(Failed(data.index, refuse_all));
        continue;
      }
      std::shared_ptr<log::PartitionLog> sync;
      out.partition_responses.push_back(Append(ctx, topic.name, data, request.acks != 0, &sync));
      if (sync) {
        waiting.push_back({response.responses.size(), out.partition_responses.size() - 1, sync});
      }
    }
    response.responses.push_back(std::move(out));
  }
  if (waiting.empty()) {
    done(std::move(response));
    return;
  }
  auto ack = std::make_shared<DurableAck>();
  ack->done = std::move(done);
  {
    absl::MutexLock lock(&ack->mu);
    ack->response = std::move(response);
    ack->remaining = waiting.size();
  }
  for (Waiting& w : waiting) {
    auto synced = [ack, topic = w.topic, partition = w.partition](const absl::Status& status) {
      std::optional<Response> complete;
      {
        absl::MutexLock lock(&ack->mu);
        if (!status.ok()) {
          auto& p = ack->response.responses[topic].partition_responses[partition];
          SLUICE_LOG(kWarn) << "fdatasync of " << ack->response.responses[topic].name << "-"
                            << p.index << " failed: " << status.message();
          p = Failed(p.index, KafkaError::kKafkaStorageError, std::string(status.message()));
        }
        if (--ack->remaining == 0) complete = std::move(ack->response);
      }
      if (complete) ack->done(std::move(*complete));
    };
    broker_.flusher.Request(std::move(w.log), std::move(synced));
  }
}

}  // namespace sluice::server::handlers

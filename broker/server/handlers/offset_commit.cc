// File: broker/server/handlers/offset_commit.cc
#include "broker/server/handlers/offset_commit.h"

#include <memory>
#include <utility>

#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {

bool PartitionExists(const BrokerContext& broker, const std::string& topic, int32_t partition) {
  auto view = broker.topics.Find(topic);
  return view != nullptr && partition >= 0 &&
         partition < static_cast<int32_t>(view->partitions.size());
}

void OffsetCommitHandler::Serve(const RequestContext& ctx, kafka::OffsetCommitRequest request,
                                Done done) {
  // The response mirrors the request; entries the coordinator decides are found again by
  // their place in it.
  auto response = std::make_shared<kafka::OffsetCommitResponse>();
  std::vector<std::pair<size_t, size_t>> places;  // (topic index, partition index)
  group::CommitRequest commit;
  commit.member_id = std::move(request.member_id);
  commit.group_instance_id = std::move(request.group_instance_id);
  commit.generation = request.generation_id_or_member_epoch;
  if (ctx.api_version <= 4 && request.retention_time_ms != -1) {
    commit.retention_ms = request.retention_time_ms;
  }
  for (size_t t = 0; t < request.topics.size(); ++t) {
    auto& topic = request.topics[t];
    kafka::OffsetCommitResponse::OffsetCommitResponseTopic out;
    out.name = topic.name;
    for (size_t p = 0; p < topic.partitions.size(); ++p) {
      auto& partition = topic.partitions[p];
      kafka::OffsetCommitResponse::OffsetCommitResponsePartition result;
      result.partition_index = partition.partition_index;
      if (!PartitionExists(broker_, topic.name, partition.partition_index)) {
        result.error_code = Code(KafkaError::kUnknownTopicOrPartition);
      } else {
        group::CommitEntry entry;
        entry.topic = topic.name;
        entry.partition = partition.partition_index;
        entry.offset = partition.committed_offset;
        entry.leader_epoch = partition.committed_leader_epoch;
        entry.metadata = partition.committed_metadata.value_or("");
        commit.entries.push_back(std::move(entry));
        places.emplace_back(t, p);
      }
      out.partitions.push_back(result);
    }
    response->topics.push_back(std::move(out));
  }
  if (commit.entries.empty()) {
    done(std::move(*response));
    return;
  }
  broker_.groups.CommitOffsets(
      request.group_id, std::move(commit),
      [response, places = std::move(places),
       done = std::move(done)](std::vector<group::GroupError> errors) {
        for (size_t i = 0; i < errors.size() && i < places.size(); ++i) {
          response->topics[places[i].first].partitions[places[i].second].error_code =
              Code(errors[i]);
        }
        done(std::move(*response));
      });
}

}  // namespace sluice::server::handlers

#include "broker/server/handlers/metadata.h"

#include "broker/server/kafka_errors.h"
#include "common/log.h"

namespace sluice::server::handlers {

using Response = kafka::MetadataResponse;

Response::MetadataResponseTopic MetadataHandler::Describe(const TopicView& topic) const {
  Response::MetadataResponseTopic out;
  out.name = topic.record.name;
  out.topic_id = kafka::Uuid{topic.record.topic_id.bytes};
  out.is_internal = false;
  int32_t node = broker_.topics.node_id();
  for (const PartitionView& p : topic.partitions) {
    Response::MetadataResponsePartition partition;
    partition.partition_index = p.index;
    partition.leader_id = node;
    partition.leader_epoch = p.leader_epoch;
    partition.replica_nodes = {node};
    partition.isr_nodes = {node};
    if (!p.log) {  // offline: no replica can lead it
      partition.error_code = Code(KafkaError::kLeaderNotAvailable);
      partition.leader_id = -1;
      partition.isr_nodes = {};
      partition.offline_replicas = {node};
    }
    out.partitions.push_back(std::move(partition));
  }
  return out;
}

Response MetadataHandler::ServeNow(const RequestContext& ctx,
                                   const kafka::MetadataRequest& request) {
  Response response;
  HostPort advertised = broker_.config.Advertised();
  Response::MetadataResponseBroker self;
  self.node_id = broker_.config.node_id;
  self.host = advertised.host;
  self.port = advertised.port;
  response.brokers.push_back(self);
  response.cluster_id = broker_.cluster_id;
  response.controller_id = broker_.config.node_id;

  bool all_topics =
      !request.topics.has_value() || (ctx.api_version == 0 && request.topics->empty());
  if (all_topics) {
    for (const auto& topic : broker_.topics.List()) response.topics.push_back(Describe(*topic));
    return response;
  }
  bool may_create = broker_.config.auto_create_topics && request.allow_auto_topic_creation;
  for (const auto& wanted : *request.topics) {
    std::shared_ptr<const TopicView> view;
    Response::MetadataResponseTopic out;
    if (wanted.name.has_value()) {
      out.name = wanted.name;
      view = broker_.topics.Find(*wanted.name);
    } else {
      out.topic_id = wanted.topic_id;
      view = broker_.topics.FindById(metadata::TopicId{wanted.topic_id.bytes});
    }
    if (view) {
      response.topics.push_back(Describe(*view));
      continue;
    }
    if (!wanted.name.has_value()) {
      out.error_code = Code(KafkaError::kUnknownTopicId);
    } else if (!metadata::IsValidTopicName(*wanted.name)) {
      out.error_code = Code(KafkaError::kInvalidTopicException);
    } else if (!may_create) {
      out.error_code = Code(KafkaError::kUnknownTopicOrPartition);
    } else {
      NewTopic spec;
      spec.name = *wanted.name;
      spec.partitions = broker_.config.num_partitions;
      spec.replication_factor = broker_.config.default_replication_factor;
      auto created = broker_.topics.Create(spec);
      if (created.ok()) {
        response.topics.push_back(Describe(**created));
        continue;
      }
      if (created.status().code() == absl::StatusCode::kAlreadyExists) {
        // Another request created it meanwhile.
        if (auto again = broker_.topics.Find(*wanted.name)) {
          response.topics.push_back(Describe(*again));
          continue;
        }
      }
      SLUICE_LOG(kWarn) << "auto-creating topic " << *wanted.name
                        << " failed: " << created.status().message();
      out.error_code = Code(KafkaError::kLeaderNotAvailable);
    }
    response.topics.push_back(std::move(out));
  }
  return response;
}

}  // namespace sluice::server::handlers

#include "broker/server/handlers/create_partitions.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {

using Request = kafka::CreatePartitionsRequest;
using Response = kafka::CreatePartitionsResponse;

namespace {

struct Refusal {
  KafkaError error = KafkaError::kNone;
  std::string message;
};

// Kafka's checks (ReplicationControlManager.createPartitions) for one topic.
Refusal Check(const Request::CreatePartitionsTopic& topic, const TopicView* view, int32_t node_id) {
  if (view == nullptr) {
    return {KafkaError::kUnknownTopicOrPartition,
            absl::StrCat("Topic '", topic.name, "' does not exist.")};
  }
  const int32_t current = view->record.partition_count;
  if (topic.count < current) {
    return {KafkaError::kInvalidPartitions,
            absl::StrCat("The topic ", topic.name, " currently has ", current, " partition(s); ",
                         topic.count, " would not be an increase.")};
  }
  if (topic.count == current) {
    return {KafkaError::kInvalidPartitions,
            absl::StrCat("Topic already has ", current, " partition(s).")};
  }
  if (topic.count > metadata::kMaxPartitionsPerTopic) {
    return {KafkaError::kInvalidPartitions,
            absl::StrCat("Number of partitions ", topic.count, " exceeds the limit of ",
                         metadata::kMaxPartitionsPerTopic)};
  }
  if (topic.assignments.has_value()) {
    if (static_cast<int32_t>(topic.assignments->size()) != topic.count - current) {
      return {KafkaError::kInvalidReplicaAssignment,
              absl::StrCat("Attempted to add ", topic.count - current,
                           " additional partition(s), but only ", topic.assignments->size(),
                           " assignment(s) were specified.")};
    }
    for (const auto& a : *topic.assignments) {
      if (a.broker_ids.size() != 1 || a.broker_ids[0] != node_id) {
        return {KafkaError::kInvalidReplicaAssignment,
                absl::StrCat("new partitions must be assigned to this broker (", node_id,
                             ") alone: the cluster has one broker")};
      }
    }
  }
  return {};
}

}  // namespace

Response CreatePartitionsHandler::ServeNow(const RequestContext&, const Request& request) {
  Response response;
  std::map<std::string, int> counts;
  for (const auto& t : request.topics) ++counts[t.name];
  for (const auto& topic : request.topics) {
    Response::CreatePartitionsTopicResult result;
    result.name = topic.name;
    Refusal refusal;
    if (counts[topic.name] > 1) {
      refusal = {KafkaError::kInvalidRequest, "Duplicate topic name."};
    } else {
      auto view = broker_.topics.Find(topic.name);
      refusal = Check(topic, view.get(), broker_.topics.node_id());
    }
    if (refusal.error == KafkaError::kNone && !request.validate_only) {
      auto grown = broker_.topics.AddPartitions(topic.name, topic.count);
      if (!grown.ok()) {
        refusal = {grown.status().code() == absl::StatusCode::kNotFound
                       ? KafkaError::kUnknownTopicOrPartition
                   : grown.status().code() == absl::StatusCode::kInvalidArgument
                       ? KafkaError::kInvalidPartitions
                       : KafkaError::kUnknownServerError,
                   std::string(grown.status().message())};
      }
    }
    result.error_code = Code(refusal.error);
    if (refusal.error != KafkaError::kNone) result.error_message = refusal.message;
    response.results.push_back(std::move(result));
  }
  return response;
}

}  // namespace sluice::server::handlers

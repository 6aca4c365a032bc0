// AdminClient: partition reassignment (AlterPartitionReassignments,
// ListPartitionReassignments), for the operator's rebalance executor.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/kafka/client/admin_client.h"
#include "common/kafka/client/kafka_error.h"
#include "common/kafka/protocol/messages/alter_partition_reassignments.h"
#include "common/kafka/protocol/messages/list_partition_reassignments.h"
#include "common/status.h"

namespace sluice::kafka::client {

absl::StatusOr<std::map<TopicPartition, absl::Status>> AdminClient::AlterPartitionReassignments(
    const ReassignmentTargets& targets) {
  AlterPartitionReassignmentsRequest request;
  request.timeout_ms = BrokerTimeoutMs(options_.connection);
  for (const auto& [tp, replicas] : targets) {
    if (request.topics.empty() || request.topics.back().name != tp.topic) {
      AlterPartitionReassignmentsRequest::ReassignableTopic topic;
      topic.name = tp.topic;
      request.topics.push_back(std::move(topic));
    }
    AlterPartitionReassignmentsRequest::ReassignablePartition p;
    p.partition_index = tp.partition;
    p.replicas = replicas;
    request.topics.back().partitions.push_back(std::move(p));
  }
  std::map<TopicPartition, absl::Status> out;
  if (targets.empty()) return out;

  absl::MutexLock lock(&mu_);
  for (int attempt = 0;; ++attempt) {
    SLUICE_ASSIGN_OR_RETURN(Connection * conn, Admin());
    SLUICE_ASSIGN_OR_RETURN(AlterPartitionReassignmentsResponse response,
                            conn->Call<AlterPartitionReassignmentsResponse>(request));
    if (response.error_code == kErrorNotController && attempt == 0) {
      SLUICE_RETURN_IF_ERROR(Discover());
      continue;
    }
    SLUICE_RETURN_IF_ERROR(KafkaErrorStatus(response.error_code, response.error_message,
                                            "alter partition reassignments"));
    for (const auto& topic : response.responses) {
      for (const auto& p : topic.partitions) {
        TopicPartition tp{topic.name, p.partition_index};
        if (targets.count(tp) == 0) continue;
        out.insert_or_assign(tp, KafkaErrorStatus(p.error_code, p.error_message,
                                                  absl::StrCat("reassign ", tp.ToString())));
      }
    }
    for (const auto& [tp, replicas] : targets) {
      if (out.count(tp) == 0) {
        out.emplace(
            tp, absl::InternalError(absl::StrCat("reassign ", tp.ToString(),
                                                 ": the broker's response has no result for it")));
      }
    }
    return out;
  }
}

absl::StatusOr<std::vector<OngoingReassignment>> AdminClient::ListPartitionReassignments(
    const std::optional<std::vector<TopicPartition>>& partitions) {
  ListPartitionReassignmentsRequest request;
  request.timeout_ms = BrokerTimeoutMs(options_.connection);
  if (partitions.has_value()) {
    std::map<std::string, std::vector<int32_t>> by_topic;
    for (const TopicPartition& tp : *partitions) by_topic[tp.topic].push_back(tp.partition);
    request.topics.emplace();
    for (auto& [name, indexes] : by_topic) {
      ListPartitionReassignmentsRequest::ListPartitionReassignmentsTopics t;
      t.name = name;
      t.partition_indexes = std::move(indexes);
      request.topics->push_back(std::move(t));
    }
  }

  absl::MutexLock lock(&mu_);
  for (int attempt = 0;; ++attempt) {
    SLUICE_ASSIGN_OR_RETURN(Connection * conn, Admin());
    SLUICE_ASSIGN_OR_RETURN(ListPartitionReassignmentsResponse response,
                            conn->Call<ListPartitionReassignmentsResponse>(request));
    if (response.error_code == kErrorNotController && attempt == 0) {
      SLUICE_RETURN_IF_ERROR(Discover());
      continue;
    }
    SLUICE_RETURN_IF_ERROR(KafkaErrorStatus(response.error_code, response.error_message,
                                            "list partition reassignments"));
    std::vector<OngoingReassignment> out;
    for (const auto& topic : response.topics) {
      for (const auto& p : topic.partitions) {
        OngoingReassignment r;
        r.partition = TopicPartition{topic.name, p.partition_index};
        r.replicas = p.replicas;
        r.adding = p.adding_replicas;
        r.removing = p.removing_replicas;
        out.push_back(std::move(r));
      }
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.partition < b.partition; });
    return out;
  }
}

}  // namespace sluice::kafka::client

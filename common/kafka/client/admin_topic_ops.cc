// AdminClient: topic mutations and topic configs (CreateTopics, DeleteTopics,
// CreatePartitions, DescribeConfigs, IncrementalAlterConfigs).
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/kafka/client/admin_client.h"
#include "common/kafka/client/kafka_error.h"
#include "common/kafka/protocol/messages/create_partitions.h"
#include "common/kafka/protocol/messages/create_topics.h"
#include "common/kafka/protocol/messages/delete_topics.h"
#include "common/kafka/protocol/messages/describe_configs.h"
#include "common/kafka/protocol/messages/incremental_alter_configs.h"
#include "common/status.h"

namespace sluice::kafka::client {
namespace {

constexpr int8_t kResourceTypeTopic = 2;  // ConfigResource.Type.TOPIC

absl::Status MissingResult(absl::string_view what, const std::string& name) {
  return absl::InternalError(
      absl::StrCat(what, " ", name, ": the broker's response has no result for it"));
}

}  // namespace

absl::StatusOr<CreateTopicResult> AdminClient::CreateTopic(const NewTopic& topic,
                                                           bool validate_only) {
  CreateTopicsRequest request;
  CreateTopicsRequest::CreatableTopic t;
  t.name = topic.name;
  t.num_partitions = topic.partitions;
  t.replication_factor = topic.replication_factor;
  for (const auto& [key, value] : topic.configs) {
    CreateTopicsRequest::CreatableTopicConfig c;
    c.name = key;
    c.value = value;
    t.configs.push_back(std::move(c));
  }
  request.topics.push_back(std::move(t));
  request.timeout_ms = BrokerTimeoutMs(options_.connection);
  request.validate_only = validate_only;
  const std::string context = absl::StrCat("create topic ", topic.name);

  absl::MutexLock lock(&mu_);
  for (int attempt = 0;; ++attempt) {
    SLUICE_ASSIGN_OR_RETURN(Connection * conn, Admin());
    SLUICE_ASSIGN_OR_RETURN(CreateTopicsResponse response,
                            conn->Call<CreateTopicsResponse>(request));
    const CreateTopicsResponse::CreatableTopicResult* result = nullptr;
    for (const auto& r : response.topics) {
      if (r.name == topic.name) result = &r;
    }
    if (result == nullptr) return MissingResult("create topic", topic.name);
    if (result->error_code == kErrorNotController && attempt == 0) {
      SLUICE_RETURN_IF_ERROR(Discover());
      continue;
    }
    SLUICE_RETURN_IF_ERROR(KafkaErrorStatus(result->error_code, result->error_message, context));
    CreateTopicResult out;
    out.topic_id = result->topic_id;
    out.partitions = result->num_partitions;
    out.replication_factor = result->replication_factor;
    return out;
  }
}

absl::Status AdminClient::DeleteTopic(const std::string& name) {
  DeleteTopicsRequest request;
  // Both forms: versions 0-5 send topic_names, 6+ send topics.
  request.topic_names.push_back(name);
  DeleteTopicsRequest::DeleteTopicState state;
  state.name = name;
  request.topics.push_back(std::move(state));
  request.timeout_ms = BrokerTimeoutMs(options_.connection);
  const std::string context = absl::StrCat("delete topic ", name);

  absl::MutexLock lock(&mu_);
  for (int attempt = 0;; ++attempt) {
    SLUICE_ASSIGN_OR_RETURN(Connection * conn, Admin());
    SLUICE_ASSIGN_OR_RETURN(DeleteTopicsResponse response,
                            conn->Call<DeleteTopicsResponse>(request));
    const DeleteTopicsResponse::DeletableTopicResult* result = nullptr;
    for (const auto& r : response.responses) {
      if (r.name == name) result = &r;
    }
    if (result == nullptr) return MissingResult("delete topic", name);
    if (result->error_code == kErrorNotController && attempt == 0) {
      SLUICE_RETURN_IF_ERROR(Discover());
      continue;
    }
    return KafkaErrorStatus(result->error_code, result->error_message, context);
  }
}

absl::Status AdminClient::CreatePartitions(const std::string& name, int32_t total_count,
                                           bool validate_only) {
  CreatePartitionsRequest request;
  CreatePartitionsRequest::CreatePartitionsTopic t;
  t.name = name;
  t.count = total_count;
  t.assignments = std::nullopt;  // the broker places the new partitions
  request.topics.push_back(std::move(t));
  request.timeout_ms = BrokerTimeoutMs(options_.connection);
  request.validate_only = validate_only;
  const std::string context = absl::StrCat("create partitions for ", name);

  absl::MutexLock lock(&mu_);
  for (int attempt = 0;; ++attempt) {
    SLUICE_ASSIGN_OR_RETURN(Connection * conn, Admin());
    SLUICE_ASSIGN_OR_RETURN(CreatePartitionsResponse response,
                            conn->Call<CreatePartitionsResponse>(request));
    const CreatePartitionsResponse::CreatePartitionsTopicResult* result = nullptr;
    for (const auto& r : response.results) {
      if (r.name == name) result = &r;
    }
    if (result == nullptr) return MissingResult("create partitions for", name);
    if (result->error_code == kErrorNotController && attempt == 0) {
      SLUICE_RETURN_IF_ERROR(Discover());
      continue;
    }
    return KafkaErrorStatus(result->error_code, result->error_message, context);
  }
}

absl::StatusOr<TopicConfigs> AdminClient::DescribeTopicConfigs(const std::string& name) {
  DescribeConfigsRequest request;
  DescribeConfigsRequest::DescribeConfigsResource resource;
  resource.resource_type = kResourceTypeTopic;
  resource.resource_name = name;
  resource.configuration_keys = std::nullopt;  // all keys
  request.resources.push_back(std::move(resource));
  const std::string context = absl::StrCat("describe configs of topic ", name);

  absl::MutexLock lock(&mu_);
  SLUICE_ASSIGN_OR_RETURN(Connection * conn, Admin());
  SLUICE_ASSIGN_OR_RETURN(DescribeConfigsResponse response,
                          conn->Call<DescribeConfigsResponse>(request));
  const DescribeConfigsResponse::DescribeConfigsResult* result = nullptr;
  for (const auto& r : response.results) {
    if (r.resource_type == kResourceTypeTopic && r.resource_name == name) result = &r;
  }
  if (result == nullptr) return MissingResult("describe configs of topic", name);
  SLUICE_RETURN_IF_ERROR(KafkaErrorStatus(result->error_code, result->error_message, context));
  TopicConfigs configs;
  for (const auto& c : result->configs) {
    ConfigEntry entry;
    entry.value = c.value;
    entry.source = c.config_source >= 0 && c.config_source <= 8
                       ? static_cast<ConfigSource>(c.config_source)
                       : ConfigSource::kUnknown;
    entry.read_only = c.read_only;
    entry.sensitive = c.is_sensitive;
    configs.insert_or_assign(c.name, std::move(entry));
  }
  return configs;
}

absl::Status AdminClient::IncrementalAlterTopicConfigs(const std::string& name,
                                                       const std::vector<ConfigChange>& changes,
                                                       bool validate_only) {
  IncrementalAlterConfigsRequest request;
  IncrementalAlterConfigsRequest::AlterConfigsResource resource;
  resource.resource_type = kResourceTypeTopic;
  resource.resource_name = name;
  for (const ConfigChange& change : changes) {
    IncrementalAlterConfigsRequest::AlterableConfig c;
    c.name = change.key;
    c.config_operation = static_cast<int8_t>(change.op);
    c.value = change.op == ConfigOp::kDelete ? std::nullopt : change.value;
    resource.configs.push_back(std::move(c));
  }
  request.resources.push_back(std::move(resource));
  request.validate_only = validate_only;
  const std::string context = absl::StrCat("alter configs of topic ", name);

  absl::MutexLock lock(&mu_);
  for (int attempt = 0;; ++attempt) {
    SLUICE_ASSIGN_OR_RETURN(Connection * conn, Admin());
    SLUICE_ASSIGN_OR_RETURN(IncrementalAlterConfigsResponse response,
                            conn->Call<IncrementalAlterConfigsResponse>(request));
    const IncrementalAlterConfigsResponse::AlterConfigsResourceResponse* result = nullptr;
    for (const auto& r : response.responses) {
      if (r.resource_type == kResourceTypeTopic && r.resource_name == name) result = &r;
    }
    if (result == nullptr) return MissingResult("alter configs of topic", name);
    if (result->error_code == kErrorNotController && attempt == 0) {
      SLUICE_RETURN_IF_ERROR(Discover());
      continue;
    }
    return KafkaErrorStatus(result->error_code, result->error_message, context);
  }
}

}  // namespace sluice::kafka::client

#include "broker/server/handlers/create_topics.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "broker/server/kafka_errors.h"
#include "broker/server/topic_config.h"

namespace sluice::server::handlers {

using Request = kafka::CreateTopicsRequest;
using Response = kafka::CreateTopicsResponse;

namespace {

struct Refusal {
  KafkaError error;
  std::string message;
};

// Checks one topic and fills `spec`; returns the refusal if it cannot be created.
std::optional<Refusal> Check(const Request::CreatableTopic& topic, const BrokerConfig& config,
                             NewTopic* spec) {
  if (!metadata::IsValidTopicName(topic.name)) {
    return Refusal{KafkaError::kInvalidTopicException,
                   absl::StrCat("Topic name '", topic.name,
                                "' is illegal: use 1 to 249 of [a-zA-Z0-9._-], not '.' or '..'")};
  }
  spec->name = topic.name;
  if (!topic.assignments.empty()) {
    if (topic.num_partitions != -1 || topic.replication_factor != -1) {
      return Refusal{KafkaError::kInvalidRequest,
                     "Both numPartitions or replicationFactor and replicasAssignments were set. "
                     "Both cannot be used at the same time."};
    }
    std::set<int32_t> seen;
    for (const auto& a : topic.assignments) {
      if (a.broker_ids.size() != 1 || a.broker_ids[0] != config.node_id) {
        return Refusal{
            KafkaError::kInvalidReplicaAssignment,
            absl::StrCat("partition ", a.partition_index, " must be assigned to this broker (",
                         config.node_id, ") alone: the cluster has one broker")};
      }
      seen.insert(a.partition_index);
    }
    if (*seen.begin() != 0 || *seen.rbegin() != static_cast<int32_t>(seen.size()) - 1 ||
        seen.size() != topic.assignments.size()) {
      return Refusal{KafkaError::kInvalidReplicaAssignment,
                     "partitions in the assignment must be 0 to n-1, each once"};
    }
    spec->partitions = static_cast<int32_t>(seen.size());
    spec->replication_factor = 1;
  } else {
    spec->partitions = topic.num_partitions == -1 ? config.num_partitions : topic.num_partitions;
    if (spec->partitions <= 0) {
      return Refusal{KafkaError::kInvalidPartitions,
                     "Number of partitions was set to an invalid non-positive value."};
    }
    if (spec->partitions > metadata::kMaxPartitionsPerTopic) {
      return Refusal{KafkaError::kInvalidPartitions,
                     absl::StrCat("Number of partitions ", spec->partitions,
                                  " exceeds the limit of ", metadata::kMaxPartitionsPerTopic)};
    }
    int16_t rf = topic.replication_factor == -1 ? config.default_replication_factor
                                                : topic.replication_factor;
    if (rf <= 0) {
      return Refusal{KafkaError::kInvalidReplicationFactor,
                     "Replication factor must be larger than 0, or -1 to use the default value."};
    }
    if (rf > 1) {
      return Refusal{KafkaError::kInvalidReplicationFactor,
                     absl::StrCat("Unable to replicate the partition ", rf,
                                  " time(s): The target replication factor of ", rf,
                                  " cannot be reached because only 1 broker(s) are registered.")};
    }
    spec->replication_factor = rf;
  }
  for (const auto& c : topic.configs) {
    if (!c.value.has_value()) {
      return Refusal{KafkaError::kInvalidConfig,
                     absl::StrCat("Null value not supported for topic configs: ", c.name)};
    }
    if (absl::Status s = ValidateTopicConfig(c.name, *c.value); !s.ok()) {
      return Refusal{KafkaError::kInvalidConfig, std::string(s.message())};
    }
    spec->configs[c.name] = *c.value;
  }
  return std::nullopt;
}

void DescribeCreated(const NewTopic& spec, Response::CreatableTopicResult& out) {
  out.num_partitions = spec.partitions;
  out.replication_factor = spec.replication_factor;
  out.configs.emplace();
  for (const auto& def : TopicConfigDefs()) {
    Response::CreatableTopicConfigs c;
    c.name = def.name;
    auto it = spec.configs.find(def.name);
    c.value = it != spec.configs.end() ? it->second : TopicConfigDefault(def.name);
    c.config_source = static_cast<int8_t>(it != spec.configs.end() ? ConfigSource::kTopicConfig
                                                                   : ConfigSource::kDefaultConfig);
    out.configs->push_back(std::move(c));
  }
}

}  // namespace

Response CreateTopicsHandler::ServeNow(const RequestContext&, const Request& request) {
  Response response;
  std::map<std::string, int> counts;
  for (const auto& t : request.topics) ++counts[t.name];

  for (const auto& topic : request.topics) {
    Response::CreatableTopicResult result;
    result.name = topic.name;
    auto fail = [&](KafkaError error, std::string message) {
      result.error_code = Code(error);
      result.error_message = std::move(message);
    };
    NewTopic spec;
    if (counts[topic.name] > 1) {
      fail(KafkaError::kInvalidRequest,
           absl::StrCat("Create topics request contains multiple entries for topic ", topic.name));
    } else if (broker_.topics.Find(topic.name)) {
      fail(KafkaError::kTopicAlreadyExists,
           absl::StrCat("Topic '", topic.name, "' already exists."));
    } else if (auto refusal = Check(topic, broker_.config, &spec)) {
      fail(refusal->error, refusal->message);
    } else if (request.validate_only) {
      DescribeCreated(spec, result);
    } else if (auto created = broker_.topics.Create(spec); !created.ok()) {
      bool exists = created.status().code() == absl::StatusCode::kAlreadyExists;
      fail(exists ? KafkaError::kTopicAlreadyExists : KafkaError::kUnknownServerError,
           std::string(created.status().message()));
    } else {
      result.topic_id = kafka::Uuid{(*created)->record.topic_id.bytes};
      DescribeCreated(spec, result);
    }
    response.topics.push_back(std::move(result));
  }
  return response;
}

}  // namespace sluice::server::handlers

// File: operator/api/sluice_topic.h
// SluiceTopic (sluice.dev/v1alpha1): the C++ mirror of manifests/crds/sluice.dev_sluicetopics.yaml
// (defaults as in the CRD). operator/reconcilers/topic is its user.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "operator/api/conditions.h"
#include "operator/api/object_meta.h"

namespace sluice::operator_api {

inline constexpr char kSluiceTopicKind[] = "SluiceTopic";

struct SluiceTopicSpec {
  std::string cluster_name;  // spec.clusterRef.name, required
  std::string topic_name;    // empty: metadata.name
  int32_t partitions = 1;
  int32_t replication_factor = 1;
  std::map<std::string, std::string> config;
  std::string deletion_policy = "Retain";  // Retain | Delete
  std::string drift_policy = "Correct";    // Correct | Report
};

struct SluiceTopicStatus {
  int64_t observed_generation = 0;
  std::string topic_name;
  std::string topic_id;
  int32_t partitions = 0;
  int32_t replication_factor = 0;
  std::map<std::string, std::string> config;
  std::vector<Condition> conditions;

  bool operator==(const SluiceTopicStatus&) const = default;
};

struct SluiceTopic {
  ObjectMeta meta;
  SluiceTopicSpec spec;
  SluiceTopicStatus status;

  // The Kafka topic name: spec.topicName or metadata.name.
  const std::string& KafkaName() const {
    return spec.topic_name.empty() ? meta.name : spec.topic_name;
  }
};

absl::StatusOr<SluiceTopic> ParseSluiceTopic(const nlohmann::json& object);
nlohmann::json SluiceTopicToJson(const SluiceTopic& topic);
nlohmann::json SluiceTopicSpecToJson(const SluiceTopicSpec& spec);
nlohmann::json SluiceTopicStatusToJson(const SluiceTopicStatus& status);

// Rules of the CRD that need no old object: clusterRef set, a legal Kafka name (1..249 of
// [a-zA-Z0-9._-], not "." or ".."), partitions >= 1, replicationFactor in [1, 32], policies.
absl::Status ValidateSluiceTopicSpec(const SluiceTopic& topic);
// Transition rules (the CRD enforces them too): partitions may only grow, replicationFactor,
// topicName and clusterRef are immutable. FailedPrecondition names the field.
absl::Status ValidateSluiceTopicUpdate(const SluiceTopicSpec& old_spec,
                                       const SluiceTopicSpec& new_spec);

}  // namespace sluice::operator_api

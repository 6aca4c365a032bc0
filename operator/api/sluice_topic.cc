#include "operator/api/sluice_topic.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "operator/api/json_fields.h"
#include "operator/api/sluice_cluster.h"

namespace sluice::operator_api {

absl::StatusOr<SluiceTopic> ParseSluiceTopic(const nlohmann::json& object) {
  SluiceTopic topic;
  SLUICE_ASSIGN_OR_RETURN(topic.meta, ParseObjectMeta(object));
  nlohmann::json s, ref, st;
  SLUICE_RETURN_IF_ERROR(ReadObject(object, "spec", "", &s));
  SLUICE_RETURN_IF_ERROR(ReadObject(s, "clusterRef", "spec", &ref));
  SluiceTopicSpec& spec = topic.spec;
  SLUICE_RETURN_IF_ERROR(ReadString(ref, "name", "spec.clusterRef", &spec.cluster_name));
  SLUICE_RETURN_IF_ERROR(ReadString(s, "topicName", "spec", &spec.topic_name));
  SLUICE_RETURN_IF_ERROR(ReadInt32(s, "partitions", "spec", &spec.partitions));
  SLUICE_RETURN_IF_ERROR(ReadInt32(s, "replicationFactor", "spec", &spec.replication_factor));
  SLUICE_RETURN_IF_ERROR(ReadStringMap(s, "config", "spec", &spec.config));
  SLUICE_RETURN_IF_ERROR(ReadString(s, "deletionPolicy", "spec", &spec.deletion_policy));
  SLUICE_RETURN_IF_ERROR(ReadString(s, "driftPolicy", "spec", &spec.drift_policy));

  SLUICE_RETURN_IF_ERROR(ReadObject(object, "status", "", &st));
  SluiceTopicStatus& status = topic.status;
  SLUICE_RETURN_IF_ERROR(ReadInt(st, "observedGeneration", "status", &status.observed_generation));
  SLUICE_RETURN_IF_ERROR(ReadString(st, "topicName", "status", &status.topic_name));
  SLUICE_RETURN_IF_ERROR(ReadString(st, "topicId", "status", &status.topic_id));
  SLUICE_RETURN_IF_ERROR(ReadInt32(st, "partitions", "status", &status.partitions));
  SLUICE_RETURN_IF_ERROR(ReadInt32(st, "replicationFactor", "status", &status.replication_factor));
  SLUICE_RETURN_IF_ERROR(ReadStringMap(st, "config", "status", &status.config));
  SLUICE_ASSIGN_OR_RETURN(status.conditions, ParseConditions(st));
  return topic;
}

nlohmann::json SluiceTopicSpecToJson(const SluiceTopicSpec& spec) {
  nlohmann::json j = {{"clusterRef", {{"name", spec.cluster_name}}},
                      {"partitions", spec.partitions},
                      {"replicationFactor", spec.replication_factor},
                      {"deletionPolicy", spec.deletion_policy},
                      {"driftPolicy", spec.drift_policy}};
  if (!spec.topic_name.empty()) j["topicName"] = spec.topic_name;
  if (!spec.config.empty()) j["config"] = spec.config;
  return j;
}

nlohmann::json SluiceTopicStatusToJson(const SluiceTopicStatus& status) {
  nlohmann::json j = {{"observedGeneration", status.observed_generation},
                      {"conditions", ConditionsToJson(status.conditions)}};
  if (!status.topic_name.empty()) j["topicName"] = status.topic_name;
  if (!status.topic_id.empty()) j["topicId"] = status.topic_id;
  if (status.partitions > 0) j["partitions"] = status.partitions;
  if (status.replication_factor > 0) j["replicationFactor"] = status.replication_factor;
  if (!status.config.empty()) j["config"] = status.config;
  return j;
}

nlohmann::json SluiceTopicToJson(const SluiceTopic& topic) {
  return {{"apiVersion", kApiVersion},
          {"kind", kSluiceTopicKind},
          {"metadata", ObjectMetaToJson(topic.meta)},
          {"spec", SluiceTopicSpecToJson(topic.spec)},
          {"status", SluiceTopicStatusToJson(topic.status)}};
}

absl::Status ValidateSluiceTopicSpec(const SluiceTopic& topic) {
  const SluiceTopicSpec& spec = topic.spec;
  if (spec.cluster_name.empty())
    return absl::InvalidArgumentError("spec.clusterRef.name: required");
  const std::string& name = topic.KafkaName();
  if (name.empty() || name.size() > 249 || name == "." || name == "..") {
    return absl::InvalidArgumentError(absl::StrCat("topic name '", name, "' is not legal"));
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("topic name '", name, "' has a character outside [a-zA-Z0-9._-]"));
    }
  }
  if (spec.partitions < 1) return absl::InvalidArgumentError("spec.partitions: must be >= 1");
  if (spec.replication_factor < 1 || spec.replication_factor > 32) {
    return absl::InvalidArgumentError("spec.replicationFactor: must be in [1, 32]");
  }
  if (spec.deletion_policy != "Retain" && spec.deletion_policy != "Delete") {
    return absl::InvalidArgumentError("spec.deletionPolicy: must be Retain or Delete");
  }
  if (spec.drift_policy != "Correct" && spec.drift_policy != "Report") {
    return absl::InvalidArgumentError("spec.driftPolicy: must be Correct or Report");
  }
  return absl::OkStatus();
}

absl::Status ValidateSluiceTopicUpdate(const SluiceTopicSpec& old_spec,
                                       const SluiceTopicSpec& new_spec) {
  if (new_spec.partitions < old_spec.partitions) {
    return absl::FailedPreconditionError(absl::StrCat(
        "spec.partitions: may only grow (", old_spec.partitions, " -> ", new_spec.partitions, ")"));
  }
  if (new_spec.replication_factor != old_spec.replication_factor) {
    return absl::FailedPreconditionError("spec.replicationFactor: is immutable");
  }
  if (new_spec.topic_name != old_spec.topic_name) {
    return absl::FailedPreconditionError("spec.topicName: is immutable");
  }
  if (new_spec.cluster_name != old_spec.cluster_name) {
    return absl::FailedPreconditionError("spec.clusterRef: is immutable");
  }
  return absl::OkStatus();
}

}  // namespace sluice::operator_api

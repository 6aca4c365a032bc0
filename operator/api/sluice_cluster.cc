#include "operator/api/sluice_cluster.h"

#include <algorithm>
#include <regex>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "operator/api/json_fields.h"

namespace sluice::operator_api {
namespace {

absl::Status ParseSpec(const nlohmann::json& s, SluiceClusterSpec* spec) {
  SLUICE_RETURN_IF_ERROR(ReadInt32(s, "brokers", "spec", &spec->brokers));
  SLUICE_RETURN_IF_ERROR(ReadString(s, "image", "spec", &spec->image));
  SLUICE_RETURN_IF_ERROR(ReadString(s, "imagePullPolicy", "spec", &spec->image_pull_policy));
  nlohmann::json storage, listeners, rack, budget, metrics;
  SLUICE_RETURN_IF_ERROR(ReadObject(s, "storage", "spec", &storage));
  SLUICE_RETURN_IF_ERROR(ReadString(storage, "type", "spec.storage", &spec->storage.type));
  SLUICE_RETURN_IF_ERROR(ReadString(storage, "size", "spec.storage", &spec->storage.size));
  SLUICE_RETURN_IF_ERROR(
      ReadString(storage, "class", "spec.storage", &spec->storage.storage_class));
  SLUICE_RETURN_IF_ERROR(ReadObject(s, "resources", "spec", &spec->resources));
  SLUICE_RETURN_IF_ERROR(ReadStringMap(s, "config", "spec", &spec->config));
  SLUICE_RETURN_IF_ERROR(ReadObject(s, "listeners", "spec", &listeners));
  SLUICE_RETURN_IF_ERROR(ReadInt32(listeners, "kafkaPort", "spec.listeners", &spec->kafka_port));
  SLUICE_RETURN_IF_ERROR(ReadInt32(listeners, "httpPort", "spec.listeners", &spec->http_port));
  SLUICE_RETURN_IF_ERROR(ReadObject(s, "rack", "spec", &rack));
  SLUICE_RETURN_IF_ERROR(ReadString(rack, "topologyKey", "spec.rack", &spec->rack_topology_key));
  SLUICE_RETURN_IF_ERROR(ReadObject(s, "disruptionBudget", "spec", &budget));
  SLUICE_RETURN_IF_ERROR(
      ReadInt32(budget, "maxUnavailable", "spec.disruptionBudget", &spec->max_unavailable));
  SLUICE_RETURN_IF_ERROR(ReadObject(s, "metrics", "spec", &metrics));
  SLUICE_RETURN_IF_ERROR(ReadBool(metrics, "enabled", "spec.metrics", &spec->metrics_enabled));
  return absl::OkStatus();
}

absl::Status ParseStatus(const nlohmann::json& s, SluiceClusterStatus* status) {
  SLUICE_RETURN_IF_ERROR(ReadInt(s, "observedGeneration", "status", &status->observed_generation));
  SLUICE_RETURN_IF_ERROR(ReadInt32(s, "brokers", "status", &status->brokers));
  SLUICE_RETURN_IF_ERROR(ReadInt32(s, "readyBrokers", "status", &status->ready_brokers));
  SLUICE_RETURN_IF_ERROR(ReadInt32(s, "updatedBrokers", "status", &status->updated_brokers));
  SLUICE_RETURN_IF_ERROR(ReadString(s, "selector", "status", &status->selector));
  SLUICE_RETURN_IF_ERROR(ReadString(s, "configHash", "status", &status->config_hash));
  if (s.is_object() && s.contains("brokerStatuses") && s["brokerStatuses"].is_array()) {
    for (const auto& b : s["brokerStatuses"]) {
      BrokerStatus broker;
      SLUICE_RETURN_IF_ERROR(ReadInt32(b, "id", "status.brokerStatuses[]", &broker.id));
      SLUICE_RETURN_IF_ERROR(ReadString(b, "pod", "status.brokerStatuses[]", &broker.pod));
      SLUICE_RETURN_IF_ERROR(ReadString(b, "state", "status.brokerStatuses[]", &broker.state));
      SLUICE_RETURN_IF_ERROR(ReadBool(b, "updated", "status.brokerStatuses[]", &broker.updated));
      status->broker_statuses.push_back(std::move(broker));
    }
  }
  SLUICE_ASSIGN_OR_RETURN(status->conditions, ParseConditions(s));
  return absl::OkStatus();
}

}  // namespace

const std::vector<std::string>& ReservedBrokerConfigKeys() {
  static const std::vector<std::string> keys = {"node.id", "listeners", "advertised.listeners",
                                                "http.listeners", "data.dir"};
  return keys;
}

absl::StatusOr<SluiceCluster> ParseSluiceCluster(const nlohmann::json& object) {
  SluiceCluster cluster;
  SLUICE_ASSIGN_OR_RETURN(cluster.meta, ParseObjectMeta(object));
  nlohmann::json spec, status;
  SLUICE_RETURN_IF_ERROR(ReadObject(object, "spec", "", &spec));
  SLUICE_RETURN_IF_ERROR(ParseSpec(spec, &cluster.spec));
  SLUICE_RETURN_IF_ERROR(ReadObject(object, "status", "", &status));
  SLUICE_RETURN_IF_ERROR(ParseStatus(status, &cluster.status));
  return cluster;
}

nlohmann::json SluiceClusterSpecToJson(const SluiceClusterSpec& spec) {
  nlohmann::json storage = {{"type", spec.storage.type}, {"size", spec.storage.size}};
  if (!spec.storage.storage_class.empty()) storage["class"] = spec.storage.storage_class;
  nlohmann::json j = {
      {"brokers", spec.brokers},
      {"image", spec.image},
      {"imagePullPolicy", spec.image_pull_policy},
      {"storage", storage},
      {"listeners", {{"kafkaPort", spec.kafka_port}, {"httpPort", spec.http_port}}},
      {"disruptionBudget", {{"maxUnavailable", spec.max_unavailable}}},
      {"metrics", {{"enabled", spec.metrics_enabled}}},
  };
  if (!spec.resources.empty()) j["resources"] = spec.resources;
  if (!spec.config.empty()) j["config"] = spec.config;
  if (!spec.rack_topology_key.empty()) j["rack"] = {{"topologyKey", spec.rack_topology_key}};
  return j;
}

nlohmann::json SluiceClusterStatusToJson(const SluiceClusterStatus& status) {
  nlohmann::json brokers = nlohmann::json::array();
  for (const BrokerStatus& b : status.broker_statuses) {
    brokers.push_back({{"id", b.id}, {"pod", b.pod}, {"state", b.state}, {"updated", b.updated}});
  }
  return {{"observedGeneration", status.observed_generation},
          {"brokers", status.brokers},
          {"readyBrokers", status.ready_brokers},
          {"updatedBrokers", status.updated_brokers},
          {"selector", status.selector},
          {"configHash", status.config_hash},
          {"brokerStatuses", brokers},
          {"conditions", ConditionsToJson(status.conditions)}};
}

nlohmann::json SluiceClusterToJson(const SluiceCluster& cluster) {
  return {{"apiVersion", kApiVersion},
          {"kind", kSluiceClusterKind},
          {"metadata", ObjectMetaToJson(cluster.meta)},
          {"spec", SluiceClusterSpecToJson(cluster.spec)},
          {"status", SluiceClusterStatusToJson(cluster.status)}};
}

absl::Status ValidateSluiceClusterSpec(const SluiceClusterSpec& spec) {
  if (spec.brokers < 1 || spec.brokers > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("spec.brokers: ", spec.brokers, " is outside [1, 64]"));
  }
  if (spec.image.empty()) return absl::InvalidArgumentError("spec.image: required");
  if (spec.storage.type != "persistent" && spec.storage.type != "ephemeral") {
    return absl::InvalidArgumentError("spec.storage.type: must be persistent or ephemeral");
  }
  static const std::regex kQuantity(R"(^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$)");
  if (!std::regex_match(spec.storage.size, kQuantity)) {
    return absl::InvalidArgumentError(
        absl::StrCat("spec.storage.size: '", spec.storage.size, "' is not a quantity"));
  }
  for (int32_t port : {spec.kafka_port, spec.http_port}) {
    if (port < 1024 || port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("spec.listeners: port ", port, " is outside [1024, 65535]"));
    }
  }
  if (spec.kafka_port == spec.http_port) {
    return absl::InvalidArgumentError("spec.listeners: kafkaPort and httpPort must differ");
  }
  if (spec.max_unavailable < 0) {
    return absl::InvalidArgumentError("spec.disruptionBudget.maxUnavailable: must be >= 0");
  }
  for (const std::string& key : ReservedBrokerConfigKeys()) {
    if (spec.config.count(key) > 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("spec.config: ", key, " is set by the operator"));
    }
  }
  return absl::OkStatus();
}

}  // namespace sluice::operator_api

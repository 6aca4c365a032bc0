// File: operator/api/sluice_cluster.h
// SluiceCluster (sluice.dev/v1alpha1): the C++ mirror of manifests/crds/
// sluice.dev_sluiceclusters.yaml. The CRD is the source of truth; the defaults here are the
// CRD's, so an object that did not pass API-server defaulting (a test fixture) reads the same.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "operator/api/conditions.h"
#include "operator/api/object_meta.h"

namespace sluice::operator_api {

inline constexpr char kGroup[] = "sluice.dev";
inline constexpr char kVersion[] = "v1alpha1";
inline constexpr char kApiVersion[] = "sluice.dev/v1alpha1";
inline constexpr char kSluiceClusterKind[] = "SluiceCluster";

// Condition types and reasons of a SluiceCluster.
inline constexpr char kReady[] = "Ready";
inline constexpr char kProgressing[] = "Progressing";
inline constexpr char kDegraded[] = "Degraded";

struct StorageSpec {
  std::string type = "persistent";  // "persistent" | "ephemeral"
  std::string size = "10Gi";        // a Kubernetes quantity
  std::string storage_class;        // empty: the cluster's default class
};

struct SluiceClusterSpec {
  int32_t brokers = 3;
  std::string image = "sluice/sluice-broker:0.1.0";
  std::string image_pull_policy = "IfNotPresent";
  StorageSpec storage;
  nlohmann::json resources = nlohmann::json::object();  // core/v1 ResourceRequirements
  std::map<std::string, std::string> config;            // broker config keys
  int32_t kafka_port = 9092;
  int32_t http_port = 8090;
  std::string rack_topology_key;  // empty: no rack awareness
  int32_t max_unavailable = 1;
  bool metrics_enabled = true;
};

struct BrokerStatus {
  int32_t id = 0;
  std::string pod;
  std::string state;  // Pending | Starting | Ready | Terminating | Missing
  bool updated = false;

  bool operator==(const BrokerStatus&) const = default;
};

struct SluiceClusterStatus {
  int64_t observed_generation = 0;
  int32_t brokers = 0;
  int32_t ready_brokers = 0;
  int32_t updated_brokers = 0;
  std::string selector;
  std::string config_hash;
  std::vector<BrokerStatus> broker_statuses;
  std::vector<Condition> conditions;

  bool operator==(const SluiceClusterStatus&) const = default;
};

struct SluiceCluster {
  ObjectMeta meta;
  SluiceClusterSpec spec;
  SluiceClusterStatus status;
};

// Parses a SluiceCluster object (as served by the API server). Type errors are
// InvalidArgument; semantic checks are ValidateSluiceClusterSpec's.
absl::StatusOr<SluiceCluster> ParseSluiceCluster(const nlohmann::json& object);
// The object with apiVersion, kind, metadata (see ObjectMetaToJson), spec and status.
nlohmann::json SluiceClusterToJson(const SluiceCluster& cluster);
nlohmann::json SluiceClusterSpecToJson(const SluiceClusterSpec& spec);
nlohmann::json SluiceClusterStatusToJson(const SluiceClusterStatus& status);

// The rules of the CRD's schema and CEL validations that do not need the old object, checked
// again because a spec may come from an older CRD or a test: brokers in [1, 64], storage type
// and size, ports, reserved config keys. OK or InvalidArgument with a message for status.
absl::Status ValidateSluiceClusterSpec(const SluiceClusterSpec& spec);

// Broker config keys the operator owns; the spec may not set them.
const std::vector<std::string>& ReservedBrokerConfigKeys();

}  // namespace sluice::operator_api

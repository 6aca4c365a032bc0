// File: common/kafka/client/admin_types.h
// Plain value types that AdminClient (admin_client.h) takes and returns. No I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/kafka/client/host_port.h"
#include "common/kafka/protocol/uuid.h"

namespace sluice::kafka::client {

// Maps an address a broker advertises (or a bootstrap address) to the address to dial.
// In Kubernetes tests the advertised addresses are pod DNS names that map to loopback
// ports. Must be thread-safe if the AdminClient is shared between threads.
using AddressMapper = std::function<HostPort(const HostPort& advertised)>;

// An AddressMapper that looks `advertised` up in `table` and returns it unchanged when
// absent.
AddressMapper MapAddresses(std::map<HostPort, HostPort> table);

struct BrokerInfo {
  int32_t node_id = -1;
  HostPort advertised;  // as the broker announces itself in Metadata
  HostPort dial;        // after the AddressMapper
  std::optional<std::string> rack;
};

struct ClusterInfo {
  std::optional<std::string> cluster_id;
  int32_t controller_id = -1;  // -1 if the broker named none
  std::vector<BrokerInfo> brokers;
};

struct PartitionInfo {
  int32_t partition = 0;
  int32_t leader = -1;
  int32_t leader_epoch = -1;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
  std::vector<int32_t> offline_replicas;
  bool operator==(const PartitionInfo&) const = default;
};

struct TopicDescription {
  std::string name;
  Uuid topic_id;  // zero if the broker's Metadata version has no topic ids (< v10)
  bool is_internal = false;
  std::vector<PartitionInfo> partitions;  // sorted by partition index
  // Replica count of the lowest partition (as kafka-topics --describe shows it), or
  // -1 with no partitions.
  int32_t replication_factor = -1;
  int32_t partition_count() const { return static_cast<int32_t>(partitions.size()); }
};

struct NewTopic {
  std::string name;
  int32_t partitions = -1;          // -1: the broker's num.partitions
  int16_t replication_factor = -1;  // -1: the broker's default.replication.factor
  std::map<std::string, std::string> configs;
};

struct CreateTopicResult {
  Uuid topic_id;                    // zero below CreateTopics v7
  int32_t partitions = -1;          // -1 below CreateTopics v5
  int16_t replication_factor = -1;  // -1 below CreateTopics v5
};

// Where a config value comes from (DescribeConfigsResponse.ConfigSource in Kafka).
enum class ConfigSource : int8_t {
  kUnknown = 0,
  kTopic = 1,  // set on the topic itself: the only source a topic delete can remove
  kDynamicBroker = 2,
  kDynamicDefaultBroker = 3,
  kStaticBroker = 4,
  kDefault = 5,
  kDynamicBrokerLogger = 6,
  kClientMetrics = 7,
  kGroup = 8,
};
// "TOPIC_CONFIG", "DEFAULT_CONFIG", ... as Kafka's tools print them.
absl::string_view ConfigSourceName(ConfigSource source);

struct ConfigEntry {
  std::optional<std::string> value;  // null for sensitive values and unset keys
  ConfigSource source = ConfigSource::kUnknown;
  bool read_only = false;
  bool sensitive = false;
  // True when the value is set on the topic (not inherited from the broker or a default).
  bool explicitly_set() const { return source == ConfigSource::kTopic; }
  bool operator==(const ConfigEntry&) const = default;
};

// Every config of one topic, by key.
using TopicConfigs = std::map<std::string, ConfigEntry>;

// IncrementalAlterConfigs operations (AlterConfigOp.OpType in Kafka).
enum class ConfigOp : int8_t { kSet = 0, kDelete = 1, kAppend = 2, kSubtract = 3 };

struct ConfigChange {
  std::string key;
  ConfigOp op = ConfigOp::kSet;
  std::optional<std::string> value;  // ignored (sent null) for kDelete
  bool operator==(const ConfigChange&) const = default;
};

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  std::string ToString() const { return topic + "-" + std::to_string(partition); }
  bool operator==(const TopicPartition&) const = default;
  auto operator<=>(const TopicPartition&) const = default;
};

// Target replica lists for AlterPartitionReassignments, by partition. nullopt cancels
// the partition's ongoing reassignment.
using ReassignmentTargets = std::map<TopicPartition, std::optional<std::vector<int32_t>>>;

// One partition being reassigned (ListPartitionReassignments).
struct OngoingReassignment {
  TopicPartition partition;
  std::vector<int32_t> replicas;  // the full set while moving: old and new
  std::vector<int32_t> adding;
  std::vector<int32_t> removing;
  bool operator==(const OngoingReassignment&) const = default;
};

}  // namespace sluice::kafka::client

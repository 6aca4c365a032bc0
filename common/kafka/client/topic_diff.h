// File: common/kafka/client/topic_diff.h
// The pure "sync planner" for a declared topic (a SluiceTopic): compares what is
// declared with what a broker reports and says what to do. No I/O; the caller feeds it
// AdminClient's DescribeTopic + DescribeTopicConfigs and executes the plan.
//
// Example: desired {partitions 6, rf 1, configs {retention.ms: 1000}}; observed
// {partitions 3, rf 1, retention.ms=2000 (TOPIC_CONFIG), cleanup.policy=compact
// (TOPIC_CONFIG), segment.bytes=1073741824 (DEFAULT_CONFIG)} gives
//   grow_partitions_to = 6
//   configs_to_set     = {retention.ms: 1000}
//   configs_to_delete  = [cleanup.policy]       (explicitly set, not declared)
//   drift              = ["partitions: 3 on the broker, desired 6",
//                         "config cleanup.policy: compact set on the topic but not declared",
//                         "config retention.ms: 2000 (TOPIC_CONFIG) on the broker, desired 1000"]
// segment.bytes is left alone: values inherited from defaults are never deleted, and a
// declared value equal to the effective value is in sync whatever its source.
//
// Refused, never planned: fewer partitions than the topic has (Kafka cannot remove
// partitions), a different replication factor (needs a reassignment), changing a
// read-only config, and an invalid declaration (partitions or replication factor < 1,
// an empty config key). A refusal does not stop the other, safe actions from being
// planned; the caller decides whether to run them and reports the refusal reasons.
//
// Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/kafka/client/admin_types.h"

namespace sluice::kafka::client {

struct DesiredTopic {
  std::string name;
  std::optional<int32_t> partitions;          // nullopt: broker default, never compared
  std::optional<int32_t> replication_factor;  // nullopt: broker default, never compared
  std::map<std::string, std::string> configs;
};

struct ObservedConfig {
  std::optional<std::string> value;  // null when sensitive
  bool explicitly_set = false;       // set on the topic (ConfigSource kTopic)
  ConfigSource source = ConfigSource::kUnknown;
  bool read_only = false;
  bool sensitive = false;
};

struct ObservedTopic {
  int32_t partitions = 0;
  int32_t replication_factor = 0;
  std::map<std::string, ObservedConfig> configs;
};

// Builds the observation from AdminClient results.
ObservedTopic ObserveTopic(const TopicDescription& description, const TopicConfigs& configs);

struct TopicDiffOptions {
  // Delete configs set on the topic that the declaration does not mention (full
  // ownership). When false they are only reported as drift.
  bool delete_undeclared_configs = true;
};

enum class RefusalKind {
  kInvalidSpec,
  kShrinkPartitions,
  kChangeReplicationFactor,
  kReadOnlyConfig,
};

struct Refusal {
  RefusalKind kind;
  std::string reason;  // a sentence for a status condition message
  bool operator==(const Refusal&) const = default;
};

struct TopicPlan {
  // The topic is absent: create it with the declared partitions, replication factor
  // and configs (ToNewTopic). No other action is planned then.
  bool create = false;
  std::optional<int32_t> grow_partitions_to;
  std::map<std::string, std::string> configs_to_set;
  std::vector<std::string> configs_to_delete;  // sorted
  std::vector<Refusal> refusals;
  // One line per difference between declaration and broker, in a stable order
  // (existence, partitions, replication factor, configs by key). Empty when in sync.
  std::vector<std::string> drift;

  // Nothing to do and nothing refused.
  bool in_sync() const;
  bool has_actions() const;
  // configs_to_set as kSet then configs_to_delete as kDelete, for
  // AdminClient::IncrementalAlterTopicConfigs.
  std::vector<ConfigChange> ConfigChanges() const;
  // The drift lines joined with "; " (empty when in sync).
  std::string DriftSummary() const;
};

TopicPlan PlanTopicSync(const DesiredTopic& desired, const std::optional<ObservedTopic>& observed,
                        const TopicDiffOptions& options = {});

// The CreateTopic argument for `desired` (unset partitions/RF become -1, broker default).
NewTopic ToNewTopic(const DesiredTopic& desired);

}  // namespace sluice::kafka::client

// File: broker/metadata/metadata_reads.h
// Typed reads over a KvReader, shared by the store's read methods and by the change planner
// (which reads through an overlay of the batch being planned). Every function returns
// kDataLoss naming the key when a stored value or key is malformed.
//
// REQUIRES (all functions): topic names passed in satisfy IsValidTopicName.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "broker/metadata/kv_engine.h"
#include "broker/metadata/metadata_types.h"

namespace sluice::metadata {

// nullopt if the topic does not exist. `configs` is filled only if with_configs.
absl::StatusOr<std::optional<TopicRecord>> ReadTopic(KvReader& reader, const std::string& name,
                                                     bool with_configs);

// All topics with their configs, sorted by name.
absl::StatusOr<std::vector<TopicRecord>> ReadAllTopics(KvReader& reader);

// The configs stored under `prefix` in the configs column (codec::BrokerConfigPrefix() or
// codec::TopicConfigPrefix(topic)), keyed by config name.
absl::StatusOr<std::map<std::string, std::string>> ReadConfigs(KvReader& reader,
                                                               const std::string& prefix);

// Exactly the partitions [0, topic.partition_count); a missing or extra record is kDataLoss.
absl::StatusOr<std::vector<PartitionRecord>> ReadPartitions(KvReader& reader,
                                                            const TopicRecord& topic);

// nullopt if no record is stored for that partition.
absl::StatusOr<std::optional<PartitionRecord>> ReadPartition(KvReader& reader,
                                                             const std::string& topic,
                                                             int32_t partition);

// nullopt if no checkpoint is stored for that partition.
absl::StatusOr<std::optional<PartitionCheckpoint>> ReadCheckpoint(KvReader& reader,
                                                                  const std::string& topic,
                                                                  int32_t partition);

// nullopt if no record is stored for the group.
absl::StatusOr<std::optional<GroupRecord>> ReadGroup(KvReader& reader, const std::string& group_id);

// The group's committed offsets, sorted by (topic, partition).
// REQUIRES: group_id.size() <= kMaxGroupStringLength.
absl::StatusOr<std::vector<CommittedOffset>> ReadGroupOffsets(KvReader& reader,
                                                              const std::string& group_id);

// Every group record and committed offset.
absl::StatusOr<StoredGroups> ReadAllGroups(KvReader& reader);

// nullopt if the store has no cluster id yet.
absl::StatusOr<std::optional<std::string>> ReadClusterId(KvReader& reader);

// 0 if no producer id was ever allocated.
absl::StatusOr<int64_t> ReadNextProducerId(KvReader& reader);

}  // namespace sluice::metadata

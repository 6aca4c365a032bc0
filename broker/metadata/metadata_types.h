// File: broker/metadata/metadata_types.h
// The records the metadata store holds and the change records that mutate it.
//
// Every mutation of the store is a list of MetadataChange values applied atomically
// (MetadataStore::Apply). Today request handlers build these lists; once the cluster runs a
// Raft metadata quorum, the same records will be read from the committed metadata log and
// applied on every broker, so each change names its full effect and carries no hidden inputs
// (no clock reads, no node id, no randomness inside the store).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "broker/metadata/topic_id.h"

namespace sluice::metadata {

// Limits the store enforces on every change, whatever its source.
inline constexpr size_t kMaxTopicNameLength = 249;  // Kafka's limit.
inline constexpr size_t kMaxConfigKeyLength = 255;
inline constexpr int32_t kMaxPartitionsPerTopic = 100000;
inline constexpr int32_t kMaxProducerIdBlockSize = 1 << 20;
inline constexpr int32_t kNoLeader = -1;

struct TopicRecord {
  std::string name;
  TopicId topic_id;
  int32_t partition_count = 0;
  int16_t replication_factor = 1;
  // Only the keys explicitly set on this topic; defaults are resolved elsewhere.
  std::map<std::string, std::string> configs;
  int64_t created_ms = 0;

  friend bool operator==(const TopicRecord&, const TopicRecord&) = default;
};

// Assignment and leadership of one partition. On a single broker the replicas and ISR are
// that broker alone; the fields exist so the replicated cluster needs no format change.
struct PartitionRecord {
  int32_t partition = 0;
  std::vector<int32_t> replicas;  // Broker ids; the first is the preferred leader.
  std::vector<int32_t> isr;       // Subset of replicas.
  int32_t leader_id = kNoLeader;  // kNoLeader or one of replicas.
  int32_t leader_epoch = 0;       // Never decreases.

  friend bool operator==(const PartitionRecord&, const PartitionRecord&) = default;
};

// What the log layer needs to restart a partition without rescanning it.
struct PartitionCheckpoint {
  int64_t log_start_offset = 0;
  int64_t high_watermark = 0;
  int64_t recovery_point = 0;  // Everything below is known flushed and valid.

  friend bool operator==(const PartitionCheckpoint&, const PartitionCheckpoint&) = default;
};

// ---- Change records. Validation rules are listed with each; a batch that breaks any rule
// ---- is rejected whole (see MetadataStore::Apply).

// Creates a topic with its partitions and configs.
// Fails kAlreadyExists if the name is taken; kInvalidArgument unless: the name is a legal
// Kafka topic name, topic_id is non-zero, 1 <= partition_count <= kMaxPartitionsPerTopic,
// replication_factor >= 1, partitions[i].partition == i for exactly partition_count entries,
// and each partition has replication_factor distinct replicas (see PartitionRecord).
struct CreateTopic {
  TopicRecord topic;
  std::vector<PartitionRecord> partitions;
};

// Deletes a topic and, in the same write, its partitions, configs and checkpoints.
// Fails kNotFound if the topic does not exist.
struct DeleteTopic {
  std::string name;
};

// Sets (value present) or removes (nullopt) one topic-level config. Removing a key that is
// not set succeeds. Fails kNotFound if the topic does not exist.
struct SetTopicConfig {
  std::string topic;
  std::string key;
  std::optional<std::string> value;
};

// Grows a topic to `count` partitions. `new_partitions` holds the records of partitions
// [old count, count) in order. Fails kNotFound for a missing topic, kInvalidArgument if
// count does not exceed the current count (partitions never shrink) or the records are
// inconsistent.
struct SetPartitionCount {
  std::string topic;
  int32_t count = 0;
  std::vector<PartitionRecord> new_partitions;
};

// Replaces one partition's assignment/leadership (leader change, ISR change, reassignment).
// Fails kNotFound for a missing topic or partition; kInvalidArgument if the leader epoch
// would go backwards or the record is inconsistent.
struct UpdatePartition {
  std::string topic;
  PartitionRecord partition;
};

// Sets (value present) or removes (nullopt) one broker-level dynamic config.
struct SetBrokerConfig {
  std::string key;
  std::optional<std::string> value;
};

// Records a partition's log checkpoint. Meant to be written periodically (like Kafka's
// checkpoint files), not per produce request. Fails kNotFound for a missing topic or
// partition; kInvalidArgument for negative offsets.
struct SetPartitionCheckpoint {
  std::string topic;
  int32_t partition = 0;
  PartitionCheckpoint checkpoint;
};

// Replaces the cluster id (a controller-formatted cluster hands every broker the same id).
// kInvalidArgument unless 1..64 characters of [A-Za-z0-9_-].
struct SetClusterId {
  std::string cluster_id;
};

// Moves the next unallocated producer id forward; ids below it are never handed out again.
// Equal to the current value is a no-op (so a replayed record is harmless); lower fails
// kInvalidArgument. MetadataStore::AllocateProducerIdBlock is the usual way to use it.
struct AdvanceProducerIds {
  int64_t next_producer_id = 0;
};

using MetadataChange =
    std::variant<CreateTopic, DeleteTopic, SetTopicConfig, SetPartitionCount, UpdatePartition,
                 SetBrokerConfig, SetPartitionCheckpoint, SetClusterId, AdvanceProducerIds>;

// Records for partitions [first, first + count) all hosted by `broker_id` alone, which leads
// them at epoch 0: the assignment a single broker gives new partitions.
// REQUIRES: first >= 0, count >= 0.
std::vector<PartitionRecord> SingleBrokerPartitions(int32_t first, int32_t count,
                                                    int32_t broker_id);

// True for a legal Kafka topic name: 1..249 characters of [a-zA-Z0-9._-], not "." or "..".
bool IsValidTopicName(const std::string& name);

}  // namespace sluice::metadata

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
// Longest group id, member id, instance id, protocol name or commit metadata string the store
// accepts: the longest string the Kafka protocol can carry. The coordinator applies the
// tighter, configurable offset.metadata.max.bytes before it gets here.
inline constexpr size_t kMaxGroupStringLength = 32767;
// Subscription and assignment bytes of one member (opaque to the broker).
inline constexpr size_t kMaxMemberBytes = 1 << 20;

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

// One member of a consumer group as persisted: what Kafka's GroupMetadataValue holds.
// `subscription` is the member's metadata for the group's selected protocol and
// `assignment` what the leader gave it; both are opaque bytes, stored verbatim.
struct GroupMemberRecord {
  std::string member_id;
  std::optional<std::string> group_instance_id;  // Static members only (KIP-345).
  std::string client_id;
  std::string client_host;
  int32_t rebalance_timeout_ms = 0;
  int32_t session_timeout_ms = 0;
  std::string subscription;
  std::string assignment;

  friend bool operator==(const GroupMemberRecord&, const GroupMemberRecord&) = default;
};

// A consumer group's durable state: written when a generation becomes Stable (with every
// member's assignment) and when the group becomes Empty. A group that only ever had offsets
// committed for it (no members, "simple" group) has no GroupRecord.
struct GroupRecord {
  std::string group_id;
  std::string protocol_type;  // "" for a group whose members never joined.
  int32_t generation = 0;
  std::optional<std::string> protocol;  // Selected protocol; nullopt while empty.
  std::optional<std::string> leader;    // Member id of the leader; nullopt while empty.
  // Wall-clock time the group entered its current state; for an empty group, when it became
  // empty, which starts offsets.retention.minutes (KIP-211).
  int64_t state_timestamp_ms = 0;
  std::vector<GroupMemberRecord> members;

  friend bool operator==(const GroupRecord&, const GroupRecord&) = default;
};

// A committed offset of one partition for one group (Kafka's OffsetCommitValue).
struct CommittedOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int32_t leader_epoch = -1;  // -1: unknown.
  std::string metadata;       // Client-supplied, returned verbatim by OffsetFetch.
  int64_t commit_timestamp_ms = 0;
  // Set only by OffsetCommit v2-4 with an explicit retention time.
  std::optional<int64_t> expire_timestamp_ms;

  friend bool operator==(const CommittedOffset&, const CommittedOffset&) = default;
};

// Everything the store holds about consumer groups, read in one consistent view (what the
// coordinator loads at start-up). Both lists are sorted by group id; offsets within a group by
// (topic, partition). A group id may appear in `offsets` without a record in `groups`.
struct StoredGroups {
  std::vector<GroupRecord> groups;
  std::map<std::string, std::vector<CommittedOffset>> offsets;
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

// Deletes a topic and, in the same write, its partitions, configs, checkpoints and the
// offsets every group committed for it.
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

// Replaces a group's record (creating it if absent). kInvalidArgument unless: every string is
// UTF-8 of at most kMaxGroupStringLength bytes, generation >= 0, state_timestamp_ms >= 0,
// member ids are non-empty and unique, instance ids unique, timeouts >= 0, subscription and
// assignment at most kMaxMemberBytes each, and either there are members and `protocol` and
// `leader` (one of the members) are set, or there are none and `leader` is unset.
struct SetGroup {
  GroupRecord group;
};

// Deletes a group's record and every offset committed for it. Deleting a group that has
// nothing stored succeeds (the coordinator decides whether deletion is allowed).
struct DeleteGroup {
  std::string group_id;
};

// Stores committed offsets of one group, replacing earlier commits of the same partitions.
// Fails kNotFound if a topic or partition does not exist; kInvalidArgument for a group id
// or metadata that is not UTF-8 or longer than kMaxGroupStringLength, a leader epoch below
// -1, a negative commit timestamp, or the same partition twice.
struct CommitOffsets {
  std::string group_id;
  std::vector<CommittedOffset> offsets;
};

// Removes the committed offsets of the given partitions of one group (OffsetDelete, offset
// expiry). Partitions without a stored offset are skipped.
struct DeleteOffsets {
  struct Partition {
    std::string topic;
    int32_t partition = 0;
  };
  std::string group_id;
  std::vector<Partition> partitions;
};

using MetadataChange =
    std::variant<CreateTopic, DeleteTopic, SetTopicConfig, SetPartitionCount, UpdatePartition,
                 SetBrokerConfig, SetPartitionCheckpoint, SetClusterId, AdvanceProducerIds,
                 SetGroup, DeleteGroup, CommitOffsets, DeleteOffsets>;

// Records for partitions [first, first + count) all hosted by `broker_id` alone, which leads
// them at epoch 0: the assignment a single broker gives new partitions.
// REQUIRES: first >= 0, count >= 0.
std::vector<PartitionRecord> SingleBrokerPartitions(int32_t first, int32_t count,
                                                    int32_t broker_id);

// True for a legal Kafka topic name: 1..249 characters of [a-zA-Z0-9._-], not "." or "..".
bool IsValidTopicName(const std::string& name);

}  // namespace sluice::metadata

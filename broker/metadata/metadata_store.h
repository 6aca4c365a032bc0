// File: broker/metadata/metadata_store.h
// The broker's durable metadata: topics, partition assignments, topic and broker configs,
// per-partition log checkpoints, the cluster id, the producer id counter, and consumer
// groups with their committed offsets.
//
// Writes go through Apply() as a list of change records (metadata_types.h) so that the same
// path serves request handlers today and a replicated metadata log later. Reads return
// copies; each read call sees one consistent state (never half of a batch).
//
// The one durable implementation is RocksDB (rocksdb_metadata_store.h). Tests of other
// modules use the in-memory store in tests/mocks/in_memory_metadata_store.h, which shares
// all validation and encoding code with it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "broker/metadata/metadata_types.h"

namespace sluice::metadata {

// Thread-safety: every method may be called concurrently from any thread. Apply() and
// AllocateProducerIdBlock() are serialized internally; reads do not wait for them.
class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // Validates every change in order, each against the state left by the ones before it in
  // the same batch, then writes them all in one atomic, synced write. If any change is
  // invalid, nothing is written and the first error is returned (its message names the
  // change's index). Error codes per change type are documented in metadata_types.h;
  // storage failures return kInternal (or kResourceExhausted when the disk is full).
  // An empty batch succeeds and writes nothing.
  virtual absl::Status Apply(const std::vector<MetadataChange>& changes) = 0;

  // kNotFound if no such topic. kDataLoss if a stored value is unreadable (all reads).
  virtual absl::StatusOr<TopicRecord> GetTopic(const std::string& name) const = 0;

  // All topics, sorted by name.
  virtual absl::StatusOr<std::vector<TopicRecord>> ListTopics() const = 0;

  // The topic's partitions, sorted by partition index. kNotFound if no such topic.
  virtual absl::StatusOr<std::vector<PartitionRecord>> GetPartitions(
      const std::string& topic) const = 0;

  // kNotFound if the topic or partition does not exist. A partition that exists but has no
  // checkpoint yet returns an all-zero checkpoint (the state of a new, empty log).
  virtual absl::StatusOr<PartitionCheckpoint> GetCheckpoint(const std::string& topic,
                                                            int32_t partition) const = 0;

  // Broker-level dynamic configs explicitly set (not defaults).
  virtual absl::StatusOr<std::map<std::string, std::string>> GetBrokerConfigs() const = 0;

  // The record of one consumer group; kNotFound if none is stored (a group may still have
  // committed offsets without a record).
  virtual absl::StatusOr<GroupRecord> GetGroup(const std::string& group_id) const = 0;

  // Offsets committed for one group, sorted by (topic, partition); empty if none.
  virtual absl::StatusOr<std::vector<CommittedOffset>> GetCommittedOffsets(
      const std::string& group_id) const = 0;

  // Every group record and committed offset, from one consistent view.
  virtual absl::StatusOr<StoredGroups> LoadGroups() const = 0;

  // Generated randomly when the store is first created, then persisted; 22 characters of
  // base64url unless replaced by SetClusterId. Never empty.
  virtual std::string ClusterId() const = 0;

  // Durably reserves producer ids [first, first + size) and returns first. Ids are never
  // returned twice, across restarts too. kInvalidArgument unless
  // 1 <= size <= kMaxProducerIdBlockSize; kResourceExhausted if the id space is used up.
  virtual absl::StatusOr<int64_t> AllocateProducerIdBlock(int32_t size) = 0;
};

}  // namespace sluice::metadata

// File: broker/metadata/change_planner.cc
#include "broker/metadata/change_planner.h"

#include <limits>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "broker/metadata/metadata_codec.h"
#include "broker/metadata/metadata_reads.h"
#include "broker/metadata/overlay_reader.h"
#include "common/status.h"
#include "common/utf8.h"

namespace sluice::metadata {
namespace {

absl::Status CheckTopicName(const std::string& name) {
  if (IsValidTopicName(name)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("illegal topic name '", codec::Printable(name),
                   "': use 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'"));
}

absl::Status CheckConfig(const std::string& key, const std::optional<std::string>& value) {
  if (key.empty() || key.size() > kMaxConfigKeyLength || key.find('\0') != std::string::npos ||
      !IsValidUtf8(key)) {
    return absl::InvalidArgumentError(
        absl::StrCat("illegal config name (1-", kMaxConfigKeyLength, " bytes of UTF-8, no NUL)"));
  }
  if (value.has_value() && !IsValidUtf8(*value)) {
    return absl::InvalidArgumentError(absl::StrCat("config '", key, "' value is not UTF-8"));
  }
  return absl::OkStatus();
}

// A string from a client that the store keeps: UTF-8 (values are JSON) and bounded.
absl::Status CheckGroupString(const char* what, const std::string& value) {
  if (value.size() > kMaxGroupStringLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is longer than ", kMaxGroupStringLength, " bytes"));
  }
  if (!IsValidUtf8(value)) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is not UTF-8"));
  }
  return absl::OkStatus();
}

absl::Status CheckGroupRecord(const GroupRecord& group) {
  SLUICE_RETURN_IF_ERROR(CheckGroupString("group id", group.group_id));
  SLUICE_RETURN_IF_ERROR(CheckGroupString("protocol type", group.protocol_type));
  if (group.protocol.has_value()) {
    SLUICE_RETURN_IF_ERROR(CheckGroupString("protocol", *group.protocol));
  }
  if (group.generation < 0) return absl::InvalidArgumentError("negative generation");
  if (group.state_timestamp_ms < 0) return absl::InvalidArgumentError("negative state timestamp");
  std::set<std::string> ids;
  std::set<std::string> instances;
  for (const GroupMemberRecord& member : group.members) {
    if (member.member_id.empty()) return absl::InvalidArgumentError("empty member id");
    SLUICE_RETURN_IF_ERROR(CheckGroupString("member id", member.member_id));
    SLUICE_RETURN_IF_ERROR(CheckGroupString("client id", member.client_id));
    SLUICE_RETURN_IF_ERROR(CheckGroupString("client host", member.client_host));
    if (member.group_instance_id.has_value()) {
      SLUICE_RETURN_IF_ERROR(CheckGroupString("group instance id", *member.group_instance_id));
      if (!instances.insert(*member.group_instance_id).second) {
        return absl::InvalidArgumentError(absl::StrCat(
            "group instance id '", *member.group_instance_id, "' is used by two members"));
      }
    }
    if (!ids.insert(member.member_id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("member id '", member.member_id, "' appears twice"));
    }
    if (member.rebalance_timeout_ms < 0 || member.session_timeout_ms < 0) {
      return absl::InvalidArgumentError("negative member timeout");
    }
    if (member.subscription.size() > kMaxMemberBytes ||
        member.assignment.size() > kMaxMemberBytes) {
      return absl::InvalidArgumentError(absl::StrCat("member '", member.member_id,
                                                     "': subscription or assignment over ",
                                                     kMaxMemberBytes, " bytes"));
    }
  }
  if (group.members.empty()) {
    if (group.leader.has_value()) return absl::InvalidArgumentError("leader of an empty group");
  } else {
    if (!group.protocol.has_value()) {
      return absl::InvalidArgumentError("group with members has no protocol");
    }
    if (!group.leader.has_value() || ids.count(*group.leader) == 0) {
      return absl::InvalidArgumentError("group leader is not one of its members");
    }
  }
  return absl::OkStatus();
}

// Structural checks on one partition record. `replication_factor` > 0 also requires exactly
// that many replicas (new partitions); 0 accepts any non-empty replica list (reassignment).
absl::Status CheckPartitionRecord(const PartitionRecord& record, int32_t expected_index,
                                  int32_t replication_factor) {
  auto fail = [&](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat("partition ", record.partition, ": ", why));
  };
  if (expected_index >= 0 && record.partition != expected_index) {
    return fail(absl::StrCat("expected partition index ", expected_index));
  }
  if (record.replicas.empty()) return fail("no replicas");
  if (replication_factor > 0 &&
      static_cast<int32_t>(record.replicas.size()) != replication_factor) {
    return fail(absl::StrCat(record.replicas.size(), " replicas but replication factor ",
                             replication_factor));
  }
  std::set<int32_t> replicas;
  for (int32_t broker : record.replicas) {
    if (broker < 0) return fail("negative broker id in replicas");
    if (!replicas.insert(broker).second) return fail("duplicate broker id in replicas");
  }
  std::set<int32_t> isr;
  for (int32_t broker : record.isr) {
    if (replicas.count(broker) == 0) return fail("ISR member is not a replica");
    if (!isr.insert(broker).second) return fail("duplicate broker id in ISR");
  }
  if (record.leader_id != kNoLeader && replicas.count(record.leader_id) == 0) {
    return fail("leader is not a replica");
  }
  if (record.leader_epoch < 0) return fail("negative leader epoch");
  return absl::OkStatus();
}

// Plans one change at a time into an overlay, which every later change reads through.
class Planner {
 public:
  explicit Planner(KvReader* current) : state_(current) {}

  std::vector<KvWrite> Writes() const { return state_.Writes(); }

  absl::Status Plan(const CreateTopic& change) {
    const TopicRecord& topic = change.topic;
    SLUICE_RETURN_IF_ERROR(CheckTopicName(topic.name));
    SLUICE_ASSIGN_OR_RETURN(std::optional<TopicRecord> existing,
                            ReadTopic(state_, topic.name, /*with_configs=*/false));
    if (existing.has_value()) {
      return absl::AlreadyExistsError(absl::StrCat("topic '", topic.name, "' already exists"));
    }
    if (topic.topic_id.IsZero()) return absl::InvalidArgumentError("topic id is zero");
    if (topic.partition_count < 1 || topic.partition_count > kMaxPartitionsPerTopic) {
      return absl::InvalidArgumentError(absl::StrCat("partition count ", topic.partition_count,
                                                     " outside 1..", kMaxPartitionsPerTopic));
    }
    if (topic.replication_factor < 1) {
      return absl::InvalidArgumentError("replication factor must be at least 1");
    }
    if (topic.created_ms < 0) return absl::InvalidArgumentError("negative creation time");
    if (static_cast<int32_t>(change.partitions.size()) != topic.partition_count) {
      return absl::InvalidArgumentError(absl::StrCat(change.partitions.size(),
                                                     " partition records for partition count ",
                                                     topic.partition_count));
    }
    for (size_t i = 0; i < change.partitions.size(); ++i) {
      SLUICE_RETURN_IF_ERROR(CheckPartitionRecord(change.partitions[i], static_cast<int32_t>(i),
                                                  topic.replication_factor));
    }
    for (const auto& [key, value] : topic.configs) SLUICE_RETURN_IF_ERROR(CheckConfig(key, value));

    state_.Put(Column::kTopics, codec::TopicKey(topic.name), codec::EncodeTopic(topic));
    for (const PartitionRecord& record : change.partitions) {
      state_.Put(Column::kPartitions, codec::PartitionKey(topic.name, record.partition),
                 codec::EncodePartition(record));
    }
    for (const auto& [key, value] : topic.configs) {
      state_.Put(Column::kConfigs, codec::TopicConfigKey(topic.name, key),
                 codec::EncodeConfigValue(value));
    }
    return absl::OkStatus();
  }

  absl::Status Plan(const DeleteTopic& change) {
    SLUICE_RETURN_IF_ERROR(ExistingTopic(change.name).status());
    const std::string partition_prefix = codec::PartitionPrefix(change.name);
    SLUICE_RETURN_IF_ERROR(DeleteAll(Column::kPartitions, partition_prefix));
    SLUICE_RETURN_IF_ERROR(DeleteAll(Column::kCheckpoints, partition_prefix));
    SLUICE_RETURN_IF_ERROR(DeleteAll(Column::kConfigs, codec::TopicConfigPrefix(change.name)));
    state_.Delete(Column::kTopics, codec::TopicKey(change.name));
    // Offsets are keyed by group first, so every group's offsets are scanned.
    SLUICE_ASSIGN_OR_RETURN(KvPairs offsets, state_.Scan(Column::kOffsets, ""));
    for (const auto& [key, value] : offsets) {
      std::optional<codec::OffsetKeyParts> parts = codec::ParseOffsetKey(key);
      if (parts.has_value() && parts->topic == change.name) state_.Delete(Column::kOffsets, key);
    }
    return absl::OkStatus();
  }

  absl::Status Plan(const SetTopicConfig& change) {
    SLUICE_RETURN_IF_ERROR(ExistingTopic(change.topic).status());
    SLUICE_RETURN_IF_ERROR(CheckConfig(change.key, change.value));
    const std::string key = codec::TopicConfigKey(change.topic, change.key);
    if (change.value.has_value()) {
      state_.Put(Column::kConfigs, key, codec::EncodeConfigValue(*change.value));
    } else {
      state_.Delete(Column::kConfigs, key);
    }
    return absl::OkStatus();
  }

  absl::Status Plan(const SetPartitionCount& change) {
    SLUICE_ASSIGN_OR_RETURN(TopicRecord topic, ExistingTopic(change.topic));
    if (change.count <= topic.partition_count || change.count > kMaxPartitionsPerTopic) {
      return absl::InvalidArgumentError(absl::StrCat(
          "topic '", topic.name, "' has ", topic.partition_count, " partitions; the new count ",
          change.count, " must be above that and at most ", kMaxPartitionsPerTopic));
    }
    if (static_cast<int32_t>(change.new_partitions.size()) !=
        change.count - topic.partition_count) {
      return absl::InvalidArgumentError(absl::StrCat(change.new_partitions.size(),
                                                     " new partition records for growing from ",
                                                     topic.partition_count, " to ", change.count));
    }
    for (size_t i = 0; i < change.new_partitions.size(); ++i) {
      SLUICE_RETURN_IF_ERROR(CheckPartitionRecord(change.new_partitions[i],
                                                  topic.partition_count + static_cast<int32_t>(i),
                                                  topic.replication_factor));
    }
    for (const PartitionRecord& record : change.new_partitions) {
      state_.Put(Column::kPartitions, codec::PartitionKey(topic.name, record.partition),
                 codec::EncodePartition(record));
    }
    topic.partition_count = change.count;
    state_.Put(Column::kTopics, codec::TopicKey(topic.name), codec::EncodeTopic(topic));
    return absl::OkStatus();
  }

  absl::Status Plan(const UpdatePartition& change) {
    const PartitionRecord& record = change.partition;
    SLUICE_ASSIGN_OR_RETURN(TopicRecord topic, ExistingTopic(change.topic));
    SLUICE_RETURN_IF_ERROR(CheckPartitionInRange(topic, record.partition));
    SLUICE_ASSIGN_OR_RETURN(std::optional<PartitionRecord> existing,
                            ReadPartition(state_, change.topic, record.partition));
    if (!existing.has_value()) {
      return absl::DataLossError(
          absl::StrCat("metadata: no record at ",
                       codec::DescribeKey(Column::kPartitions,
                                          codec::PartitionKey(change.topic, record.partition)),
                       " although the topic has ", topic.partition_count, " partitions"));
    }
    SLUICE_RETURN_IF_ERROR(CheckPartitionRecord(record, -1, /*replication_factor=*/0));
    if (record.leader_epoch < existing->leader_epoch) {
      return absl::InvalidArgumentError(
          absl::StrCat("partition ", record.partition, ": leader epoch ", record.leader_epoch,
                       " is below the current ", existing->leader_epoch));
    }
    state_.Put(Column::kPartitions, codec::PartitionKey(change.topic, record.partition),
               codec::EncodePartition(record));
    return absl::OkStatus();
  }

  absl::Status Plan(const SetBrokerConfig& change) {
    SLUICE_RETURN_IF_ERROR(CheckConfig(change.key, change.value));
    const std::string key = codec::BrokerConfigKey(change.key);
    if (change.value.has_value()) {
      state_.Put(Column::kConfigs, key, codec::EncodeConfigValue(*change.value));
    } else {
      state_.Delete(Column::kConfigs, key);
    }
    return absl::OkStatus();
  }

  absl::Status Plan(const SetPartitionCheckpoint& change) {
    SLUICE_ASSIGN_OR_RETURN(TopicRecord topic, ExistingTopic(change.topic));
    SLUICE_RETURN_IF_ERROR(CheckPartitionInRange(topic, change.partition));
    const PartitionCheckpoint& checkpoint = change.checkpoint;
    if (checkpoint.log_start_offset < 0 || checkpoint.high_watermark < 0 ||
        checkpoint.recovery_point < 0) {
      return absl::InvalidArgumentError("checkpoint offsets must not be negative");
    }
    state_.Put(Column::kCheckpoints, codec::PartitionKey(change.topic, change.partition),
               codec::EncodeCheckpoint(checkpoint));
    return absl::OkStatus();
  }

  absl::Status Plan(const SetClusterId& change) {
    const std::string& id = change.cluster_id;
    bool ok = !id.empty() && id.size() <= 64;
    for (char c : id) {
      ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_');
    }
    if (!ok) {
      return absl::InvalidArgumentError("cluster id must be 1-64 characters of [A-Za-z0-9_-]");
    }
    state_.Put(Column::kMeta, codec::kClusterIdKey, codec::EncodeClusterId(id));
    return absl::OkStatus();
  }

  absl::Status Plan(const AdvanceProducerIds& change) {
    SLUICE_ASSIGN_OR_RETURN(int64_t current, ReadNextProducerId(state_));
    if (change.next_producer_id < current) {
      return absl::InvalidArgumentError(absl::StrCat("next producer id ", change.next_producer_id,
                                                     " is below the current ", current,
                                                     "; producer ids are never reused"));
    }
    if (change.next_producer_id > current) {
      state_.Put(Column::kMeta, codec::kNextProducerIdKey,
                 codec::EncodeNextProducerId(change.next_producer_id));
    }
    return absl::OkStatus();
  }

  absl::Status Plan(const SetGroup& change) {
    SLUICE_RETURN_IF_ERROR(CheckGroupRecord(change.group));
    state_.Put(Column::kGroups, codec::GroupKey(change.group.group_id),
               codec::EncodeGroup(change.group));
    return absl::OkStatus();
  }

  absl::Status Plan(const DeleteGroup& change) {
    SLUICE_RETURN_IF_ERROR(CheckGroupString("group id", change.group_id));
    state_.Delete(Column::kGroups, codec::GroupKey(change.group_id));
    return DeleteAll(Column::kOffsets, codec::GroupOffsetsPrefix(change.group_id));
  }

  absl::Status Plan(const CommitOffsets& change) {
    SLUICE_RETURN_IF_ERROR(CheckGroupString("group id", change.group_id));
    std::set<std::pair<std::string, int32_t>> seen;
    std::map<std::string, TopicRecord> topics;
    for (const CommittedOffset& offset : change.offsets) {
      auto it = topics.find(offset.topic);
      if (it == topics.end()) {
        SLUICE_ASSIGN_OR_RETURN(TopicRecord topic, ExistingTopic(offset.topic));
        it = topics.emplace(offset.topic, std::move(topic)).first;
      }
      SLUICE_RETURN_IF_ERROR(CheckPartitionInRange(it->second, offset.partition));
      if (!seen.emplace(offset.topic, offset.partition).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("partition ", offset.topic, "-", offset.partition, " committed twice"));
      }
      SLUICE_RETURN_IF_ERROR(CheckGroupString("commit metadata", offset.metadata));
      if (offset.leader_epoch < -1) return absl::InvalidArgumentError("leader epoch below -1");
      if (offset.commit_timestamp_ms < 0 ||
          (offset.expire_timestamp_ms.has_value() && *offset.expire_timestamp_ms < 0)) {
        return absl::InvalidArgumentError("negative commit or expiry timestamp");
      }
      state_.Put(Column::kOffsets,
                 codec::OffsetKey(change.group_id, offset.topic, offset.partition),
                 codec::EncodeOffset(offset));
    }
    return absl::OkStatus();
  }

  absl::Status Plan(const DeleteOffsets& change) {
    SLUICE_RETURN_IF_ERROR(CheckGroupString("group id", change.group_id));
    for (const DeleteOffsets::Partition& p : change.partitions) {
      if (!IsValidTopicName(p.topic) || p.partition < 0) continue;  // Nothing can be stored.
      state_.Delete(Column::kOffsets, codec::OffsetKey(change.group_id, p.topic, p.partition));
    }
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<TopicRecord> ExistingTopic(const std::string& name) {
    SLUICE_RETURN_IF_ERROR(CheckTopicName(name));
    SLUICE_ASSIGN_OR_RETURN(std::optional<TopicRecord> topic,
                            ReadTopic(state_, name, /*with_configs=*/false));
    if (!topic.has_value()) {
      return absl::NotFoundError(absl::StrCat("topic '", name, "' does not exist"));
    }
    return std::move(*topic);
  }

  static absl::Status CheckPartitionInRange(const TopicRecord& topic, int32_t partition) {
    if (partition >= 0 && partition < topic.partition_count) return absl::OkStatus();
    return absl::NotFoundError(
        absl::StrCat("topic '", topic.name, "' has no partition ", partition));
  }

  absl::Status DeleteAll(Column column, const std::string& prefix) {
    SLUICE_ASSIGN_OR_RETURN(KvPairs pairs, state_.Scan(column, prefix));
    for (const auto& [key, value] : pairs) state_.Delete(column, key);
    return absl::OkStatus();
  }

  OverlayReader state_;
};

}  // namespace

const char* ChangeName(const MetadataChange& change) {
  static constexpr const char* kNames[] = {"CreateTopic",
                                           "DeleteTopic",
                                           "SetTopicConfig",
                                           "SetPartitionCount",
                                           "UpdatePartition",
                                           "SetBrokerConfig",
                                           "SetPartitionCheckpoint",
                                           "SetClusterId",
                                           "AdvanceProducerIds",
                                           "SetGroup",
                                           "DeleteGroup",
                                           "CommitOffsets",
                                           "DeleteOffsets"};
  static_assert(std::size(kNames) == std::variant_size_v<MetadataChange>);
  return kNames[change.index()];
}

absl::StatusOr<std::vector<KvWrite>> PlanChanges(KvReader& current,
                                                 const std::vector<MetadataChange>& changes) {
  Planner planner(&current);
  for (size_t i = 0; i < changes.size(); ++i) {
    absl::Status status =
        std::visit([&planner](const auto& change) { return planner.Plan(change); }, changes[i]);
    if (!status.ok()) {
      return absl::Status(status.code(), absl::StrCat("change ", i, " (", ChangeName(changes[i]),
                                                      "): ", status.message()));
    }
  }
  return planner.Writes();
}

}  // namespace sluice::metadata

// File: broker/metadata/metadata_reads.cc
#include "broker/metadata/metadata_reads.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "broker/metadata/metadata_codec.h"
#include "common/status.h"

namespace sluice::metadata {

absl::StatusOr<std::optional<TopicRecord>> ReadTopic(KvReader& reader, const std::string& name,
                                                     bool with_configs) {
  SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> value,
                          reader.Get(Column::kTopics, codec::TopicKey(name)));
  if (!value.has_value()) return std::optional<TopicRecord>();
  SLUICE_ASSIGN_OR_RETURN(TopicRecord topic, codec::DecodeTopic(codec::TopicKey(name), *value));
  if (with_configs) {
    SLUICE_ASSIGN_OR_RETURN(topic.configs, ReadConfigs(reader, codec::TopicConfigPrefix(name)));
  }
  return std::optional<TopicRecord>(std::move(topic));
}

absl::StatusOr<std::vector<TopicRecord>> ReadAllTopics(KvReader& reader) {
  SLUICE_ASSIGN_OR_RETURN(KvPairs pairs, reader.Scan(Column::kTopics, ""));
  std::vector<TopicRecord> topics;
  topics.reserve(pairs.size());
  for (const auto& [key, value] : pairs) {
    if (!IsValidTopicName(key)) {
      return absl::DataLossError(absl::StrCat(
          "metadata: ", codec::DescribeKey(Column::kTopics, key), " is not a legal topic name"));
    }
    SLUICE_ASSIGN_OR_RETURN(TopicRecord topic, codec::DecodeTopic(key, value));
    SLUICE_ASSIGN_OR_RETURN(topic.configs, ReadConfigs(reader, codec::TopicConfigPrefix(key)));
    topics.push_back(std::move(topic));
  }
  return topics;  // Scan order is bytewise key order, i.e. sorted by name.
}

absl::StatusOr<std::map<std::string, std::string>> ReadConfigs(KvReader& reader,
                                                               const std::string& prefix) {
  SLUICE_ASSIGN_OR_RETURN(KvPairs pairs, reader.Scan(Column::kConfigs, prefix));
  std::map<std::string, std::string> configs;
  for (const auto& [key, value] : pairs) {
    if (key.size() == prefix.size()) {
      return absl::DataLossError(absl::StrCat(
          "metadata: ", codec::DescribeKey(Column::kConfigs, key), " has an empty config name"));
    }
    SLUICE_ASSIGN_OR_RETURN(std::string config_value, codec::DecodeConfigValue(key, value));
    configs.emplace(key.substr(prefix.size()), std::move(config_value));
  }
  return configs;
}

absl::StatusOr<std::vector<PartitionRecord>> ReadPartitions(KvReader& reader,
                                                            const TopicRecord& topic) {
  const std::string prefix = codec::PartitionPrefix(topic.name);
  SLUICE_ASSIGN_OR_RETURN(KvPairs pairs, reader.Scan(Column::kPartitions, prefix));
  std::vector<PartitionRecord> partitions;
  partitions.reserve(pairs.size());
  for (const auto& [key, value] : pairs) {
    std::optional<int32_t> index = codec::PartitionFromKey(key, prefix);
    // Keys come back in partition order, so record i must be partition i.
    if (!index.has_value() || *index != static_cast<int32_t>(partitions.size()) ||
        *index >= topic.partition_count) {
      return absl::DataLossError(absl::StrCat(
          "metadata: unexpected partition record at ", codec::DescribeKey(Column::kPartitions, key),
          " for topic with ", topic.partition_count, " partitions"));
    }
    SLUICE_ASSIGN_OR_RETURN(PartitionRecord record, codec::DecodePartition(*index, key, value));
    partitions.push_back(std::move(record));
  }
  if (static_cast<int32_t>(partitions.size()) != topic.partition_count) {
    return absl::DataLossError(absl::StrCat("metadata: topic '", topic.name, "' has ",
                                            topic.partition_count, " partitions but ",
                                            partitions.size(), " partition records"));
  }
  return partitions;
}

absl::StatusOr<std::optional<PartitionRecord>> ReadPartition(KvReader& reader,
                                                             const std::string& topic,
                                                             int32_t partition) {
  const std::string key = codec::PartitionKey(topic, partition);
  SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> value, reader.Get(Column::kPartitions, key));
  if (!value.has_value()) return std::optional<PartitionRecord>();
  SLUICE_ASSIGN_OR_RETURN(PartitionRecord record, codec::DecodePartition(partition, key, *value));
  return std::optional<PartitionRecord>(std::move(record));
}

absl::StatusOr<std::optional<PartitionCheckpoint>> ReadCheckpoint(KvReader& reader,
                                                                  const std::string& topic,
                                                                  int32_t partition) {
  const std::string key = codec::PartitionKey(topic, partition);
  SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> value, reader.Get(Column::kCheckpoints, key));
  if (!value.has_value()) return std::optional<PartitionCheckpoint>();
  SLUICE_ASSIGN_OR_RETURN(PartitionCheckpoint checkpoint, codec::DecodeCheckpoint(key, *value));
  return std::optional<PartitionCheckpoint>(checkpoint);
}

absl::StatusOr<std::optional<GroupRecord>> ReadGroup(KvReader& reader,
                                                     const std::string& group_id) {
  const std::string key = codec::GroupKey(group_id);
  SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> value, reader.Get(Column::kGroups, key));
  if (!value.has_value()) return std::optional<GroupRecord>();
  SLUICE_ASSIGN_OR_RETURN(GroupRecord group, codec::DecodeGroup(key, *value));
  return std::optional<GroupRecord>(std::move(group));
}

namespace {

absl::StatusOr<std::pair<codec::OffsetKeyParts, CommittedOffset>> DecodeOffsetEntry(
    const std::string& key, const std::string& value) {
  std::optional<codec::OffsetKeyParts> parts = codec::ParseOffsetKey(key);
  if (!parts.has_value()) {
    return absl::DataLossError(absl::StrCat("metadata: ", codec::DescribeKey(Column::kOffsets, key),
                                            " is not a legal offsets key"));
  }
  SLUICE_ASSIGN_OR_RETURN(CommittedOffset offset, codec::DecodeOffset(*parts, key, value));
  return std::make_pair(std::move(*parts), std::move(offset));
}

}  // namespace

absl::StatusOr<std::vector<CommittedOffset>> ReadGroupOffsets(KvReader& reader,
                                                              const std::string& group_id) {
  SLUICE_ASSIGN_OR_RETURN(KvPairs pairs,
                          reader.Scan(Column::kOffsets, codec::GroupOffsetsPrefix(group_id)));
  std::vector<CommittedOffset> offsets;
  offsets.reserve(pairs.size());
  for (const auto& [key, value] : pairs) {
    SLUICE_ASSIGN_OR_RETURN(auto entry, DecodeOffsetEntry(key, value));
    offsets.push_back(std::move(entry.second));
  }
  return offsets;
}

absl::StatusOr<StoredGroups> ReadAllGroups(KvReader& reader) {
  StoredGroups stored;
  SLUICE_ASSIGN_OR_RETURN(KvPairs groups, reader.Scan(Column::kGroups, ""));
  stored.groups.reserve(groups.size());
  for (const auto& [key, value] : groups) {
    SLUICE_ASSIGN_OR_RETURN(GroupRecord group, codec::DecodeGroup(key, value));
    stored.groups.push_back(std::move(group));
  }
  SLUICE_ASSIGN_OR_RETURN(KvPairs offsets, reader.Scan(Column::kOffsets, ""));
  for (const auto& [key, value] : offsets) {
    SLUICE_ASSIGN_OR_RETURN(auto entry, DecodeOffsetEntry(key, value));
    stored.offsets[entry.first.group_id].push_back(std::move(entry.second));
  }
  return stored;
}

absl::StatusOr<std::optional<std::string>> ReadClusterId(KvReader& reader) {
  SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> value,
                          reader.Get(Column::kMeta, codec::kClusterIdKey));
  if (!value.has_value()) return std::optional<std::string>();
  SLUICE_ASSIGN_OR_RETURN(std::string id, codec::DecodeClusterId(*value));
  return std::optional<std::string>(std::move(id));
}

absl::StatusOr<int64_t> ReadNextProducerId(KvReader& reader) {
  SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> value,
                          reader.Get(Column::kMeta, codec::kNextProducerIdKey));
  if (!value.has_value()) return int64_t{0};
  return codec::DecodeNextProducerId(*value);
}

}  // namespace sluice::metadata

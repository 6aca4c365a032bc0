// File: broker/metadata/metadata_codec.cc
#include "broker/metadata/metadata_codec.h"

#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace sluice::metadata {

const char* ColumnName(Column column) {
  switch (column) {
    case Column::kTopics:
      return "topics";
    case Column::kPartitions:
      return "partitions";
    case Column::kConfigs:
      return "configs";
    case Column::kCheckpoints:
      return "checkpoints";
    case Column::kMeta:
      return "meta";
    case Column::kGroups:
      return "groups";
    case Column::kOffsets:
      return "offsets";
  }
  return "unknown";
}

namespace codec {
namespace {

using nlohmann::json;

constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// Never throws: invalid UTF-8 (which validation keeps out) would be replaced, not thrown.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json VersionedObject() {
  json out = json::object();
  out["v"] = kFormatVersion;
  return out;
}

// Reads typed fields out of one stored JSON value, remembering the first problem so that
// decoders can read every field and check once. Never throws: each access checks the type
// before calling get<>().
class ValueReader {
 public:
  ValueReader(Column column, const std::string& key, const std::string& value)
      : column_(column), key_(key) {
    root_ = json::parse(value, nullptr, /*allow_exceptions=*/false);
    if (root_.is_discarded() || !root_.is_object()) {
      Fail("not a JSON object");
      return;
    }
    std::optional<int64_t> version = Int("v", 1, kInt64Max);
    if (version.has_value() && *version > kFormatVersion) {
      status_ = absl::FailedPreconditionError(absl::StrCat(
          "metadata: ", DescribeKey(column_, key_), " has format version ", *version,
          " but this build reads up to ", kFormatVersion, " (written by a newer Sluice?)"));
    }
  }

  // Reads the fields of `node`, a JSON object nested in a stored value; problems are
  // reported against the stored value's column and key, with `where` naming the element.
  ValueReader(Column column, const std::string& key, const json& node, std::string where)
      : column_(column), key_(key), where_(std::move(where)), root_(node) {
    if (!root_.is_object()) Fail("not a JSON object");
  }

  bool ok() const { return status_.ok(); }
  const absl::Status& status() const { return status_; }

  // A string field that may be null (nullopt); a missing field or another type is an error.
  std::optional<std::string> NullableString(const char* field) {
    const json* node = Field(field);
    if (node == nullptr || node->is_null()) return std::nullopt;
    if (!node->is_string()) {
      FailField(field, "not a string or null");
      return std::nullopt;
    }
    return node->get<std::string>();
  }

  // An integer field that may be null (nullopt); a missing field or another type is an error.
  std::optional<int64_t> NullableInt(const char* field, int64_t min, int64_t max) {
    const json* node = Field(field);
    if (node == nullptr || node->is_null()) return std::nullopt;
    return Int(field, min, max);
  }

  // Bytes stored as a base64 string.
  std::optional<std::string> Bytes(const char* field) {
    std::optional<std::string> text = String(field);
    if (!text.has_value()) return std::nullopt;
    std::string bytes;
    if (!absl::Base64Unescape(*text, &bytes)) {
      FailField(field, "is not base64");
      return std::nullopt;
    }
    return bytes;
  }

  // The elements of an array field (empty, with the error remembered, if it is not one).
  std::vector<const json*> Array(const char* field) {
    const json* node = Field(field);
    std::vector<const json*> out;
    if (node == nullptr) return out;
    if (!node->is_array()) {
      FailField(field, "not an array");
      return out;
    }
    for (const json& element : *node) out.push_back(&element);
    return out;
  }

  void Absorb(const ValueReader& nested) {
    if (status_.ok() && !nested.ok()) status_ = nested.status();
  }

  std::optional<int64_t> Int(const char* field, int64_t min, int64_t max) {
    const json* node = Field(field);
    if (node == nullptr) return std::nullopt;
    int64_t result = 0;
    if (node->is_number_unsigned()) {
      uint64_t raw = node->get<uint64_t>();
      if (raw > static_cast<uint64_t>(kInt64Max)) return FailField(field, "out of range");
      result = static_cast<int64_t>(raw);
    } else if (node->is_number_integer()) {
      result = node->get<int64_t>();
    } else {
      return FailField(field, "not an integer");
    }
    if (result < min || result > max) return FailField(field, "out of range");
    return result;
  }

  std::optional<std::string> String(const char* field) {
    const json* node = Field(field);
    if (node == nullptr) return std::nullopt;
    if (!node->is_string()) {
      FailField(field, "not a string");
      return std::nullopt;
    }
    return node->get<std::string>();
  }

  std::vector<int32_t> Int32Array(const char* field) {
    const json* node = Field(field);
    if (node == nullptr) return {};
    if (!node->is_array()) {
      FailField(field, "not an array");
      return {};
    }
    std::vector<int32_t> out;
    for (const json& element : *node) {
      if (!element.is_number_integer()) {
        FailField(field, "holds a non-integer");
        return {};
      }
      int64_t v = element.is_number_unsigned()
                      ? static_cast<int64_t>(std::min<uint64_t>(element.get<uint64_t>(),
                                                                static_cast<uint64_t>(kInt64Max)))
                      : element.get<int64_t>();
      if (v < kInt32Min || v > kInt32Max) {
        FailField(field, "holds an out-of-range integer");
        return {};
      }
      out.push_back(static_cast<int32_t>(v));
    }
    return out;
  }

  void Fail(const std::string& why) {
    if (!status_.ok()) return;
    status_ = absl::DataLossError(absl::StrCat("metadata: unreadable value at ",
                                               DescribeKey(column_, key_), ": ", where_, why));
  }

 private:
  const json* Field(const char* field) {
    if (!status_.ok()) return nullptr;
    auto it = root_.find(field);
    if (it == root_.end()) {
      Fail(absl::StrCat("missing field '", field, "'"));
      return nullptr;
    }
    return &*it;
  }

  std::nullopt_t FailField(const char* field, const char* why) {
    Fail(absl::StrCat("field '", field, "' ", why));
    return std::nullopt;
  }

  Column column_;
  std::string key_;
  std::string where_;  // "" or "members[2]: "
  json root_;
  absl::Status status_;
};

json NullableJson(const std::optional<std::string>& value) {
  return value.has_value() ? json(*value) : json(nullptr);
}

void AppendBigEndian32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

json ToJsonArray(const std::vector<int32_t>& values) {
  json out = json::array();
  for (int32_t v : values) out.push_back(v);
  return out;
}

}  // namespace

std::string TopicKey(const std::string& topic) { return topic; }

std::string PartitionPrefix(const std::string& topic) { return topic + std::string(1, '\0'); }

std::string PartitionKey(const std::string& topic, int32_t partition) {
  std::string key = PartitionPrefix(topic);
  AppendBigEndian32(&key, static_cast<uint32_t>(partition));
  return key;
}

std::optional<int32_t> PartitionFromKey(const std::string& key, const std::string& prefix) {
  if (key.size() != prefix.size() + 4 || key.compare(0, prefix.size(), prefix) != 0) {
    return std::nullopt;
  }
  uint32_t v = 0;
  for (size_t i = prefix.size(); i < key.size(); ++i) {
    v = (v << 8) | static_cast<uint8_t>(key[i]);
  }
  if (v > static_cast<uint32_t>(kInt32Max)) return std::nullopt;
  return static_cast<int32_t>(v);
}

std::string BrokerConfigPrefix() { return "b"; }

std::string BrokerConfigKey(const std::string& key) { return BrokerConfigPrefix() + key; }

std::string TopicConfigPrefix(const std::string& topic) {
  return "t" + topic + std::string(1, '\0');
}

std::string TopicConfigKey(const std::string& topic, const std::string& key) {
  return TopicConfigPrefix(topic) + key;
}

std::string GroupKey(const std::string& group_id) { return group_id; }

std::string GroupOffsetsPrefix(const std::string& group_id) {
  std::string prefix;
  prefix.push_back(static_cast<char>((group_id.size() >> 8) & 0xff));
  prefix.push_back(static_cast<char>(group_id.size() & 0xff));
  return prefix + group_id;
}

std::string OffsetKey(const std::string& group_id, const std::string& topic, int32_t partition) {
  std::string key = GroupOffsetsPrefix(group_id) + PartitionPrefix(topic);
  AppendBigEndian32(&key, static_cast<uint32_t>(partition));
  return key;
}

std::optional<OffsetKeyParts> ParseOffsetKey(const std::string& key) {
  if (key.size() < 2) return std::nullopt;
  size_t group_length =
      (static_cast<size_t>(static_cast<uint8_t>(key[0])) << 8) | static_cast<uint8_t>(key[1]);
  if (key.size() < 2 + group_length + 1 + 4) return std::nullopt;
  OffsetKeyParts parts;
  parts.group_id = key.substr(2, group_length);
  size_t topic_start = 2 + group_length;
  size_t nul = key.find('\0', topic_start);
  if (nul == std::string::npos) return std::nullopt;
  parts.topic = key.substr(topic_start, nul - topic_start);
  std::optional<int32_t> partition = PartitionFromKey(key, key.substr(0, nul + 1));
  if (!partition.has_value() || !IsValidTopicName(parts.topic)) return std::nullopt;
  parts.partition = *partition;
  return parts;
}

std::string Printable(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string printable;
  for (char c : bytes) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '\\' && c != '\'') {
      printable.push_back(c);
    } else {
      printable += "\\x";
      printable.push_back(kHex[byte >> 4]);
      printable.push_back(kHex[byte & 0x0f]);
    }
  }
  return printable;
}

std::string DescribeKey(Column column, const std::string& key) {
  return absl::StrCat("column '", ColumnName(column), "' key '", Printable(key), "'");
}

std::string EncodeTopic(const TopicRecord& topic) {
  json out = VersionedObject();
  out["id"] = topic.topic_id.ToHex();
  out["partitions"] = topic.partition_count;
  out["rf"] = topic.replication_factor;
  out["created_ms"] = topic.created_ms;
  return Dump(out);
}

absl::StatusOr<TopicRecord> DecodeTopic(const std::string& key, const std::string& value) {
  ValueReader reader(Column::kTopics, key, value);
  TopicRecord topic;
  topic.name = key;
  std::optional<std::string> id = reader.String("id");
  std::optional<int64_t> partitions = reader.Int("partitions", 1, kMaxPartitionsPerTopic);
  std::optional<int64_t> rf = reader.Int("rf", 1, std::numeric_limits<int16_t>::max());
  std::optional<int64_t> created = reader.Int("created_ms", 0, kInt64Max);
  if (reader.ok()) {
    std::optional<TopicId> parsed = TopicId::FromHex(*id);
    if (!parsed.has_value() || parsed->IsZero()) {
      reader.Fail("field 'id' is not a non-zero 32-digit hex id");
    } else {
      topic.topic_id = *parsed;
    }
  }
  if (!reader.ok()) return reader.status();
  topic.partition_count = static_cast<int32_t>(*partitions);
  topic.replication_factor = static_cast<int16_t>(*rf);
  topic.created_ms = *created;
  return topic;
}

std::string EncodePartition(const PartitionRecord& partition) {
  json out = VersionedObject();
  out["replicas"] = ToJsonArray(partition.replicas);
  out["isr"] = ToJsonArray(partition.isr);
  out["leader"] = partition.leader_id;
  out["leader_epoch"] = partition.leader_epoch;
  return Dump(out);
}

absl::StatusOr<PartitionRecord> DecodePartition(int32_t partition, const std::string& key,
                                                const std::string& value) {
  ValueReader reader(Column::kPartitions, key, value);
  PartitionRecord record;
  record.partition = partition;
  record.replicas = reader.Int32Array("replicas");
  record.isr = reader.Int32Array("isr");
  std::optional<int64_t> leader = reader.Int("leader", kNoLeader, kInt32Max);
  std::optional<int64_t> epoch = reader.Int("leader_epoch", 0, kInt32Max);
  if (!reader.ok()) return reader.status();
  record.leader_id = static_cast<int32_t>(*leader);
  record.leader_epoch = static_cast<int32_t>(*epoch);
  return record;
}

std::string EncodeCheckpoint(const PartitionCheckpoint& checkpoint) {
  json out = VersionedObject();
  out["log_start"] = checkpoint.log_start_offset;
  out["hw"] = checkpoint.high_watermark;
  out["recovery"] = checkpoint.recovery_point;
  return Dump(out);
}

absl::StatusOr<PartitionCheckpoint> DecodeCheckpoint(const std::string& key,
                                                     const std::string& value) {
  ValueReader reader(Column::kCheckpoints, key, value);
  std::optional<int64_t> log_start = reader.Int("log_start", 0, kInt64Max);
  std::optional<int64_t> hw = reader.Int("hw", 0, kInt64Max);
  std::optional<int64_t> recovery = reader.Int("recovery", 0, kInt64Max);
  if (!reader.ok()) return reader.status();
  return PartitionCheckpoint{*log_start, *hw, *recovery};
}

std::string EncodeConfigValue(const std::string& config_value) {
  json out = VersionedObject();
  out["value"] = config_value;
  return Dump(out);
}

absl::StatusOr<std::string> DecodeConfigValue(const std::string& key, const std::string& value) {
  ValueReader reader(Column::kConfigs, key, value);
  std::optional<std::string> config_value = reader.String("value");
  if (!reader.ok()) return reader.status();
  return *config_value;
}

std::string EncodeGroup(const GroupRecord& group) {
  json out = VersionedObject();
  out["protocol_type"] = group.protocol_type;
  out["generation"] = group.generation;
  out["protocol"] = NullableJson(group.protocol);
  out["leader"] = NullableJson(group.leader);
  out["state_ms"] = group.state_timestamp_ms;
  json members = json::array();
  for (const GroupMemberRecord& member : group.members) {
    json m = json::object();
    m["id"] = member.member_id;
    m["instance"] = NullableJson(member.group_instance_id);
    m["client_id"] = member.client_id;
    m["client_host"] = member.client_host;
    m["rebalance_ms"] = member.rebalance_timeout_ms;
    m["session_ms"] = member.session_timeout_ms;
    m["subscription"] = absl::Base64Escape(member.subscription);
    m["assignment"] = absl::Base64Escape(member.assignment);
    members.push_back(std::move(m));
  }
  out["members"] = std::move(members);
  return Dump(out);
}

absl::StatusOr<GroupRecord> DecodeGroup(const std::string& key, const std::string& value) {
  ValueReader reader(Column::kGroups, key, value);
  GroupRecord group;
  group.group_id = key;
  std::optional<std::string> protocol_type = reader.String("protocol_type");
  std::optional<int64_t> generation = reader.Int("generation", 0, kInt32Max);
  group.protocol = reader.NullableString("protocol");
  group.leader = reader.NullableString("leader");
  std::optional<int64_t> state_ms = reader.Int("state_ms", 0, kInt64Max);
  std::vector<const json*> members = reader.Array("members");
  for (size_t i = 0; i < members.size() && reader.ok(); ++i) {
    ValueReader m(Column::kGroups, key, *members[i], absl::StrCat("members[", i, "]: "));
    GroupMemberRecord member;
    std::optional<std::string> id = m.String("id");
    member.group_instance_id = m.NullableString("instance");
    std::optional<std::string> client_id = m.String("client_id");
    std::optional<std::string> client_host = m.String("client_host");
    std::optional<int64_t> rebalance = m.Int("rebalance_ms", 0, kInt32Max);
    std::optional<int64_t> session = m.Int("session_ms", 0, kInt32Max);
    std::optional<std::string> subscription = m.Bytes("subscription");
    std::optional<std::string> assignment = m.Bytes("assignment");
    reader.Absorb(m);
    if (!m.ok()) break;
    member.member_id = *id;
    member.client_id = *client_id;
    member.client_host = *client_host;
    member.rebalance_timeout_ms = static_cast<int32_t>(*rebalance);
    member.session_timeout_ms = static_cast<int32_t>(*session);
    member.subscription = std::move(*subscription);
    member.assignment = std::move(*assignment);
    group.members.push_back(std::move(member));
  }
  if (!reader.ok()) return reader.status();
  group.protocol_type = *protocol_type;
  group.generation = static_cast<int32_t>(*generation);
  group.state_timestamp_ms = *state_ms;
  return group;
}

std::string EncodeOffset(const CommittedOffset& offset) {
  json out = VersionedObject();
  out["offset"] = offset.offset;
  out["leader_epoch"] = offset.leader_epoch;
  out["metadata"] = offset.metadata;
  out["commit_ms"] = offset.commit_timestamp_ms;
  out["expire_ms"] =
      offset.expire_timestamp_ms.has_value() ? json(*offset.expire_timestamp_ms) : json(nullptr);
  return Dump(out);
}

absl::StatusOr<CommittedOffset> DecodeOffset(const OffsetKeyParts& parts, const std::string& key,
                                             const std::string& value) {
  ValueReader reader(Column::kOffsets, key, value);
  CommittedOffset offset;
  offset.topic = parts.topic;
  offset.partition = parts.partition;
  std::optional<int64_t> committed =
      reader.Int("offset", std::numeric_limits<int64_t>::min(), kInt64Max);
  std::optional<int64_t> epoch = reader.Int("leader_epoch", -1, kInt32Max);
  std::optional<std::string> metadata = reader.String("metadata");
  std::optional<int64_t> commit_ms = reader.Int("commit_ms", 0, kInt64Max);
  offset.expire_timestamp_ms = reader.NullableInt("expire_ms", 0, kInt64Max);
  if (!reader.ok()) return reader.status();
  offset.offset = *committed;
  offset.leader_epoch = static_cast<int32_t>(*epoch);
  offset.metadata = std::move(*metadata);
  offset.commit_timestamp_ms = *commit_ms;
  return offset;
}

std::string EncodeClusterId(const std::string& cluster_id) {
  json out = VersionedObject();
  out["cluster_id"] = cluster_id;
  return Dump(out);
}

absl::StatusOr<std::string> DecodeClusterId(const std::string& value) {
  ValueReader reader(Column::kMeta, kClusterIdKey, value);
  std::optional<std::string> id = reader.String("cluster_id");
  if (reader.ok() && id->empty()) reader.Fail("field 'cluster_id' is empty");
  if (!reader.ok()) return reader.status();
  return *id;
}

std::string EncodeNextProducerId(int64_t next) {
  json out = VersionedObject();
  out["next"] = next;
  return Dump(out);
}

absl::StatusOr<int64_t> DecodeNextProducerId(const std::string& value) {
  ValueReader reader(Column::kMeta, kNextProducerIdKey, value);
  std::optional<int64_t> next = reader.Int("next", 0, kInt64Max);
  if (!reader.ok()) return reader.status();
  return *next;
}

}  // namespace codec
}  // namespace sluice::metadata

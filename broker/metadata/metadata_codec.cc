// File: broker/metadata/metadata_codec.cc
#include "broker/metadata/metadata_codec.h"

#include <limits>
#include <utility>
#include <vector>

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

  bool ok() const { return status_.ok(); }
  const absl::Status& status() const { return status_; }

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
    status_ = absl::DataLossError(
        absl::StrCat("metadata: unreadable value at ", DescribeKey(column_, key_), ": ", why));
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
  json root_;
  absl::Status status_;
};

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

bool IsValidUtf8(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    size_t extra = 0;
    uint32_t code = 0;
    if (byte < 0x80) {
      ++i;
      continue;
    } else if ((byte & 0xe0) == 0xc0) {
      extra = 1;
      code = byte & 0x1f;
    } else if ((byte & 0xf0) == 0xe0) {
      extra = 2;
      code = byte & 0x0f;
    } else if ((byte & 0xf8) == 0xf0) {
      extra = 3;
      code = byte & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;  // Truncated sequence.
    for (size_t j = 1; j <= extra; ++j) {
      auto next = static_cast<unsigned char>(text[i + j]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3f);
    }
    // Reject overlong forms, surrogates and values past U+10FFFF.
    static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMinForLength[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace codec
}  // namespace sluice::metadata

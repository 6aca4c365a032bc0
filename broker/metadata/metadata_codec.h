// File: broker/metadata/metadata_codec.h
// Key layout and value encoding of the metadata store. No storage I/O here.
//
// Keys (bytes; topic names never contain '\0', see IsValidTopicName):
//   topics       <topic>                          -> {"v":1,"id":hex,"partitions":N,"rf":R,
//                                                     "created_ms":T}
//   partitions   <topic> \0 <partition int32 BE>  -> {"v":1,"replicas":[..],"isr":[..],
//                                                     "leader":L,"leader_epoch":E}
//   checkpoints  <topic> \0 <partition int32 BE>  -> {"v":1,"log_start":..,"hw":..,
//                                                     "recovery":..}
//   configs      'b' <key>                        -> {"v":1,"value":".."}  broker-level
//                't' <topic> \0 <key>             -> {"v":1,"value":".."}  topic-level
//   meta         "cluster_id"                     -> {"v":1,"cluster_id":".."}
//                "next_producer_id"               -> {"v":1,"next":N}
//   groups       <group id>                       -> {"v":1,"protocol_type":"consumer",
//                                                     "generation":G,"protocol":"range"|null,
//                                                     "leader":".."|null,"state_ms":T,
//                                                     "members":[{"id":..,"instance":..|null,
//                                                     "client_id":..,"client_host":..,
//                                                     "rebalance_ms":..,"session_ms":..,
//                                                     "subscription":b64,"assignment":b64}]}
//   offsets      <group length uint16 BE> <group id> <topic> \0 <partition int32 BE>
//                                                 -> {"v":1,"offset":O,"leader_epoch":E,
//                                                     "metadata":"..","commit_ms":T,
//                                                     "expire_ms":T|null}
// Big-endian partition numbers make a prefix scan of "<topic>\0" return partitions in order.
// Group ids may hold any byte (even NUL), hence the length prefix in offsets keys: a scan of
// GroupOffsetsPrefix(g) returns exactly g's offsets, by topic and partition. Member bytes are
// base64 (JSON strings must be UTF-8).
//
// Values are compact JSON with a format version "v". Stored bytes are untrusted: every
// Decode* returns kDataLoss naming the column and key when a value is malformed, and
// kFailedPrecondition when it was written by a newer format version.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "broker/metadata/kv_engine.h"
#include "broker/metadata/metadata_types.h"

namespace sluice::metadata::codec {

inline constexpr int kFormatVersion = 1;
inline constexpr char kClusterIdKey[] = "cluster_id";
inline constexpr char kNextProducerIdKey[] = "next_producer_id";

// ---- Keys.
std::string TopicKey(const std::string& topic);
// "<topic>\0": prefix of every partition and checkpoint key of the topic.
std::string PartitionPrefix(const std::string& topic);
std::string PartitionKey(const std::string& topic, int32_t partition);
// The partition number at the end of a partitions/checkpoints key; nullopt if `key` is not
// exactly `prefix` + 4 bytes or the number is negative.
std::optional<int32_t> PartitionFromKey(const std::string& key, const std::string& prefix);
std::string BrokerConfigPrefix();
std::string BrokerConfigKey(const std::string& key);
std::string TopicConfigPrefix(const std::string& topic);
std::string TopicConfigKey(const std::string& topic, const std::string& key);
std::string GroupKey(const std::string& group_id);
// REQUIRES (both): group_id.size() <= kMaxGroupStringLength.
std::string GroupOffsetsPrefix(const std::string& group_id);
std::string OffsetKey(const std::string& group_id, const std::string& topic, int32_t partition);
struct OffsetKeyParts {
  std::string group_id;
  std::string topic;
  int32_t partition = 0;
};
// nullopt if `key` is not a well-formed offsets key.
std::optional<OffsetKeyParts> ParseOffsetKey(const std::string& key);

// `bytes` with non-printable bytes, quotes and backslashes escaped as \xNN.
std::string Printable(const std::string& bytes);
// "column 'topics' key 'abc\x00...'" (key through Printable), for error messages.
std::string DescribeKey(Column column, const std::string& key);

// ---- Values. Encode* never fails; Decode* takes the key only to name it in errors.
// The topic value holds neither the name (it is the key) nor the configs (configs column).
std::string EncodeTopic(const TopicRecord& topic);
absl::StatusOr<TopicRecord> DecodeTopic(const std::string& key, const std::string& value);

std::string EncodePartition(const PartitionRecord& partition);
absl::StatusOr<PartitionRecord> DecodePartition(int32_t partition, const std::string& key,
                                                const std::string& value);

std::string EncodeCheckpoint(const PartitionCheckpoint& checkpoint);
absl::StatusOr<PartitionCheckpoint> DecodeCheckpoint(const std::string& key,
                                                     const std::string& value);

std::string EncodeConfigValue(const std::string& config_value);
absl::StatusOr<std::string> DecodeConfigValue(const std::string& key, const std::string& value);

std::string EncodeGroup(const GroupRecord& group);
absl::StatusOr<GroupRecord> DecodeGroup(const std::string& key, const std::string& value);

// The value holds neither the group, topic nor partition (they are the key).
std::string EncodeOffset(const CommittedOffset& offset);
absl::StatusOr<CommittedOffset> DecodeOffset(const OffsetKeyParts& parts, const std::string& key,
                                             const std::string& value);

std::string EncodeClusterId(const std::string& cluster_id);
absl::StatusOr<std::string> DecodeClusterId(const std::string& value);

std::string EncodeNextProducerId(int64_t next);
absl::StatusOr<int64_t> DecodeNextProducerId(const std::string& value);

}  // namespace sluice::metadata::codec

// File: broker/group/group_types.h
// The vocabulary of the group coordinator: states, outcomes, configuration, and the inputs
// and outputs of the per-group state machine (group.h). Plain values, no behaviour.
//
// Outcomes are GroupError values, not Kafka error codes: broker/server/kafka_errors.h is the
// one place that turns them into codes. Each value names the Kafka error it stands for.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker/metadata/metadata_types.h"

namespace sluice::group {

// Kafka's classic group states (GroupState.java / ClassicGroupState).
enum class GroupState { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };
inline constexpr GroupState kAllGroupStates[] = {
    GroupState::kEmpty, GroupState::kPreparingRebalance, GroupState::kCompletingRebalance,
    GroupState::kStable, GroupState::kDead};

// "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead": the names Kafka
// puts in DescribeGroups and ListGroups.
const char* GroupStateName(GroupState state);

enum class GroupError {
  kNone,
  kUnknownServerError,         // UNKNOWN_SERVER_ERROR (-1)
  kUnknownTopicOrPartition,    // UNKNOWN_TOPIC_OR_PARTITION (3)
  kOffsetMetadataTooLarge,     // OFFSET_METADATA_TOO_LARGE (12)
  kCoordinatorLoadInProgress,  // COORDINATOR_LOAD_IN_PROGRESS (14)
  kCoordinatorNotAvailable,    // COORDINATOR_NOT_AVAILABLE (15)
  kNotCoordinator,             // NOT_COORDINATOR (16)
  kIllegalGeneration,          // ILLEGAL_GENERATION (22)
  kInconsistentGroupProtocol,  // INCONSISTENT_GROUP_PROTOCOL (23)
  kInvalidGroupId,             // INVALID_GROUP_ID (24)
  kUnknownMemberId,            // UNKNOWN_MEMBER_ID (25)
  kInvalidSessionTimeout,      // INVALID_SESSION_TIMEOUT (26)
  kRebalanceInProgress,        // REBALANCE_IN_PROGRESS (27)
  kInvalidCommitOffsetSize,    // INVALID_COMMIT_OFFSET_SIZE (28)
  kNonEmptyGroup,              // NON_EMPTY_GROUP (68)
  kGroupIdNotFound,            // GROUP_ID_NOT_FOUND (69)
  kMemberIdRequired,           // MEMBER_ID_REQUIRED (79)
  kFencedInstanceId,           // FENCED_INSTANCE_ID (82)
  kGroupSubscribedToTopic,     // GROUP_SUBSCRIBED_TO_TOPIC (86)
};

// Defaults are Kafka's (GroupCoordinatorConfig / OffsetConfig), under the same key names.
struct GroupConfig {
  int32_t min_session_timeout_ms = 6000;                  // group.min.session.timeout.ms
  int32_t max_session_timeout_ms = 1800000;               // group.max.session.timeout.ms
  int32_t initial_rebalance_delay_ms = 3000;              // group.initial.rebalance.delay.ms
  int32_t offset_metadata_max_bytes = 4096;               // offset.metadata.max.bytes
  int64_t offsets_retention_ms = 7LL * 24 * 3600 * 1000;  // offsets.retention.minutes
  int64_t offsets_retention_check_interval_ms = 600000;   // offsets.retention.check.interval.ms
  // A new member waiting in JoinGroup is dropped after this long (Kafka's fixed 5 minutes).
  int32_t new_member_join_timeout_ms = 300000;
  // Largest group record the coordinator persists (Kafka: the record must fit in
  // __consumer_offsets, message.max.bytes); a larger one fails SyncGroup with
  // UNKNOWN_SERVER_ERROR as in Kafka.
  int64_t max_group_record_bytes = 1048588;
};

// Identifies a request whose answer may come later (JoinGroup, SyncGroup, commits); chosen
// by the caller, unique among its outstanding requests, echoed in Effects.
using RequestId = uint64_t;

struct Protocol {
  std::string name;
  std::string metadata;  // Opaque (for consumers: ConsumerProtocol subscription).
  friend bool operator==(const Protocol&, const Protocol&) = default;
};

struct JoinRequest {
  std::string member_id;  // "" on a first join.
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;  // v0 clients: the session timeout.
  std::string protocol_type;
  std::vector<Protocol> protocols;
  bool require_known_member_id = false;   // JoinGroup v4+ (KIP-394).
  bool supports_skip_assignment = false;  // JoinGroup v9+.
};

struct JoinMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string metadata;
  friend bool operator==(const JoinMember&, const JoinMember&) = default;
};

struct JoinResponse {
  GroupError error = GroupError::kNone;
  int32_t generation = -1;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  std::string leader;
  bool skip_assignment = false;
  std::string member_id;
  std::vector<JoinMember> members;  // Only for the leader.
};

struct SyncRequest {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  int32_t generation = -1;
  std::optional<std::string> protocol_type;                      // v5+
  std::optional<std::string> protocol_name;                      // v5+
  std::vector<std::pair<std::string, std::string>> assignments;  // From the leader.
};

struct SyncResponse {
  GroupError error = GroupError::kNone;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  std::string assignment;
};

struct MemberIdentity {
  std::string member_id;
  std::optional<std::string> group_instance_id;
};

struct HeartbeatRequest {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  int32_t generation = -1;
};

struct LeaveResult {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  GroupError error = GroupError::kNone;
};

struct CommitEntry {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int32_t leader_epoch = -1;
  std::string metadata;  // Null from the wire becomes "".
};

struct CommitRequest {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  int32_t generation = -1;
  std::optional<int64_t> retention_ms;  // OffsetCommit v2-4 with a retention time.
  std::vector<CommitEntry> entries;
};

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
};

// A group as DescribeGroups shows it.
struct MemberSummary {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  std::string metadata;    // Only while Stable (Kafka's rule).
  std::string assignment;  // Only while Stable.
};

struct GroupSummary {
  std::string group_id;
  GroupState state = GroupState::kDead;
  std::string protocol_type;
  std::string protocol;  // "" unless Stable.
  std::vector<MemberSummary> members;
};

struct GroupOverview {
  std::string group_id;
  std::string protocol_type;
  GroupState state = GroupState::kEmpty;
};

// A durable write the state machine asks for. The caller applies `changes` through
// MetadataStore::Apply and reports the outcome with Group::OnWriteDone(token, status).
struct Write {
  uint64_t token = 0;
  std::vector<metadata::MetadataChange> changes;
};

// Everything one call into a Group produced: answers to earlier or current requests,
// writes to make durable, and log lines describing what happened.
struct Effects {
  std::vector<std::pair<RequestId, JoinResponse>> joins;
  std::vector<std::pair<RequestId, SyncResponse>> syncs;
  // One error per entry of the CommitRequest / per partition of an OffsetDelete, in order.
  std::vector<std::pair<RequestId, std::vector<GroupError>>> commits;
  std::vector<std::pair<RequestId, std::vector<GroupError>>> offset_deletes;
  std::vector<std::pair<RequestId, GroupError>> deletes;
  std::vector<Write> writes;
  std::vector<std::string> events;
};

}  // namespace sluice::group

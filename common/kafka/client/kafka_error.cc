#include "common/kafka/client/kafka_error.h"

#include <array>
#include <charconv>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace sluice::kafka::client {
namespace {

constexpr absl::string_view kPayloadUrl = "type.sluice.dev/kafka-error-code";

// Errors.java of Kafka 4.1.1, codes -1 to 133 in order (read with javap from the
// pinned kafka-clients jar).
constexpr int kFirstCode = -1;
constexpr std::array<absl::string_view, 135> kNames = {
    "UNKNOWN_SERVER_ERROR",
    "NONE",
    "OFFSET_OUT_OF_RANGE",
    "CORRUPT_MESSAGE",
    "UNKNOWN_TOPIC_OR_PARTITION",
    "INVALID_FETCH_SIZE",
    "LEADER_NOT_AVAILABLE",
    "NOT_LEADER_OR_FOLLOWER",
    "REQUEST_TIMED_OUT",
    "BROKER_NOT_AVAILABLE",
    "REPLICA_NOT_AVAILABLE",
    "MESSAGE_TOO_LARGE",
    "STALE_CONTROLLER_EPOCH",
    "OFFSET_METADATA_TOO_LARGE",
    "NETWORK_EXCEPTION",
    "COORDINATOR_LOAD_IN_PROGRESS",
    "COORDINATOR_NOT_AVAILABLE",
    "NOT_COORDINATOR",
    "INVALID_TOPIC_EXCEPTION",
    "RECORD_LIST_TOO_LARGE",
    "NOT_ENOUGH_REPLICAS",
    "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
    "INVALID_REQUIRED_ACKS",
    "ILLEGAL_GENERATION",
    "INCONSISTENT_GROUP_PROTOCOL",
    "INVALID_GROUP_ID",
    "UNKNOWN_MEMBER_ID",
    "INVALID_SESSION_TIMEOUT",
    "REBALANCE_IN_PROGRESS",
    "INVALID_COMMIT_OFFSET_SIZE",
    "TOPIC_AUTHORIZATION_FAILED",
    "GROUP_AUTHORIZATION_FAILED",
    "CLUSTER_AUTHORIZATION_FAILED",
    "INVALID_TIMESTAMP",
    "UNSUPPORTED_SASL_MECHANISM",
    "ILLEGAL_SASL_STATE",
    "UNSUPPORTED_VERSION",
    "TOPIC_ALREADY_EXISTS",
    "INVALID_PARTITIONS",
    "INVALID_REPLICATION_FACTOR",
    "INVALID_REPLICA_ASSIGNMENT",
    "INVALID_CONFIG",
    "NOT_CONTROLLER",
    "INVALID_REQUEST",
    "UNSUPPORTED_FOR_MESSAGE_FORMAT",
    "POLICY_VIOLATION",
    "OUT_OF_ORDER_SEQUENCE_NUMBER",
    "DUPLICATE_SEQUENCE_NUMBER",
    "INVALID_PRODUCER_EPOCH",
    "INVALID_TXN_STATE",
    "INVALID_PRODUCER_ID_MAPPING",
    "INVALID_TRANSACTION_TIMEOUT",
    "CONCURRENT_TRANSACTIONS",
    "TRANSACTION_COORDINATOR_FENCED",
    "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
    "SECURITY_DISABLED",
    "OPERATION_NOT_ATTEMPTED",
    "KAFKA_STORAGE_ERROR",
    "LOG_DIR_NOT_FOUND",
    "SASL_AUTHENTICATION_FAILED",
    "UNKNOWN_PRODUCER_ID",
    "REASSIGNMENT_IN_PROGRESS",
    "DELEGATION_TOKEN_AUTH_DISABLED",
    "DELEGATION_TOKEN_NOT_FOUND",
    "DELEGATION_TOKEN_OWNER_MISMATCH",
    "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED",
    "DELEGATION_TOKEN_AUTHORIZATION_FAILED",
    "DELEGATION_TOKEN_EXPIRED",
    "INVALID_PRINCIPAL_TYPE",
    "NON_EMPTY_GROUP",
    "GROUP_ID_NOT_FOUND",
    "FETCH_SESSION_ID_NOT_FOUND",
    "INVALID_FETCH_SESSION_EPOCH",
    "LISTENER_NOT_FOUND",
    "TOPIC_DELETION_DISABLED",
    "FENCED_LEADER_EPOCH",
    "UNKNOWN_LEADER_EPOCH",
    "UNSUPPORTED_COMPRESSION_TYPE",
    "STALE_BROKER_EPOCH",
    "OFFSET_NOT_AVAILABLE",
    "MEMBER_ID_REQUIRED",
    "PREFERRED_LEADER_NOT_AVAILABLE",
    "GROUP_MAX_SIZE_REACHED",
    "FENCED_INSTANCE_ID",
    "ELIGIBLE_LEADERS_NOT_AVAILABLE",
    "ELECTION_NOT_NEEDED",
    "NO_REASSIGNMENT_IN_PROGRESS",
    "GROUP_SUBSCRIBED_TO_TOPIC",
    "INVALID_RECORD",
    "UNSTABLE_OFFSET_COMMIT",
    "THROTTLING_QUOTA_EXCEEDED",
    "PRODUCER_FENCED",
    "RESOURCE_NOT_FOUND",
    "DUPLICATE_RESOURCE",
    "UNACCEPTABLE_CREDENTIAL",
    "INCONSISTENT_VOTER_SET",
    "INVALID_UPDATE_VERSION",
    "FEATURE_UPDATE_FAILED",
    "PRINCIPAL_DESERIALIZATION_FAILURE",
    "SNAPSHOT_NOT_FOUND",
    "POSITION_OUT_OF_RANGE",
    "UNKNOWN_TOPIC_ID",
    "DUPLICATE_BROKER_REGISTRATION",
    "BROKER_ID_NOT_REGISTERED",
    "INCONSISTENT_TOPIC_ID",
    "INCONSISTENT_CLUSTER_ID",
    "TRANSACTIONAL_ID_NOT_FOUND",
    "FETCH_SESSION_TOPIC_ID_ERROR",
    "INELIGIBLE_REPLICA",
    "NEW_LEADER_ELECTED",
    "OFFSET_MOVED_TO_TIERED_STORAGE",
    "FENCED_MEMBER_EPOCH",
    "UNRELEASED_INSTANCE_ID",
    "UNSUPPORTED_ASSIGNOR",
    "STALE_MEMBER_EPOCH",
    "MISMATCHED_ENDPOINT_TYPE",
    "UNSUPPORTED_ENDPOINT_TYPE",
    "UNKNOWN_CONTROLLER_ID",
    "UNKNOWN_SUBSCRIPTION_ID",
    "TELEMETRY_TOO_LARGE",
    "INVALID_REGISTRATION",
    "TRANSACTION_ABORTABLE",
    "INVALID_RECORD_STATE",
    "SHARE_SESSION_NOT_FOUND",
    "INVALID_SHARE_SESSION_EPOCH",
    "FENCED_STATE_EPOCH",
    "INVALID_VOTER_KEY",
    "DUPLICATE_VOTER",
    "VOTER_NOT_FOUND",
    "INVALID_REGULAR_EXPRESSION",
    "REBOOTSTRAP_REQUIRED",
    "STREAMS_INVALID_TOPOLOGY",
    "STREAMS_INVALID_TOPOLOGY_EPOCH",
    "STREAMS_TOPOLOGY_FENCED",
    "SHARE_SESSION_LIMIT_REACHED",
};

}  // namespace

absl::string_view KafkaErrorName(int16_t code) {
  const int index = code - kFirstCode;
  if (index < 0 || index >= static_cast<int>(kNames.size())) return "UNKNOWN_KAFKA_ERROR";
  return kNames[static_cast<size_t>(index)];
}

absl::StatusCode KafkaErrorStatusCode(int16_t code) {
  switch (code) {
    case 3:    // UNKNOWN_TOPIC_OR_PARTITION
    case 57:   // LOG_DIR_NOT_FOUND
    case 69:   // GROUP_ID_NOT_FOUND
    case 91:   // RESOURCE_NOT_FOUND
    case 100:  // UNKNOWN_TOPIC_ID
      return absl::StatusCode::kNotFound;
    case 36:  // TOPIC_ALREADY_EXISTS
    case 92:  // DUPLICATE_RESOURCE
      return absl::StatusCode::kAlreadyExists;
    case 17:  // INVALID_TOPIC_EXCEPTION
    case 37:  // INVALID_PARTITIONS
    case 38:  // INVALID_REPLICATION_FACTOR
    case 39:  // INVALID_REPLICA_ASSIGNMENT
    case 40:  // INVALID_CONFIG
    case 42:  // INVALID_REQUEST
    case 44:  // POLICY_VIOLATION
    case 87:  // INVALID_RECORD
      return absl::StatusCode::kInvalidArgument;
    case 35:  // UNSUPPORTED_VERSION
      return absl::StatusCode::kUnimplemented;
    case 7:  // REQUEST_TIMED_OUT
      return absl::StatusCode::kDeadlineExceeded;
    case 29:  // TOPIC_AUTHORIZATION_FAILED
    case 30:  // GROUP_AUTHORIZATION_FAILED
    case 31:  // CLUSTER_AUTHORIZATION_FAILED
    case 53:  // TRANSACTIONAL_ID_AUTHORIZATION_FAILED
    case 58:  // SASL_AUTHENTICATION_FAILED
      return absl::StatusCode::kPermissionDenied;
    case 5:   // LEADER_NOT_AVAILABLE
    case 6:   // NOT_LEADER_OR_FOLLOWER
    case 8:   // BROKER_NOT_AVAILABLE
    case 9:   // REPLICA_NOT_AVAILABLE
    case 13:  // NETWORK_EXCEPTION
    case 14:  // COORDINATOR_LOAD_IN_PROGRESS
    case 15:  // COORDINATOR_NOT_AVAILABLE
    case 16:  // NOT_COORDINATOR
    case 19:  // NOT_ENOUGH_REPLICAS
    case 20:  // NOT_ENOUGH_REPLICAS_AFTER_APPEND
    case 41:  // NOT_CONTROLLER
    case 56:  // KAFKA_STORAGE_ERROR
    case 89:  // THROTTLING_QUOTA_EXCEEDED
      return absl::StatusCode::kUnavailable;
    case 60:  // REASSIGNMENT_IN_PROGRESS
    case 68:  // NON_EMPTY_GROUP
    case 73:  // TOPIC_DELETION_DISABLED
    case 85:  // NO_REASSIGNMENT_IN_PROGRESS
      return absl::StatusCode::kFailedPrecondition;
    default:
      return absl::StatusCode::kUnknown;
  }
}

absl::Status KafkaErrorStatus(int16_t code, std::optional<absl::string_view> message,
                              absl::string_view context) {
  if (code == kErrorNone) return absl::OkStatus();
  std::string text;
  if (!context.empty()) absl::StrAppend(&text, context, ": ");
  absl::StrAppend(&text, KafkaErrorName(code), " (", code, ")");
  if (message.has_value() && !message->empty()) absl::StrAppend(&text, ": ", *message);
  absl::Status status(KafkaErrorStatusCode(code), text);
  status.SetPayload(kPayloadUrl, absl::Cord(absl::StrCat(code)));
  return status;
}

std::optional<int16_t> KafkaErrorCodeOf(const absl::Status& status) {
  if (status.ok()) return std::nullopt;
  auto payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  const std::string text(*payload);
  int16_t code = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return code;
}

}  // namespace sluice::kafka::client

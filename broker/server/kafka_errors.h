// File: broker/server/kafka_errors.h
// Kafka protocol error codes that Sluice returns (Apache Kafka's Errors.java numbering),
// and the one place where internal absl::Status values become Kafka error codes.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "broker/group/group_types.h"

namespace sluice::server {

enum class KafkaError : int16_t {
  kUnknownServerError = -1,
  kNone = 0,
  kOffsetOutOfRange = 1,
  kCorruptMessage = 2,
  kUnknownTopicOrPartition = 3,
  kInvalidFetchSize = 4,
  kLeaderNotAvailable = 5,
  kNotLeaderOrFollower = 6,
  kRequestTimedOut = 7,
  kMessageTooLarge = 10,
  kOffsetMetadataTooLarge = 12,
  kCoordinatorLoadInProgress = 14,
  kCoordinatorNotAvailable = 15,
  kNotCoordinator = 16,
  kInvalidTopicException = 17,
  kRecordListTooLarge = 18,
  kNotEnoughReplicas = 19,
  kInvalidRequiredAcks = 21,
  kIllegalGeneration = 22,
  kInconsistentGroupProtocol = 23,
  kInvalidGroupId = 24,
  kUnknownMemberId = 25,
  kInvalidSessionTimeout = 26,
  kRebalanceInProgress = 27,
  kInvalidCommitOffsetSize = 28,
  kInvalidTimestamp = 32,
  kUnsupportedSaslMechanism = 33,
  kUnsupportedVersion = 35,
  kTopicAlreadyExists = 36,
  kInvalidPartitions = 37,
  kInvalidReplicationFactor = 38,
  kInvalidReplicaAssignment = 39,
  kInvalidConfig = 40,
  kNotController = 41,
  kInvalidRequest = 42,
  kUnsupportedForMessageFormat = 43,
  kPolicyViolation = 44,
  kOutOfOrderSequenceNumber = 45,
  kDuplicateSequenceNumber = 46,
  kInvalidProducerEpoch = 47,
  kTransactionalIdAuthorizationFailed = 53,
  kKafkaStorageError = 56,
  kUnknownProducerId = 59,
  kNonEmptyGroup = 68,
  kGroupIdNotFound = 69,
  kUnsupportedCompressionType = 76,
  kMemberIdRequired = 79,
  kFencedInstanceId = 82,
  kGroupSubscribedToTopic = 86,
  kInvalidRecord = 87,
  kUnknownTopicId = 100,
};

inline int16_t Code(KafkaError e) { return static_cast<int16_t>(e); }

// Error of a record batch refused by validation (see common/kafka/records/validate.h
// for the status codes it uses).
KafkaError BatchValidationError(const absl::Status& status);

// Error code of a group coordinator outcome (broker/group/group_types.h names each).
KafkaError GroupErrorCode(group::GroupError error);
inline int16_t Code(group::GroupError e) { return Code(GroupErrorCode(e)); }

// Error of a failed log operation (storage failures, offsets out of range).
KafkaError LogError(const absl::Status& status);

// Error of a refused or failed config change (config_admin.h, config_ops.h):
// kInvalidArgument (a key or value Kafka refuses with InvalidConfigurationException)
// -> INVALID_CONFIG; kFailedPrecondition (a malformed request: duplicate keys, unknown
// operation, null value, an unknown broker id, and every broker-resource refusal, which
// Kafka reports as InvalidRequestException, KAFKA-13609) -> INVALID_REQUEST; kNotFound
// -> UNKNOWN_TOPIC_OR_PARTITION; anything else (storage) -> UNKNOWN_SERVER_ERROR.
KafkaError ConfigChangeError(const absl::Status& status);

}  // namespace sluice::server

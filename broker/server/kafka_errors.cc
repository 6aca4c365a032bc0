#include "broker/server/kafka_errors.h"

namespace sluice::server {

KafkaError BatchValidationError(const absl::Status& status) {
  // The table in common/kafka/records/validate.h.
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return KafkaError::kNone;
    case absl::StatusCode::kInvalidArgument:
      return KafkaError::kInvalidRecord;
    case absl::StatusCode::kDataLoss:
      return KafkaError::kCorruptMessage;
    case absl::StatusCode::kOutOfRange:
      return KafkaError::kMessageTooLarge;
    case absl::StatusCode::kUnimplemented:
      return KafkaError::kUnsupportedCompressionType;
    case absl::StatusCode::kFailedPrecondition:
      return KafkaError::kInvalidTimestamp;
    default:
      return KafkaError::kUnknownServerError;
  }
}

KafkaError GroupErrorCode(group::GroupError error) {
  using group::GroupError;
  switch (error) {
    case GroupError::kNone:
      return KafkaError::kNone;
    case GroupError::kUnknownServerError:
      return KafkaError::kUnknownServerError;
    case GroupError::kUnknownTopicOrPartition:
      return KafkaError::kUnknownTopicOrPartition;
    case GroupError::kOffsetMetadataTooLarge:
      return KafkaError::kOffsetMetadataTooLarge;
    case GroupError::kCoordinatorLoadInProgress:
      return KafkaError::kCoordinatorLoadInProgress;
    case GroupError::kCoordinatorNotAvailable:
      return KafkaError::kCoordinatorNotAvailable;
    case GroupError::kNotCoordinator:
      return KafkaError::kNotCoordinator;
    case GroupError::kIllegalGeneration:
      return KafkaError::kIllegalGeneration;
    case GroupError::kInconsistentGroupProtocol:
      return KafkaError::kInconsistentGroupProtocol;
    case GroupError::kInvalidGroupId:
      return KafkaError::kInvalidGroupId;
    case GroupError::kUnknownMemberId:
      return KafkaError::kUnknownMemberId;
    case GroupError::kInvalidSessionTimeout:
      return KafkaError::kInvalidSessionTimeout;
    case GroupError::kRebalanceInProgress:
      return KafkaError::kRebalanceInProgress;
    case GroupError::kInvalidCommitOffsetSize:
      return KafkaError::kInvalidCommitOffsetSize;
    case GroupError::kNonEmptyGroup:
      return KafkaError::kNonEmptyGroup;
    case GroupError::kGroupIdNotFound:
      return KafkaError::kGroupIdNotFound;
    case GroupError::kMemberIdRequired:
      return KafkaError::kMemberIdRequired;
    case GroupError::kFencedInstanceId:
      return KafkaError::kFencedInstanceId;
    case GroupError::kGroupSubscribedToTopic:
      return KafkaError::kGroupSubscribedToTopic;
  }
  return KafkaError::kUnknownServerError;
}

KafkaError LogError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return KafkaError::kNone;
    case absl::StatusCode::kOutOfRange:
      return KafkaError::kOffsetOutOfRange;
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:  // the log was closed: its topic was deleted
      return KafkaError::kUnknownTopicOrPartition;
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnavailable:
      return KafkaError::kKafkaStorageError;
    default:
      return KafkaError::kUnknownServerError;
  }
}

KafkaError ConfigChangeError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return KafkaError::kNone;
    case absl::StatusCode::kInvalidArgument:
      return KafkaError::kInvalidConfig;
    case absl::StatusCode::kFailedPrecondition:
      return KafkaError::kInvalidRequest;
    case absl::StatusCode::kNotFound:
      return KafkaError::kUnknownTopicOrPartition;
    default:
      return KafkaError::kUnknownServerError;
  }
}

}  // namespace sluice::server

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

}  // namespace sluice::server

// File: broker/group/store_errors.cc
#include "broker/group/store_errors.h"

namespace sluice::group {

GroupError GroupStoreError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return GroupError::kNone;
    case absl::StatusCode::kInvalidArgument:
      return GroupError::kUnknownServerError;
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kUnavailable:
      return GroupError::kCoordinatorNotAvailable;
    default:
      return GroupError::kNotCoordinator;
  }
}

GroupError CommitStoreError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return GroupError::kNone;
    case absl::StatusCode::kInvalidArgument:
      return GroupError::kInvalidCommitOffsetSize;
    case absl::StatusCode::kNotFound:
      return GroupError::kUnknownTopicOrPartition;
    case absl::StatusCode::kUnavailable:
      return GroupError::kCoordinatorNotAvailable;
    default:
      return GroupError::kNotCoordinator;
  }
}

}  // namespace sluice::group

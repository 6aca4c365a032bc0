// File: broker/group/store_errors.h
// What a member is told when a write of the coordinator fails, following Kafka's mapping of
// __consumer_offsets append errors (GroupMetadataManager.storeGroup / storeOffsets): the
// store's storage failures read as NOT_COORDINATOR (Kafka's KAFKA_STORAGE_ERROR case), a
// record the store refuses as too large or invalid as UNKNOWN_SERVER_ERROR for group
// records and INVALID_COMMIT_OFFSET_SIZE for commits, a topic deleted meanwhile as
// UNKNOWN_TOPIC_OR_PARTITION.
#pragma once

#include "absl/status/status.h"
#include "broker/group/group_types.h"

namespace sluice::group {

GroupError GroupStoreError(const absl::Status& status);
GroupError CommitStoreError(const absl::Status& status);

}  // namespace sluice::group

// File: broker/group/group_offsets.cc
// Offsets half of the group state machine: commits with their generation checks, deletion
// (OffsetDelete, DeleteGroups) and retention. Kafka's rules are quoted in DESIGN.md.
#include <utility>

#include "absl/strings/str_cat.h"
#include "broker/group/consumer_protocol.h"
#include "broker/group/group.h"
#include "broker/group/store_errors.h"

namespace sluice::group {

GroupError Group::ValidateCommit(const CommitRequest& request) const {
  if (state_ == GroupState::kDead) return GroupError::kCoordinatorNotAvailable;
  // Generation -1 commits to an empty group come from tools and from consumers that assign
  // partitions themselves.
  if (request.generation < 0 && state_ == GroupState::kEmpty) return GroupError::kNone;
  if (request.generation >= 0 || !request.member_id.empty() ||
      request.group_instance_id.has_value()) {
    if (GroupError error = ValidateMember(request.member_id, request.group_instance_id);
        error != GroupError::kNone) {
      return error;
    }
    if (request.generation != generation_) return GroupError::kIllegalGeneration;
  } else if (state_ != GroupState::kEmpty) {
    // Without member and generation only an empty group takes commits.
    return GroupError::kUnknownMemberId;
  }
  if (state_ == GroupState::kCompletingRebalance) {
    // The member has its new generation but no assignment yet: let it finish the rebalance.
    return GroupError::kRebalanceInProgress;
  }
  return GroupError::kNone;
}

void Group::Commit(RequestId id, const CommitRequest& request, int64_t now_ms, Effects* out) {
  std::vector<GroupError> errors(request.entries.size(), GroupError::kNone);
  if (GroupError error = ValidateCommit(request); error != GroupError::kNone) {
    errors.assign(errors.size(), error);
    out->commits.emplace_back(id, std::move(errors));
    return;
  }
  if (state_ == GroupState::kStable || state_ == GroupState::kPreparingRebalance) {
    // A commit keeps the member's session alive, as a heartbeat would.
    auto member = members_.find(request.member_id);
    if (member != members_.end()) ScheduleHeartbeat(member->second, now_ms);
  }
  PendingWrite pending;
  pending.kind = PendingWrite::Kind::kCommit;
  pending.request = id;
  for (size_t i = 0; i < request.entries.size(); ++i) {
    const CommitEntry& entry = request.entries[i];
    if (entry.metadata.size() > static_cast<size_t>(config_.offset_metadata_max_bytes)) {
      errors[i] = GroupError::kOffsetMetadataTooLarge;
      continue;
    }
    metadata::CommittedOffset offset;
    offset.topic = entry.topic;
    offset.partition = entry.partition;
    offset.offset = entry.offset;
    offset.leader_epoch = entry.leader_epoch < -1 ? -1 : entry.leader_epoch;
    offset.metadata = entry.metadata;
    offset.commit_timestamp_ms = now_ms;
    if (request.retention_ms.has_value()) {
      offset.expire_timestamp_ms = now_ms + *request.retention_ms;
    }
    // A partition named twice in one request: the last entry wins, as in Kafka's map.
    for (metadata::CommittedOffset& earlier : pending.offsets) {
      if (earlier.topic == offset.topic && earlier.partition == offset.partition) {
        earlier = offset;
        offset.topic.clear();
        break;
      }
    }
    if (!offset.topic.empty()) pending.offsets.push_back(std::move(offset));
  }
  pending.errors = std::move(errors);
  if (pending.offsets.empty()) {
    out->commits.emplace_back(id, std::move(pending.errors));
    return;
  }
  for (const metadata::CommittedOffset& offset : pending.offsets) {
    ++pending_commits_[TopicPartition{offset.topic, offset.partition}];
  }
  std::vector<metadata::CommittedOffset> offsets = pending.offsets;
  AddWrite({metadata::CommitOffsets{group_id_, std::move(offsets)}}, std::move(pending), out);
}

void Group::FinishCommit(PendingWrite& pending, const absl::Status& status, Effects* out) {
  for (metadata::CommittedOffset& offset : pending.offsets) {
    TopicPartition tp{offset.topic, offset.partition};
    if (--pending_commits_[tp] <= 0) pending_commits_.erase(tp);
    if (status.ok()) offsets_[tp] = std::move(offset);
  }
  if (!status.ok()) {
    GroupError error = CommitStoreError(status);
    for (GroupError& e : pending.errors) {
      if (e == GroupError::kNone) e = error;
    }
  }
  out->commits.emplace_back(pending.request, std::move(pending.errors));
}

const metadata::CommittedOffset* Group::Committed(const TopicPartition& tp) const {
  auto it = offsets_.find(tp);
  return it != offsets_.end() ? &it->second : nullptr;
}

GroupError Group::DeleteOffsets(RequestId id, const std::vector<TopicPartition>& partitions,
                                int64_t now_ms, Effects* out) {
  (void)now_ms;
  if (state_ == GroupState::kDead) return GroupError::kGroupIdNotFound;
  std::vector<GroupError> errors(partitions.size(), GroupError::kNone);
  if (state_ != GroupState::kEmpty) {
    if (protocol_type_ != kConsumerProtocolType) return GroupError::kNonEmptyGroup;
    for (size_t i = 0; i < partitions.size(); ++i) {
      // Unknown subscriptions count as subscribed to everything (Kafka's rule).
      if (!subscribed_topics_.has_value() || subscribed_topics_->count(partitions[i].topic) > 0) {
        errors[i] = GroupError::kGroupSubscribedToTopic;
      }
    }
  }
  PendingWrite pending;
  pending.kind = PendingWrite::Kind::kOffsetDelete;
  pending.request = id;
  metadata::DeleteOffsets change;
  change.group_id = group_id_;
  for (size_t i = 0; i < partitions.size(); ++i) {
    if (errors[i] != GroupError::kNone) continue;
    pending.deleted.push_back(partitions[i]);
    change.partitions.push_back({partitions[i].topic, partitions[i].partition});
  }
  pending.errors = std::move(errors);
  if (pending.deleted.empty()) {
    out->offset_deletes.emplace_back(id, std::move(pending.errors));
    return GroupError::kNone;
  }
  AddWrite({std::move(change)}, std::move(pending), out);
  return GroupError::kNone;
}

void Group::FinishOffsetDelete(PendingWrite& pending, const absl::Status& status, Effects* out) {
  if (status.ok()) {
    for (const TopicPartition& tp : pending.deleted) offsets_.erase(tp);
  } else {
    GroupError error = GroupStoreError(status);
    for (GroupError& e : pending.errors) {
      if (e == GroupError::kNone) e = error;
    }
  }
  out->offset_deletes.emplace_back(pending.request, std::move(pending.errors));
}

GroupError Group::Delete(RequestId id, int64_t now_ms, Effects* out) {
  switch (state_) {
    case GroupState::kDead:
      return GroupError::kGroupIdNotFound;
    case GroupState::kEmpty: {
      TransitionTo(GroupState::kDead, now_ms);
      PendingWrite pending;
      pending.kind = PendingWrite::Kind::kDeleteGroup;
      pending.request = id;
      AddWrite({metadata::DeleteGroup{group_id_}}, std::move(pending), out);
      Event(out, absl::StrCat("deleting group ", group_id_, " and its ", offsets_.size(),
                              " committed offsets"));
      return GroupError::kNone;
    }
    case GroupState::kPreparingRebalance:
    case GroupState::kCompletingRebalance:
    case GroupState::kStable:
      return GroupError::kNonEmptyGroup;
  }
  return GroupError::kUnknownServerError;
}

void Group::ExpireOffsets(int64_t now_ms, Effects* out) {
  if (state_ == GroupState::kDead) return;
  // Which offsets may expire, and from when retention counts (GroupMetadata.removeExpiredOffsets):
  //  - an empty group that had members: all of them, from when it became empty (KIP-211);
  //  - a Stable consumer group: offsets of topics nobody subscribes to, from their commit;
  //  - a group that never had members: all of them, from their commit;
  //  - otherwise none.
  enum class Base { kNone, kStateTimestamp, kCommitTimestamp } base = Base::kNone;
  const std::set<std::string>* keep_topics = nullptr;
  if (protocol_type_.has_value() && state_ == GroupState::kEmpty) {
    base = Base::kStateTimestamp;
  } else if (protocol_type_ == kConsumerProtocolType && subscribed_topics_.has_value() &&
             state_ == GroupState::kStable) {
    base = Base::kCommitTimestamp;
    keep_topics = &*subscribed_topics_;
  } else if (!protocol_type_.has_value()) {
    base = Base::kCommitTimestamp;
  }
  metadata::DeleteOffsets expired;
  expired.group_id = group_id_;
  if (base != Base::kNone) {
    for (auto it = offsets_.begin(); it != offsets_.end();) {
      const metadata::CommittedOffset& offset = it->second;
      bool expire = false;
      if ((keep_topics == nullptr || keep_topics->count(it->first.topic) == 0) &&
          pending_commits_.count(it->first) == 0) {
        if (offset.expire_timestamp_ms.has_value()) {
          expire = now_ms >= *offset.expire_timestamp_ms;
        } else {
          int64_t from =
              base == Base::kStateTimestamp ? state_timestamp_ms_ : offset.commit_timestamp_ms;
          expire = now_ms - from >= config_.offsets_retention_ms;
        }
      }
      if (expire) {
        expired.partitions.push_back({it->first.topic, it->first.partition});
        it = offsets_.erase(it);
      } else {
        ++it;
      }
    }
  }
  std::vector<metadata::MetadataChange> changes;
  if (!expired.partitions.empty()) {
    Event(out, absl::StrCat("group ", group_id_, ": ", expired.partitions.size(),
                            " committed offsets expired"));
    changes.push_back(std::move(expired));
  }
  if (state_ == GroupState::kEmpty && offsets_.empty() && pending_commits_.empty()) {
    Event(out, absl::StrCat("group ", group_id_, " is empty with no offsets: removing it"));
    TransitionTo(GroupState::kDead, now_ms);
    changes.push_back(metadata::DeleteGroup{group_id_});
  }
  if (changes.empty()) return;
  PendingWrite pending;
  pending.kind = PendingWrite::Kind::kExpiry;
  AddWrite(std::move(changes), std::move(pending), out);
}

void Group::ForgetTopic(const std::string& topic) {
  for (auto it = offsets_.begin(); it != offsets_.end();) {
    it = it->first.topic == topic ? offsets_.erase(it) : std::next(it);
  }
}

bool Group::Removable() const { return state_ == GroupState::kDead && pending_writes_.empty(); }

}  // namespace sluice::group

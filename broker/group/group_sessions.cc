// File: broker/group/group_sessions.cc
// The rest of the membership half of the group state machine (group.cc has joining and the
// join phase): leaving and session expiry, heartbeats, SyncGroup, timers, durable writes and
// reads. Checks follow Kafka's GroupCoordinator order (see DESIGN.md).
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "broker/group/consumer_protocol.h"
#include "broker/group/group.h"
#include "broker/group/store_errors.h"

namespace sluice::group {

// ---------------------------------------------------------------------------------------
// Leaving, expiry, heartbeats

void Group::RemoveMemberAndUpdateGroup(std::string member_id, const std::string& reason,
                                       int64_t now_ms, Effects* out) {
  auto it = members_.find(member_id);
  if (it == members_.end()) return;
  Member& member = it->second;
  if (member.awaiting_join.has_value()) {
    JoinResponse gone;
    gone.error = GroupError::kUnknownMemberId;
    out->joins.emplace_back(*member.awaiting_join, std::move(gone));
  }
  if (member.awaiting_sync.has_value()) {
    SyncResponse gone;
    gone.error = GroupError::kUnknownMemberId;
    out->syncs.emplace_back(*member.awaiting_sync, std::move(gone));
  }
  Event(out,
        absl::StrCat("removing member ", member_id, " from group ", group_id_, " (", reason, ")"));
  RemoveMember(member_id);
  switch (state_) {
    case GroupState::kStable:
    case GroupState::kCompletingRebalance:
      MaybePrepareRebalance(absl::StrCat("removing member ", member_id, " (", reason, ")"), now_ms,
                            out);
      break;
    case GroupState::kPreparingRebalance:
      MaybeCompleteJoin(now_ms, out);
      break;
    case GroupState::kEmpty:
    case GroupState::kDead:
      break;
  }
}

void Group::RemovePendingMemberAndUpdateGroup(const std::string& member_id, int64_t now_ms,
                                              Effects* out) {
  pending_members_.erase(member_id);
  MaybeCompleteJoin(now_ms, out);
}

bool Group::HeartbeatSatisfied(const Member& member) const {
  // Members waiting in JoinGroup or SyncGroup are covered by the rebalance timeouts.
  return !member.is_new && (member.awaiting_join.has_value() || member.awaiting_sync.has_value());
}

void Group::ScheduleHeartbeat(Member& member, int64_t now_ms) {
  if (HeartbeatSatisfied(member)) {
    member.heartbeat_deadline_ms.reset();
    return;
  }
  member.heartbeat_deadline_ms = now_ms + (member.is_new && member.awaiting_join.has_value()
                                               ? config_.new_member_join_timeout_ms
                                               : member.session_timeout_ms);
}

GroupError Group::ValidateMember(const std::string& member_id,
                                 const std::optional<std::string>& group_instance_id) const {
  if (group_instance_id.has_value()) {
    auto known = static_members_.find(*group_instance_id);
    if (known == static_members_.end()) return GroupError::kUnknownMemberId;
    if (known->second != member_id) return GroupError::kFencedInstanceId;
  }
  return members_.count(member_id) > 0 ? GroupError::kNone : GroupError::kUnknownMemberId;
}

GroupError Group::Heartbeat(const HeartbeatRequest& request, int64_t now_ms, Effects* out) {
  (void)out;
  if (state_ == GroupState::kDead) return GroupError::kCoordinatorNotAvailable;
  if (GroupError error = ValidateMember(request.member_id, request.group_instance_id);
      error != GroupError::kNone) {
    return error;
  }
  if (request.generation != generation_) return GroupError::kIllegalGeneration;
  switch (state_) {
    case GroupState::kEmpty:
    case GroupState::kDead:
      return GroupError::kUnknownMemberId;
    case GroupState::kCompletingRebalance:
    case GroupState::kStable:
      ScheduleHeartbeat(members_.at(request.member_id), now_ms);
      return GroupError::kNone;
    case GroupState::kPreparingRebalance:
      ScheduleHeartbeat(members_.at(request.member_id), now_ms);
      return GroupError::kRebalanceInProgress;
  }
  return GroupError::kUnknownServerError;
}

GroupError Group::Leave(const std::vector<MemberIdentity>& members, int64_t now_ms, Effects* out,
                        std::vector<LeaveResult>* results) {
  if (state_ == GroupState::kDead) return GroupError::kCoordinatorNotAvailable;
  for (const MemberIdentity& leaving : members) {
    LeaveResult result{leaving.member_id, leaving.group_instance_id, GroupError::kNone};
    if (leaving.member_id.empty()) {
      // Administrative removal by instance id (kafka-consumer-groups, static members).
      auto known = leaving.group_instance_id.has_value()
                       ? static_members_.find(*leaving.group_instance_id)
                       : static_members_.end();
      if (known != static_members_.end()) {
        RemoveMemberAndUpdateGroup(known->second, "LeaveGroup by instance id", now_ms, out);
      } else {
        result.error = GroupError::kUnknownMemberId;
      }
    } else if (pending_members_.count(leaving.member_id) > 0) {
      RemovePendingMemberAndUpdateGroup(leaving.member_id, now_ms, out);
    } else {
      result.error = ValidateMember(leaving.member_id, leaving.group_instance_id);
      if (result.error == GroupError::kNone) {
        RemoveMemberAndUpdateGroup(leaving.member_id, "LeaveGroup", now_ms, out);
      }
    }
    results->push_back(std::move(result));
  }
  return GroupError::kNone;
}

// ---------------------------------------------------------------------------------------
// SyncGroup

void Group::Sync(RequestId id, const SyncRequest& request, int64_t now_ms, Effects* out) {
  SyncResponse refused;
  auto refuse = [&](GroupError error) {
    refused.error = error;
    out->syncs.emplace_back(id, std::move(refused));
  };
  if (state_ == GroupState::kDead) return refuse(GroupError::kCoordinatorNotAvailable);
  if (GroupError error = ValidateMember(request.member_id, request.group_instance_id);
      error != GroupError::kNone) {
    return refuse(error);
  }
  if (request.generation != generation_) return refuse(GroupError::kIllegalGeneration);
  if ((request.protocol_type.has_value() && protocol_type_ != request.protocol_type) ||
      (request.protocol_name.has_value() && protocol_name_ != request.protocol_name)) {
    return refuse(GroupError::kInconsistentGroupProtocol);
  }
  Member& member = members_.at(request.member_id);
  switch (state_) {
    case GroupState::kEmpty:
    case GroupState::kDead:
      return refuse(GroupError::kUnknownMemberId);
    case GroupState::kPreparingRebalance:
      return refuse(GroupError::kRebalanceInProgress);
    case GroupState::kStable: {
      pending_sync_members_.erase(member.member_id);
      CheckPendingSync();
      SyncResponse response;
      response.protocol_type = protocol_type_;
      response.protocol_name = protocol_name_;
      response.assignment = member.assignment;
      out->syncs.emplace_back(id, std::move(response));
      ScheduleHeartbeat(member, now_ms);
      return;
    }
    case GroupState::kCompletingRebalance:
      break;
  }
  if (member.awaiting_sync.has_value() && *member.awaiting_sync != id) {
    SyncResponse superseded;
    superseded.error = GroupError::kRebalanceInProgress;
    out->syncs.emplace_back(*member.awaiting_sync, std::move(superseded));
  }
  member.awaiting_sync = id;
  pending_sync_members_.erase(member.member_id);
  CheckPendingSync();
  if (leader_ != member.member_id) return;  // Followers wait for the leader's assignment.

  std::map<std::string, std::string> assignment;
  for (const auto& [member_id, bytes] : request.assignments) assignment[member_id] = bytes;
  for (auto it = assignment.begin(); it != assignment.end();) {
    it = members_.count(it->first) > 0 ? std::next(it) : assignment.erase(it);
  }
  for (const auto& [member_id, m] : members_) assignment.try_emplace(member_id);
  metadata::GroupRecord record = ToRecord(assignment, now_ms);
  if (RecordBytes(record) > config_.max_group_record_bytes) {
    Event(out, absl::StrCat("group ", group_id_, " generation ", generation_,
                            ": group record too large to store"));
    ResetAndPropagateAssignmentError(GroupError::kUnknownServerError, now_ms, out);
    MaybePrepareRebalance("group record too large to store", now_ms, out);
    return;
  }
  PendingWrite pending;
  pending.kind = PendingWrite::Kind::kSyncAssignment;
  pending.generation = generation_;
  pending.assignment = std::move(assignment);
  AddWrite({metadata::SetGroup{std::move(record)}}, std::move(pending), out);
}

void Group::CheckPendingSync() {
  if (pending_sync_members_.empty()) sync_deadline_ms_.reset();
}

void Group::ResetAndPropagateAssignmentError(GroupError error, int64_t now_ms, Effects* out) {
  for (auto& [id, member] : members_) {
    member.assignment.clear();
    if (member.awaiting_sync.has_value()) {
      SyncResponse response;
      response.error = error;
      out->syncs.emplace_back(*member.awaiting_sync, std::move(response));
      member.awaiting_sync.reset();
      ScheduleHeartbeat(member, now_ms);
    }
  }
}

void Group::SetAndPropagateAssignment(const std::map<std::string, std::string>& assignment,
                                      int64_t now_ms, Effects* out) {
  for (auto& [id, member] : members_) {
    auto it = assignment.find(id);
    member.assignment = it != assignment.end() ? it->second : std::string();
    if (member.awaiting_sync.has_value()) {
      SyncResponse response;
      response.protocol_type = protocol_type_;
      response.protocol_name = protocol_name_;
      response.assignment = member.assignment;
      out->syncs.emplace_back(*member.awaiting_sync, std::move(response));
      member.awaiting_sync.reset();
      ScheduleHeartbeat(member, now_ms);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Timers and writes

std::optional<int64_t> Group::NextDeadline() const {
  std::optional<int64_t> next;
  auto consider = [&next](std::optional<int64_t> t) {
    if (t.has_value() && (!next.has_value() || *t < *next)) next = t;
  };
  for (const auto& [id, deadline] : pending_members_) consider(deadline);
  for (const auto& [id, member] : members_) consider(member.heartbeat_deadline_ms);
  if (state_ == GroupState::kPreparingRebalance) consider(join_deadline_ms_);
  consider(sync_deadline_ms_);
  return next;
}

void Group::OnTimer(int64_t now_ms, Effects* out) {
  // Each pass handles what is due; a pass can make new deadlines due at `now_ms` (a zero
  // initial delay, say), so repeat a few times. Later ones are left for the next call.
  for (int pass = 0; pass < 8; ++pass) {
    std::optional<int64_t> next = NextDeadline();
    if (!next.has_value() || *next > now_ms) return;

    std::vector<std::string> expired_pending;
    for (const auto& [id, deadline] : pending_members_) {
      if (deadline <= now_ms) expired_pending.push_back(id);
    }
    for (const std::string& id : expired_pending) {
      Event(out, absl::StrCat("pending member ", id, " of group ", group_id_,
                              " expired without rejoining"));
      RemovePendingMemberAndUpdateGroup(id, now_ms, out);
    }

    std::vector<std::string> expired;
    for (const auto& [id, member] : members_) {
      if (member.heartbeat_deadline_ms.has_value() && *member.heartbeat_deadline_ms <= now_ms) {
        expired.push_back(id);
      }
    }
    for (const std::string& id : expired) {
      auto it = members_.find(id);
      if (it == members_.end()) continue;
      if (HeartbeatSatisfied(it->second)) {
        it->second.heartbeat_deadline_ms.reset();
      } else {
        RemoveMemberAndUpdateGroup(id, "session timeout expired", now_ms, out);
      }
    }

    if (state_ == GroupState::kPreparingRebalance && join_deadline_ms_.has_value() &&
        *join_deadline_ms_ <= now_ms) {
      if (initial_delay_ && new_member_added_ && initial_delay_remaining_ms_ != 0) {
        // New members arrived during the initial delay: wait a little more (bounded by the
        // rebalance timeout), exactly as Kafka's InitialDelayedJoin.
        new_member_added_ = false;
        int64_t delay =
            std::min<int64_t>(config_.initial_rebalance_delay_ms, initial_delay_remaining_ms_);
        initial_delay_remaining_ms_ =
            std::max<int64_t>(initial_delay_remaining_ms_ - initial_delay_current_ms_, 0);
        initial_delay_current_ms_ = delay;
        join_deadline_ms_ = now_ms + delay;
      } else {
        CompleteJoin(now_ms, out);
      }
    }

    if (sync_deadline_ms_.has_value() && *sync_deadline_ms_ <= now_ms) {
      sync_deadline_ms_.reset();
      if ((state_ == GroupState::kCompletingRebalance || state_ == GroupState::kStable) &&
          !pending_sync_members_.empty()) {
        std::vector<std::string> missing(pending_sync_members_.begin(),
                                         pending_sync_members_.end());
        for (const std::string& id : missing) RemoveMember(id);
        Event(out, absl::StrCat("group ", group_id_, " removed ", missing.size(),
                                " members who did not send SyncGroup in time"));
        PrepareRebalance("members did not send SyncGroup in time", now_ms, out);
      }
    }
  }
}

void Group::TransitionTo(GroupState state, int64_t now_ms) {
  state_ = state;
  state_timestamp_ms_ = now_ms;
}

metadata::GroupRecord Group::ToRecord(const std::map<std::string, std::string>& assignment,
                                      int64_t now_ms) const {
  (void)now_ms;
  metadata::GroupRecord record;
  record.group_id = group_id_;
  record.protocol_type = protocol_type_.value_or("");
  record.generation = generation_;
  record.protocol = protocol_name_;
  record.leader = members_.empty() ? std::nullopt : leader_;
  record.state_timestamp_ms = state_timestamp_ms_;
  for (const auto& [id, member] : members_) {
    metadata::GroupMemberRecord m;
    m.member_id = id;
    m.group_instance_id = member.group_instance_id;
    m.client_id = member.client_id;
    m.client_host = member.client_host;
    m.rebalance_timeout_ms = std::max(member.rebalance_timeout_ms, 0);
    m.session_timeout_ms = std::max(member.session_timeout_ms, 0);
    if (protocol_name_.has_value()) {
      if (const std::string* metadata = member.MetadataFor(*protocol_name_)) {
        m.subscription = *metadata;
      }
    }
    auto it = assignment.find(id);
    m.assignment = it != assignment.end() ? it->second : member.assignment;
    record.members.push_back(std::move(m));
  }
  return record;
}

uint64_t Group::AddWrite(std::vector<metadata::MetadataChange> changes, PendingWrite pending,
                         Effects* out) {
  uint64_t token = next_token_++;
  pending_writes_.emplace(token, std::move(pending));
  out->writes.push_back(Write{token, std::move(changes)});
  return token;
}

void Group::StoreEmptyGroup(int64_t now_ms, Effects* out) {
  PendingWrite pending;
  pending.kind = PendingWrite::Kind::kEmptyGroup;
  pending.generation = generation_;
  AddWrite({metadata::SetGroup{ToRecord({}, now_ms)}}, std::move(pending), out);
}

void Group::OnWriteDone(uint64_t token, const absl::Status& status, int64_t now_ms, Effects* out) {
  auto it = pending_writes_.find(token);
  if (it == pending_writes_.end()) return;
  PendingWrite pending = std::move(it->second);
  pending_writes_.erase(it);
  if (!status.ok()) {
    Event(out, absl::StrCat("group ", group_id_, ": write failed: ", status.ToString()));
  }
  switch (pending.kind) {
    case PendingWrite::Kind::kSyncAssignment:
      // Only if nothing moved on while the write was in flight.
      if (state_ != GroupState::kCompletingRebalance || generation_ != pending.generation) return;
      if (!status.ok()) {
        ResetAndPropagateAssignmentError(GroupStoreError(status), now_ms, out);
        MaybePrepareRebalance("storing the assignment failed", now_ms, out);
      } else {
        SetAndPropagateAssignment(pending.assignment, now_ms, out);
        TransitionTo(GroupState::kStable, now_ms);
      }
      return;
    case PendingWrite::Kind::kStaticRejoin: {
      auto m = members_.find(pending.new_member_id);
      if (m == members_.end() || m->second.awaiting_join != pending.request) return;
      Member& member = m->second;
      member.awaiting_join.reset();
      if (!status.ok()) {
        // Put the old member id back; the rejoining instance gets the error.
        member.protocols = pending.old_protocols;
        Member restored = std::move(member);
        members_.erase(m);
        restored.member_id = pending.old_member_id;
        if (leader_ == pending.new_member_id) leader_ = pending.old_member_id;
        static_members_[pending.instance_id] = pending.old_member_id;
        Member& old = members_.emplace(pending.old_member_id, std::move(restored)).first->second;
        ScheduleHeartbeat(old, now_ms);
        JoinResponse response;
        response.error = GroupStoreError(status);
        response.generation = generation_;
        response.protocol_type = protocol_type_;
        response.protocol_name = protocol_name_;
        response.leader = pending.leader_before.value_or("");
        out->joins.emplace_back(pending.request, std::move(response));
        return;
      }
      JoinResponse response;
      response.generation = generation_;
      response.protocol_type = protocol_type_;
      response.protocol_name = protocol_name_;
      response.member_id = pending.new_member_id;
      if (pending.supports_skip_assignment) {
        // JoinGroup v9: the leader learns it leads but must not reassign a Stable group.
        bool is_leader = leader_ == pending.new_member_id;
        response.leader = leader_.value_or("");
        response.skip_assignment = is_leader;
        if (is_leader) response.members = CurrentJoinResponse(member, true).members;
      } else {
        // Older clients: name the previous leader id so that a rejoining leader does not
        // think it must assign (its new id differs).
        response.leader = pending.leader_before.value_or("");
      }
      out->joins.emplace_back(pending.request, std::move(response));
      ScheduleHeartbeat(member, now_ms);
      return;
    }
    case PendingWrite::Kind::kEmptyGroup:
    case PendingWrite::Kind::kExpiry:
      return;  // Logged above; the next write of the group supersedes it.
    case PendingWrite::Kind::kCommit:
      FinishCommit(pending, status, out);
      return;
    case PendingWrite::Kind::kOffsetDelete:
      FinishOffsetDelete(pending, status, out);
      return;
    case PendingWrite::Kind::kDeleteGroup:
      if (status.ok()) {
        offsets_.clear();
        out->deletes.emplace_back(pending.request, GroupError::kNone);
      } else {
        TransitionTo(GroupState::kEmpty, now_ms);
        out->deletes.emplace_back(pending.request, GroupStoreError(status));
      }
      return;
  }
}

std::optional<std::set<std::string>> Group::ComputeSubscribedTopics() const {
  if (protocol_type_ != kConsumerProtocolType) return std::nullopt;
  if (members_.empty()) return std::set<std::string>();
  if (!protocol_name_.has_value()) return std::nullopt;
  std::set<std::string> topics;
  for (const auto& [id, member] : members_) {
    const std::string* metadata = member.MetadataFor(*protocol_name_);
    if (metadata == nullptr) return std::nullopt;
    std::optional<std::set<std::string>> parsed = ParseSubscriptionTopics(*metadata);
    if (!parsed.has_value()) return std::nullopt;
    topics.insert(parsed->begin(), parsed->end());
  }
  return topics;
}

int64_t Group::RecordBytes(const metadata::GroupRecord& record) {
  int64_t bytes =
      static_cast<int64_t>(record.group_id.size() + record.protocol_type.size() +
                           record.protocol.value_or("").size() + record.leader.value_or("").size());
  for (const metadata::GroupMemberRecord& m : record.members) {
    bytes += static_cast<int64_t>(m.member_id.size() + m.group_instance_id.value_or("").size() +
                                  m.client_id.size() + m.client_host.size() +
                                  m.subscription.size() + m.assignment.size());
  }
  return bytes;
}

GroupSummary Group::Describe() const {
  GroupSummary summary;
  summary.group_id = group_id_;
  summary.state = state_;
  summary.protocol_type = protocol_type_.value_or("");
  const bool stable = state_ == GroupState::kStable && protocol_name_.has_value();
  if (stable) summary.protocol = *protocol_name_;
  for (const auto& [id, member] : members_) {
    MemberSummary m;
    m.member_id = id;
    m.group_instance_id = member.group_instance_id;
    m.client_id = member.client_id;
    m.client_host = member.client_host;
    if (stable) {
      if (const std::string* metadata = member.MetadataFor(*protocol_name_)) m.metadata = *metadata;
      m.assignment = member.assignment;
    }
    summary.members.push_back(std::move(m));
  }
  return summary;
}

GroupOverview Group::Overview() const {
  return GroupOverview{group_id_, protocol_type_.value_or(""), state_};
}

void Group::Event(Effects* out, const std::string& text) const { out->events.push_back(text); }

}  // namespace sluice::group

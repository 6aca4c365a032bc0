// File: broker/group/group.cc
// Membership half of the group state machine, part one: restoring, JoinGroup and the join
// phase of a rebalance. group_sessions.cc has the rest (SyncGroup, heartbeats, leaving,
// timers, writes); offsets are in group_offsets.cc. Method names and the order of checks
// follow Kafka's classic GroupCoordinator so that every request gets the error Kafka would
// give (see DESIGN.md).
#include "broker/group/group.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace sluice::group {
namespace {

constexpr int64_t kMinStaticRejoinWaitMs = 1000;

}  // namespace

const char* GroupStateName(GroupState state) {
  switch (state) {
    case GroupState::kEmpty:
      return "Empty";
    case GroupState::kPreparingRebalance:
      return "PreparingRebalance";
    case GroupState::kCompletingRebalance:
      return "CompletingRebalance";
    case GroupState::kStable:
      return "Stable";
    case GroupState::kDead:
      return "Dead";
  }
  return "Unknown";
}

const std::string* Group::Member::MetadataFor(const std::string& protocol) const {
  for (const Protocol& p : protocols) {
    if (p.name == protocol) return &p.metadata;
  }
  return nullptr;
}

Group::Group(std::string group_id, const GroupConfig& config, int64_t now_ms)
    : group_id_(std::move(group_id)), config_(config), state_timestamp_ms_(now_ms) {}

Group Group::Restore(const std::string& group_id, const GroupConfig& config,
                     const metadata::GroupRecord* record,
                     const std::vector<metadata::CommittedOffset>& offsets, int64_t now_ms) {
  Group group(group_id, config, now_ms);
  if (record != nullptr) {
    if (!record->protocol_type.empty()) group.protocol_type_ = record->protocol_type;
    group.generation_ = record->generation;
    group.protocol_name_ = record->protocol;
    group.leader_ = record->leader;
    group.state_timestamp_ms_ = record->state_timestamp_ms;
    for (const metadata::GroupMemberRecord& m : record->members) {
      Member member;
      member.member_id = m.member_id;
      member.group_instance_id = m.group_instance_id;
      member.client_id = m.client_id;
      member.client_host = m.client_host;
      member.rebalance_timeout_ms = m.rebalance_timeout_ms;
      member.session_timeout_ms = m.session_timeout_ms;
      member.protocol_type = record->protocol_type;
      member.protocols = {Protocol{record->protocol.value_or(""), m.subscription}};
      member.assignment = m.assignment;
      member.heartbeat_deadline_ms = now_ms + m.session_timeout_ms;
      if (m.group_instance_id.has_value()) {
        group.static_members_[*m.group_instance_id] = m.member_id;
      }
      group.members_.emplace(m.member_id, std::move(member));
    }
    group.state_ = group.members_.empty() ? GroupState::kEmpty : GroupState::kStable;
    group.subscribed_topics_ = group.ComputeSubscribedTopics();
  }
  for (const metadata::CommittedOffset& offset : offsets) {
    group.offsets_[TopicPartition{offset.topic, offset.partition}] = offset;
  }
  return group;
}

// ---------------------------------------------------------------------------------------
// JoinGroup

void Group::Join(RequestId id, const JoinRequest& request, const std::string& id_suffix,
                 int64_t now_ms, Effects* out) {
  if (request.member_id.empty()) {
    JoinNewMember(id, request, id_suffix, now_ms, out);
  } else {
    JoinKnownMember(id, request, now_ms, out);
  }
  MaybeCompleteJoin(now_ms, out);
}

bool Group::RefuseJoin(RequestId id, const JoinRequest& request, const std::string& member_id,
                       Effects* out) {
  JoinResponse refused;
  refused.member_id = member_id;
  if (state_ == GroupState::kDead) {
    refused.error = GroupError::kCoordinatorNotAvailable;
  } else if (!SupportsProtocols(request.protocol_type, request.protocols)) {
    refused.error = GroupError::kInconsistentGroupProtocol;
  } else {
    return false;
  }
  out->joins.emplace_back(id, std::move(refused));
  return true;
}

void Group::JoinNewMember(RequestId id, const JoinRequest& request, const std::string& id_suffix,
                          int64_t now_ms, Effects* out) {
  if (RefuseJoin(id, request, "", out)) return;
  const std::string new_member_id =
      absl::StrCat(request.group_instance_id.value_or(request.client_id), "-", id_suffix);
  if (request.group_instance_id.has_value()) {
    auto known = static_members_.find(*request.group_instance_id);
    if (known != static_members_.end()) {
      Event(out, absl::StrCat("static member ", *request.group_instance_id, " rejoins in state ",
                              GroupStateName(state_), "; replacing member id ", known->second,
                              " with ", new_member_id));
      const std::string old_member_id = known->second;  // A copy: the map entry changes.
      UpdateStaticMemberAndRebalance(id, request, old_member_id, new_member_id, now_ms, out);
    } else {
      AddMemberAndRebalance(id, request, new_member_id, now_ms, out);
    }
    return;
  }
  if (request.require_known_member_id) {
    // KIP-394: hand out the id and wait for the member to come back with it.
    pending_members_[new_member_id] = now_ms + request.session_timeout_ms;
    JoinResponse response;
    response.error = GroupError::kMemberIdRequired;
    response.member_id = new_member_id;
    out->joins.emplace_back(id, std::move(response));
    return;
  }
  AddMemberAndRebalance(id, request, new_member_id, now_ms, out);
}

void Group::JoinKnownMember(RequestId id, const JoinRequest& request, int64_t now_ms,
                            Effects* out) {
  if (RefuseJoin(id, request, request.member_id, out)) return;
  JoinResponse refused;
  refused.member_id = request.member_id;
  if (pending_members_.count(request.member_id) > 0) {
    if (request.group_instance_id.has_value()) {
      // Pending ids are only handed to dynamic members; Kafka fails this as a server error.
      refused.error = GroupError::kUnknownServerError;
      out->joins.emplace_back(id, std::move(refused));
      return;
    }
    AddMemberAndRebalance(id, request, request.member_id, now_ms, out);
    return;
  }
  if (request.group_instance_id.has_value()) {
    auto known = static_members_.find(*request.group_instance_id);
    if (known != static_members_.end() && known->second != request.member_id) {
      refused.error = GroupError::kFencedInstanceId;
      out->joins.emplace_back(id, std::move(refused));
      return;
    }
    if (known == static_members_.end()) {
      refused.error = GroupError::kUnknownMemberId;
      out->joins.emplace_back(id, std::move(refused));
      return;
    }
  }
  auto it = members_.find(request.member_id);
  if (it == members_.end()) {
    refused.error = GroupError::kUnknownMemberId;
    out->joins.emplace_back(id, std::move(refused));
    return;
  }
  Member& member = it->second;
  const bool same_metadata = member.protocols == request.protocols;
  switch (state_) {
    case GroupState::kPreparingRebalance:
      UpdateMemberAndRebalance(id, member, request, "member joins during PreparingRebalance",
                               now_ms, out);
      return;
    case GroupState::kCompletingRebalance:
      if (same_metadata) {
        // A retry of a JoinGroup whose answer was lost: answer again for this generation.
        out->joins.emplace_back(id, CurrentJoinResponse(member, leader_ == member.member_id));
      } else {
        UpdateMemberAndRebalance(id, member, request, "member changed metadata", now_ms, out);
      }
      return;
    case GroupState::kStable:
      if (leader_ == member.member_id) {
        // The leader rejoins to trigger a rebalance (e.g. topic metadata changed).
        UpdateMemberAndRebalance(id, member, request, "leader rejoins", now_ms, out);
      } else if (!same_metadata) {
        UpdateMemberAndRebalance(id, member, request, "member changed metadata", now_ms, out);
      } else {
        out->joins.emplace_back(id, CurrentJoinResponse(member, false));
      }
      return;
    case GroupState::kEmpty:
    case GroupState::kDead:
      refused.error = GroupError::kUnknownMemberId;
      out->joins.emplace_back(id, std::move(refused));
      return;
  }
}

bool Group::SupportsProtocols(const std::string& protocol_type,
                              const std::vector<Protocol>& protocols) const {
  if (state_ == GroupState::kEmpty) return !protocol_type.empty() && !protocols.empty();
  if (protocol_type_ != protocol_type) return false;
  std::set<std::string> candidates = CandidateProtocols();
  return std::any_of(protocols.begin(), protocols.end(),
                     [&](const Protocol& p) { return candidates.count(p.name) > 0; });
}

std::set<std::string> Group::CandidateProtocols() const {
  std::map<std::string, size_t> supported;
  for (const auto& [id, member] : members_) {
    std::set<std::string> names;
    for (const Protocol& p : member.protocols) names.insert(p.name);
    for (const std::string& name : names) ++supported[name];
  }
  std::set<std::string> candidates;
  for (const auto& [name, count] : supported) {
    if (count == members_.size()) candidates.insert(name);
  }
  return candidates;
}

std::string Group::SelectProtocol() const {
  // Each member votes for its most preferred candidate; the most votes win, ties go to the
  // smallest name (Kafka breaks ties by hash order, which is not deterministic).
  std::set<std::string> candidates = CandidateProtocols();
  std::map<std::string, size_t> votes;
  for (const auto& [id, member] : members_) {
    for (const Protocol& p : member.protocols) {
      if (candidates.count(p.name) > 0) {
        ++votes[p.name];
        break;
      }
    }
  }
  std::string best;
  size_t best_votes = 0;
  for (const auto& [name, count] : votes) {
    if (count > best_votes) {
      best = name;
      best_votes = count;
    }
  }
  return best;
}

void Group::AddMember(Member member, int64_t now_ms) {
  (void)now_ms;
  if (members_.empty()) protocol_type_ = member.protocol_type;
  if (!leader_.has_value()) leader_ = member.member_id;
  if (member.group_instance_id.has_value()) {
    static_members_[*member.group_instance_id] = member.member_id;
  }
  pending_members_.erase(member.member_id);
  std::string id = member.member_id;
  members_.emplace(std::move(id), std::move(member));
}

void Group::RemoveMember(std::string member_id) {
  auto it = members_.find(member_id);
  if (it == members_.end()) return;
  if (it->second.group_instance_id.has_value()) {
    auto s = static_members_.find(*it->second.group_instance_id);
    if (s != static_members_.end() && s->second == member_id) static_members_.erase(s);
  }
  members_.erase(it);
  pending_sync_members_.erase(member_id);
  if (leader_ == member_id) {
    leader_ = members_.empty() ? std::nullopt : std::optional<std::string>(members_.begin()->first);
  }
}

void Group::UpdateMember(Member& member, const JoinRequest& request,
                         std::optional<RequestId> join) {
  member.protocols = request.protocols;
  member.rebalance_timeout_ms = request.rebalance_timeout_ms;
  member.session_timeout_ms = request.session_timeout_ms;
  member.awaiting_join = join;
}

void Group::AddMemberAndRebalance(RequestId id, const JoinRequest& request,
                                  const std::string& member_id, int64_t now_ms, Effects* out) {
  Member member;
  member.member_id = member_id;
  member.group_instance_id = request.group_instance_id;
  member.client_id = request.client_id;
  member.client_host = request.client_host;
  member.rebalance_timeout_ms = request.rebalance_timeout_ms;
  member.session_timeout_ms = request.session_timeout_ms;
  member.protocol_type = request.protocol_type;
  member.protocols = request.protocols;
  member.awaiting_join = id;
  member.is_new = true;
  if (state_ == GroupState::kPreparingRebalance && generation_ == 0) new_member_added_ = true;
  AddMember(std::move(member), now_ms);
  ScheduleHeartbeat(members_.at(member_id), now_ms);
  MaybePrepareRebalance(absl::StrCat("adding new member ", member_id), now_ms, out);
}

void Group::UpdateMemberAndRebalance(RequestId id, Member& member, const JoinRequest& request,
                                     const std::string& reason, int64_t now_ms, Effects* out) {
  if (member.awaiting_join.has_value() && *member.awaiting_join != id) {
    // Kafka drops the earlier request silently; an answer keeps the client's pipeline moving.
    JoinResponse superseded;
    superseded.error = GroupError::kRebalanceInProgress;
    superseded.member_id = member.member_id;
    out->joins.emplace_back(*member.awaiting_join, std::move(superseded));
  }
  UpdateMember(member, request, id);
  MaybePrepareRebalance(absl::StrCat(reason, " (", member.member_id, ")"), now_ms, out);
}

void Group::UpdateStaticMemberAndRebalance(RequestId id, const JoinRequest& request,
                                           const std::string& old_member_id,
                                           const std::string& new_member_id, int64_t now_ms,
                                           Effects* out) {
  const std::optional<std::string> leader_before = leader_;
  // Replace the old member id; whoever still waits under it is fenced.
  Member member = std::move(members_.at(old_member_id));
  members_.erase(old_member_id);
  if (member.awaiting_join.has_value()) {
    JoinResponse fenced;
    fenced.error = GroupError::kFencedInstanceId;
    fenced.member_id = old_member_id;
    out->joins.emplace_back(*member.awaiting_join, std::move(fenced));
    member.awaiting_join.reset();
  }
  if (member.awaiting_sync.has_value()) {
    SyncResponse fenced;
    fenced.error = GroupError::kFencedInstanceId;
    out->syncs.emplace_back(*member.awaiting_sync, std::move(fenced));
    member.awaiting_sync.reset();
  }
  if (pending_sync_members_.erase(old_member_id) > 0) pending_sync_members_.insert(new_member_id);
  member.member_id = new_member_id;
  if (leader_ == old_member_id) leader_ = new_member_id;
  static_members_[*request.group_instance_id] = new_member_id;
  std::vector<Protocol> old_protocols = member.protocols;
  Member& current = members_.emplace(new_member_id, std::move(member)).first->second;
  ScheduleHeartbeat(current, now_ms);
  UpdateMember(current, request, id);

  switch (state_) {
    case GroupState::kStable: {
      if (protocol_name_ == SelectProtocol()) {
        // Nothing the assignment depends on changed: persist the new member id, no rebalance.
        std::map<std::string, std::string> assignment;
        for (const auto& [mid, m] : members_) assignment[mid] = m.assignment;
        PendingWrite pending;
        pending.kind = PendingWrite::Kind::kStaticRejoin;
        pending.generation = generation_;
        pending.request = id;
        pending.old_member_id = old_member_id;
        pending.new_member_id = new_member_id;
        pending.instance_id = *request.group_instance_id;
        pending.old_protocols = std::move(old_protocols);
        pending.leader_before = leader_before;
        pending.supports_skip_assignment = request.supports_skip_assignment;
        AddWrite({metadata::SetGroup{ToRecord(assignment, now_ms)}}, std::move(pending), out);
      } else {
        MaybePrepareRebalance("static member rejoined with a change of protocol", now_ms, out);
      }
      return;
    }
    case GroupState::kCompletingRebalance:
      // The leader may already be assigning to the old member id: start over.
      PrepareRebalance("static member rejoined during CompletingRebalance", now_ms, out);
      return;
    case GroupState::kPreparingRebalance:
    case GroupState::kEmpty:
    case GroupState::kDead:
      return;  // The join in progress picks the member up.
  }
}

void Group::MaybePrepareRebalance(const std::string& reason, int64_t now_ms, Effects* out) {
  if (state_ == GroupState::kStable || state_ == GroupState::kCompletingRebalance ||
      state_ == GroupState::kEmpty) {
    PrepareRebalance(reason, now_ms, out);
  }
}

void Group::PrepareRebalance(const std::string& reason, int64_t now_ms, Effects* out) {
  if (state_ == GroupState::kCompletingRebalance) {
    ResetAndPropagateAssignmentError(GroupError::kRebalanceInProgress, now_ms, out);
  }
  sync_deadline_ms_.reset();
  int64_t rebalance_timeout = 0;
  for (const auto& [id, member] : members_) {
    rebalance_timeout = std::max<int64_t>(rebalance_timeout, member.rebalance_timeout_ms);
  }
  if (state_ == GroupState::kEmpty) {
    // Kafka's InitialDelayedJoin: let more members arrive before the first generation.
    initial_delay_ = true;
    initial_delay_current_ms_ = config_.initial_rebalance_delay_ms;
    initial_delay_remaining_ms_ =
        std::max<int64_t>(rebalance_timeout - config_.initial_rebalance_delay_ms, 0);
    join_deadline_ms_ = now_ms + config_.initial_rebalance_delay_ms;
  } else {
    initial_delay_ = false;
    join_deadline_ms_ = now_ms + rebalance_timeout;
  }
  Event(out, absl::StrCat("preparing to rebalance group ", group_id_, " in state ",
                          GroupStateName(state_), " with old generation ", generation_,
                          " (reason: ", reason, ")"));
  TransitionTo(GroupState::kPreparingRebalance, now_ms);
  MaybeCompleteJoin(now_ms, out);
}

bool Group::HasAllMembersJoined() const {
  if (!pending_members_.empty()) return false;
  return std::all_of(members_.begin(), members_.end(),
                     [](const auto& entry) { return entry.second.awaiting_join.has_value(); });
}

void Group::MaybeCompleteJoin(int64_t now_ms, Effects* out) {
  if (state_ != GroupState::kPreparingRebalance || initial_delay_) return;
  if (HasAllMembersJoined()) CompleteJoin(now_ms, out);
}

bool Group::MaybeElectNewJoinedLeader() {
  if (!leader_.has_value()) return false;
  auto leader = members_.find(*leader_);
  if (leader != members_.end() && leader->second.awaiting_join.has_value()) return true;
  for (const auto& [id, member] : members_) {
    if (member.awaiting_join.has_value()) {
      leader_ = id;
      return true;
    }
  }
  return false;
}

void Group::CompleteJoin(int64_t now_ms, Effects* out) {
  join_deadline_ms_.reset();
  initial_delay_ = false;
  // Dynamic members that did not rejoin in time are gone; static ones keep their place
  // until their session expires.
  std::vector<std::string> gone;
  for (const auto& [id, member] : members_) {
    if (!member.awaiting_join.has_value() && !member.group_instance_id.has_value()) {
      gone.push_back(id);
    }
  }
  for (const std::string& id : gone) RemoveMember(id);
  if (!gone.empty()) {
    Event(out, absl::StrCat("group ", group_id_, " removed ", gone.size(),
                            " dynamic members who did not rejoin"));
  }
  if (!MaybeElectNewJoinedLeader() && !members_.empty()) {
    // Only static members that have not rejoined remain: wait for them (or their expiry).
    // At least a second between checks, so absurd rebalance timeouts cannot make it spin.
    int64_t rebalance_timeout = kMinStaticRejoinWaitMs;
    for (const auto& [id, member] : members_) {
      rebalance_timeout = std::max<int64_t>(rebalance_timeout, member.rebalance_timeout_ms);
    }
    join_deadline_ms_ = now_ms + rebalance_timeout;
    return;
  }
  ++generation_;
  pending_sync_members_.clear();
  if (members_.empty()) {
    protocol_name_.reset();
    TransitionTo(GroupState::kEmpty, now_ms);
    subscribed_topics_ = ComputeSubscribedTopics();
    Event(out,
          absl::StrCat("group ", group_id_, " with generation ", generation_, " is now empty"));
    StoreEmptyGroup(now_ms, out);
    return;
  }
  protocol_name_ = SelectProtocol();
  TransitionTo(GroupState::kCompletingRebalance, now_ms);
  subscribed_topics_ = ComputeSubscribedTopics();
  Event(out,
        absl::StrCat("group ", group_id_, " generation ", generation_, " (protocol ",
                     *protocol_name_, ") has ", members_.size(), " members; leader ", *leader_));
  int64_t rebalance_timeout = 0;
  for (auto& [id, member] : members_) {
    out->joins.emplace_back(*member.awaiting_join, CurrentJoinResponse(member, leader_ == id));
    member.awaiting_join.reset();
    member.is_new = false;
    ScheduleHeartbeat(member, now_ms);
    pending_sync_members_.insert(id);
    rebalance_timeout = std::max<int64_t>(rebalance_timeout, member.rebalance_timeout_ms);
  }
  sync_deadline_ms_ = now_ms + rebalance_timeout;
}

JoinResponse Group::CurrentJoinResponse(const Member& member, bool with_members) const {
  JoinResponse response;
  response.generation = generation_;
  response.protocol_type = protocol_type_;
  response.protocol_name = protocol_name_;
  response.leader = leader_.value_or("");
  response.member_id = member.member_id;
  if (with_members && protocol_name_.has_value()) {
    for (const auto& [id, m] : members_) {
      const std::string* metadata = m.MetadataFor(*protocol_name_);
      response.members.push_back(
          JoinMember{id, m.group_instance_id, metadata != nullptr ? *metadata : std::string()});
    }
  }
  return response;
}

}  // namespace sluice::group

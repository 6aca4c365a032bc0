// File: broker/group/group_coordinator.cc
#include "broker/group/group_coordinator.h"

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log.h"
#include "common/utf8.h"

namespace sluice::group {
namespace {

void Sanitize(std::string& text) { text = ToValidUtf8(text); }
void Sanitize(std::optional<std::string>& text) {
  if (text.has_value()) Sanitize(*text);
}

}  // namespace

GroupCoordinator::GroupCoordinator(metadata::MetadataStore& store, const GroupConfig& config,
                                   Clock clock)
    : store_(store), config_(config), clock_(std::move(clock)), writes_(store) {
  std::random_device seed;
  random_.seed((static_cast<uint64_t>(seed()) << 32) ^ seed());
}

GroupCoordinator::~GroupCoordinator() { Stop(); }

absl::Status GroupCoordinator::Load() {
  absl::StatusOr<metadata::StoredGroups> stored = store_.LoadGroups();
  After after;
  {
    absl::MutexLock lock(&mu_);
    if (status_ != Status::kLoading) return absl::FailedPreconditionError("already loaded");
    if (!stored.ok()) {
      status_ = Status::kFailed;
      return stored.status();
    }
    const int64_t now = clock_();
    std::set<std::string> with_record;
    static const std::vector<metadata::CommittedOffset> kNoOffsets;
    for (const metadata::GroupRecord& record : stored->groups) {
      auto offsets = stored->offsets.find(record.group_id);
      groups_[record.group_id] = std::make_unique<Group>(
          Group::Restore(record.group_id, config_, &record,
                         offsets != stored->offsets.end() ? offsets->second : kNoOffsets, now));
      with_record.insert(record.group_id);
    }
    for (const auto& [group_id, offsets] : stored->offsets) {
      if (with_record.count(group_id) > 0) continue;
      groups_[group_id] =
          std::make_unique<Group>(Group::Restore(group_id, config_, nullptr, offsets, now));
    }
    for (auto& [group_id, group] : groups_) {
      Effects none;
      Process(*group, none, &after);
    }
    status_ = Status::kActive;
    next_expiry_check_ms_ = now + config_.offsets_retention_check_interval_ms;
    MaybeWake(&after);
    size_t offsets = 0;
    for (const auto& [group_id, list] : stored->offsets) offsets += list.size();
    after.push_back([groups = groups_.size(), offsets] {
      SLUICE_LOG(kInfo) << "group coordinator loaded " << groups << " groups and " << offsets
                        << " committed offsets";
    });
  }
  Run(after);
  return absl::OkStatus();
}

void GroupCoordinator::Stop() {
  writes_.Stop();
  absl::MutexLock lock(&mu_);
  status_ = Status::kStopped;
}

void GroupCoordinator::SetWakeup(Wakeup wakeup) { wakeup_ = std::move(wakeup); }

std::optional<int64_t> GroupCoordinator::NextDeadline() const {
  absl::MutexLock lock(&mu_);
  if (status_ != Status::kActive) return std::nullopt;
  return EarliestDeadline();
}

int64_t GroupCoordinator::EarliestDeadline() const {
  int64_t earliest = next_expiry_check_ms_;
  if (!deadlines_.empty()) earliest = std::min(earliest, deadlines_.begin()->first);
  return earliest;
}

void GroupCoordinator::MaybeWake(After* after) {
  int64_t earliest = EarliestDeadline();
  if (earliest < announced_deadline_ms_) {
    announced_deadline_ms_ = earliest;
    after->push_back([this, earliest] {
      if (wakeup_) wakeup_(earliest);
    });
  }
}

std::optional<int64_t> GroupCoordinator::Tick() {
  After after;
  std::optional<int64_t> next;
  {
    absl::MutexLock lock(&mu_);
    if (status_ != Status::kActive) return std::nullopt;
    const int64_t now = clock_();
    std::vector<std::string> due;
    for (const auto& [deadline, group_id] : deadlines_) {
      if (deadline > now) break;
      due.push_back(group_id);
    }
    for (const std::string& group_id : due) {
      Group* group = Find(group_id);
      if (group == nullptr) continue;
      Effects effects;
      group->OnTimer(now, &effects);
      Process(*group, effects, &after);
    }
    if (now >= next_expiry_check_ms_) {
      std::vector<std::string> all;
      for (const auto& [group_id, group] : groups_) all.push_back(group_id);
      for (const std::string& group_id : all) {
        Group* group = Find(group_id);
        if (group == nullptr) continue;
        Effects effects;
        group->ExpireOffsets(now, &effects);
        Process(*group, effects, &after);
      }
      next_expiry_check_ms_ = now + config_.offsets_retention_check_interval_ms;
    }
    next = EarliestDeadline();
    announced_deadline_ms_ = *next;
  }
  Run(after);
  return next;
}

GroupError GroupCoordinator::CheckStatus(const std::string& group_id,
                                         bool require_non_empty_id) const {
  if (require_non_empty_id && group_id.empty()) return GroupError::kInvalidGroupId;
  switch (status_) {
    case Status::kActive:
      return GroupError::kNone;
    case Status::kLoading:
      return GroupError::kCoordinatorLoadInProgress;
    case Status::kFailed:
    case Status::kStopped:
      return GroupError::kCoordinatorNotAvailable;
  }
  return GroupError::kCoordinatorNotAvailable;
}

Group* GroupCoordinator::Find(const std::string& group_id) {
  auto it = groups_.find(group_id);
  return it != groups_.end() ? it->second.get() : nullptr;
}

const Group* GroupCoordinator::Find(const std::string& group_id) const {
  auto it = groups_.find(group_id);
  return it != groups_.end() ? it->second.get() : nullptr;
}

Group& GroupCoordinator::Create(const std::string& group_id) {
  auto group = std::make_unique<Group>(group_id, config_, clock_());
  Group& ref = *group;
  groups_[group_id] = std::move(group);
  return ref;
}

std::string GroupCoordinator::NewMemberIdSuffix() {
  // A random (version 4) UUID in its usual text form, as Kafka's UUID.randomUUID().
  uint64_t high = random_();
  uint64_t low = random_();
  high = (high & ~uint64_t{0xf000}) | 0x4000;
  low = (low & ~(uint64_t{0xc} << 60)) | (uint64_t{0x8} << 60);
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", high >> 32, (high >> 16) & 0xffff,
                         high & 0xffff, low >> 48, low & 0xffffffffffffULL);
}

void GroupCoordinator::Process(Group& group, Effects& effects, After* after) {
  auto deliver = [after](auto& waiters, auto& results) {
    for (auto& [id, result] : results) {
      auto it = waiters.find(id);
      if (it == waiters.end()) continue;
      after->push_back([done = std::move(it->second), result = std::move(result)]() mutable {
        done(std::move(result));
      });
      waiters.erase(it);
    }
  };
  deliver(join_waiters_, effects.joins);
  deliver(sync_waiters_, effects.syncs);
  deliver(commit_waiters_, effects.commits);
  deliver(offset_delete_waiters_, effects.offset_deletes);
  deliver(delete_waiters_, effects.deletes);
  const std::string group_id = group.id();
  for (Write& write : effects.writes) {
    writes_.Push(std::move(write.changes),
                 [this, group_id, token = write.token](const absl::Status& status) {
                   OnWriteDone(group_id, token, status);
                 });
  }
  for (std::string& event : effects.events) {
    after->push_back([event = std::move(event)] { SLUICE_LOG(kInfo) << event; });
  }
  auto old = group_deadline_.find(group_id);
  if (old != group_deadline_.end()) {
    deadlines_.erase({old->second, group_id});
    group_deadline_.erase(old);
  }
  if (group.Removable()) {
    groups_.erase(group_id);  // `group` is gone from here on.
    return;
  }
  if (std::optional<int64_t> next = group.NextDeadline()) {
    deadlines_.insert({*next, group_id});
    group_deadline_[group_id] = *next;
  }
}

void GroupCoordinator::OnWriteDone(const std::string& group_id, uint64_t token,
                                   const absl::Status& status) {
  After after;
  {
    absl::MutexLock lock(&mu_);
    if (Group* group = Find(group_id)) {
      Effects effects;
      group->OnWriteDone(token, status, clock_(), &effects);
      Process(*group, effects, &after);
      MaybeWake(&after);
    }
  }
  Run(after);
}

void GroupCoordinator::Run(After& after) {
  for (auto& step : after) step();
}

// ---------------------------------------------------------------------------------------
// The group APIs

void GroupCoordinator::JoinGroup(const std::string& raw_group_id, JoinRequest request,
                                 std::function<void(JoinResponse)> done) {
  const std::string group_id = ToValidUtf8(raw_group_id);
  Sanitize(request.member_id);
  Sanitize(request.group_instance_id);
  Sanitize(request.client_id);
  Sanitize(request.client_host);
  Sanitize(request.protocol_type);
  for (Protocol& p : request.protocols) Sanitize(p.name);
  After after;
  {
    absl::MutexLock lock(&mu_);
    GroupError error = CheckStatus(group_id, /*require_non_empty_id=*/true);
    if (error == GroupError::kNone &&
        (request.session_timeout_ms < config_.min_session_timeout_ms ||
         request.session_timeout_ms > config_.max_session_timeout_ms)) {
      error = GroupError::kInvalidSessionTimeout;
    }
    Group* group = nullptr;
    if (error == GroupError::kNone) {
      group = Find(group_id);
      // Only a member without an id may create a group.
      if (group == nullptr && request.member_id.empty()) group = &Create(group_id);
      if (group == nullptr) error = GroupError::kUnknownMemberId;
    }
    if (error != GroupError::kNone) {
      JoinResponse response;
      response.error = error;
      response.member_id = request.member_id;
      after.push_back([done = std::move(done), response = std::move(response)]() mutable {
        done(std::move(response));
      });
    } else {
      RequestId id = next_request_++;
      join_waiters_.emplace(id, std::move(done));
      Effects effects;
      group->Join(id, request, NewMemberIdSuffix(), clock_(), &effects);
      Process(*group, effects, &after);
      MaybeWake(&after);
    }
  }
  Run(after);
}

void GroupCoordinator::SyncGroup(const std::string& raw_group_id, SyncRequest request,
                                 std::function<void(SyncResponse)> done) {
  const std::string group_id = ToValidUtf8(raw_group_id);
  Sanitize(request.member_id);
  Sanitize(request.group_instance_id);
  Sanitize(request.protocol_type);
  Sanitize(request.protocol_name);
  for (auto& [member_id, assignment] : request.assignments) Sanitize(member_id);
  After after;
  {
    absl::MutexLock lock(&mu_);
    GroupError error = CheckStatus(group_id, /*require_non_empty_id=*/true);
    // A loading coordinator lost the rebalance in progress: the member must rejoin, and
    // REBALANCE_IN_PROGRESS is what every client version understands (Kafka's choice).
    if (error == GroupError::kCoordinatorLoadInProgress) error = GroupError::kRebalanceInProgress;
    Group* group = error == GroupError::kNone ? Find(group_id) : nullptr;
    if (error == GroupError::kNone && group == nullptr) error = GroupError::kUnknownMemberId;
    if (error != GroupError::kNone) {
      SyncResponse response;
      response.error = error;
      after.push_back([done = std::move(done), response = std::move(response)]() mutable {
        done(std::move(response));
      });
    } else {
      RequestId id = next_request_++;
      sync_waiters_.emplace(id, std::move(done));
      Effects effects;
      group->Sync(id, request, clock_(), &effects);
      Process(*group, effects, &after);
      MaybeWake(&after);
    }
  }
  Run(after);
}

GroupError GroupCoordinator::Heartbeat(const std::string& raw_group_id, HeartbeatRequest request) {
  const std::string group_id = ToValidUtf8(raw_group_id);
  Sanitize(request.member_id);
  Sanitize(request.group_instance_id);
  After after;
  GroupError error;
  {
    absl::MutexLock lock(&mu_);
    error = CheckStatus(group_id, /*require_non_empty_id=*/true);
    // While loading, heartbeats are answered blindly (Kafka's choice).
    if (error == GroupError::kCoordinatorLoadInProgress) return GroupError::kNone;
    if (error != GroupError::kNone) return error;
    Group* group = Find(group_id);
    if (group == nullptr) return GroupError::kUnknownMemberId;
    Effects effects;
    error = group->Heartbeat(request, clock_(), &effects);
    Process(*group, effects, &after);
    MaybeWake(&after);
  }
  Run(after);
  return error;
}

LeaveOutcome GroupCoordinator::LeaveGroup(const std::string& raw_group_id,
                                          std::vector<MemberIdentity> members) {
  const std::string group_id = ToValidUtf8(raw_group_id);
  for (MemberIdentity& m : members) {
    Sanitize(m.member_id);
    Sanitize(m.group_instance_id);
  }
  After after;
  LeaveOutcome outcome;
  {
    absl::MutexLock lock(&mu_);
    outcome.error = CheckStatus(group_id, /*require_non_empty_id=*/true);
    if (outcome.error != GroupError::kNone) return outcome;
    Group* group = Find(group_id);
    if (group == nullptr) {
      for (const MemberIdentity& m : members) {
        outcome.members.push_back(
            LeaveResult{m.member_id, m.group_instance_id, GroupError::kUnknownMemberId});
      }
      return outcome;
    }
    Effects effects;
    outcome.error = group->Leave(members, clock_(), &effects, &outcome.members);
    Process(*group, effects, &after);
    MaybeWake(&after);
  }
  Run(after);
  return outcome;
}

void GroupCoordinator::CommitOffsets(const std::string& raw_group_id, CommitRequest request,
                                     std::function<void(std::vector<GroupError>)> done) {
  const std::string group_id = ToValidUtf8(raw_group_id);
  Sanitize(request.member_id);
  Sanitize(request.group_instance_id);
  for (CommitEntry& entry : request.entries) Sanitize(entry.metadata);
  After after;
  {
    absl::MutexLock lock(&mu_);
    GroupError error = CheckStatus(group_id, /*require_non_empty_id=*/false);
    Group* group = error == GroupError::kNone ? Find(group_id) : nullptr;
    if (error == GroupError::kNone && group == nullptr) {
      // Generation -1: a consumer that assigns itself, or a tool; the group is created as a
      // "simple" group. Otherwise the commit is from a generation that no longer exists.
      if (request.generation < 0) {
        group = &Create(group_id);
      } else {
        error = GroupError::kIllegalGeneration;
      }
    }
    if (error != GroupError::kNone) {
      after.push_back([done = std::move(done), n = request.entries.size(), error] {
        done(std::vector<GroupError>(n, error));
      });
    } else {
      RequestId id = next_request_++;
      commit_waiters_.emplace(id, std::move(done));
      Effects effects;
      group->Commit(id, request, clock_(), &effects);
      Process(*group, effects, &after);
      MaybeWake(&after);
    }
  }
  Run(after);
}

std::vector<FetchedOffset> GroupCoordinator::FetchOffsets(
    const std::string& raw_group_id, const std::optional<std::vector<TopicPartition>>& partitions,
    GroupError* error) const {
  const std::string group_id = ToValidUtf8(raw_group_id);
  std::vector<FetchedOffset> out;
  absl::MutexLock lock(&mu_);
  *error = CheckStatus(group_id, /*require_non_empty_id=*/false);
  if (*error != GroupError::kNone) return out;
  const Group* group = Find(group_id);
  if (group != nullptr && group->state() == GroupState::kDead) group = nullptr;
  auto fetched = [](const metadata::CommittedOffset& c) {
    return FetchedOffset{TopicPartition{c.topic, c.partition}, c.offset, c.leader_epoch,
                         c.metadata};
  };
  if (!partitions.has_value()) {
    if (group != nullptr) {
      for (const auto& [tp, committed] : group->offsets()) out.push_back(fetched(committed));
    }
    return out;
  }
  for (const TopicPartition& tp : *partitions) {
    const metadata::CommittedOffset* committed = group != nullptr ? group->Committed(tp) : nullptr;
    out.push_back(committed != nullptr ? fetched(*committed) : FetchedOffset{tp, -1, -1, ""});
  }
  return out;
}

GroupSummary GroupCoordinator::DescribeGroup(const std::string& raw_group_id,
                                             GroupError* error) const {
  const std::string group_id = ToValidUtf8(raw_group_id);
  absl::MutexLock lock(&mu_);
  *error = CheckStatus(group_id, /*require_non_empty_id=*/false);
  GroupSummary dead;
  dead.group_id = raw_group_id;
  dead.state = GroupState::kDead;
  if (*error != GroupError::kNone) return dead;
  const Group* group = Find(group_id);
  if (group == nullptr) return dead;
  return group->Describe();
}

std::vector<GroupOverview> GroupCoordinator::ListGroups(GroupError* error) const {
  absl::MutexLock lock(&mu_);
  *error = CheckStatus("-", /*require_non_empty_id=*/false);
  std::vector<GroupOverview> out;
  if (*error != GroupError::kNone) return out;
  for (const auto& [group_id, group] : groups_) {
    if (group->state() != GroupState::kDead) out.push_back(group->Overview());
  }
  return out;
}

void GroupCoordinator::DeleteGroups(const std::vector<std::string>& group_ids,
                                    std::function<void(std::vector<GroupError>)> done) {
  struct Pending {
    absl::Mutex mu;
    std::vector<GroupError> results ABSL_GUARDED_BY(mu);
    size_t remaining ABSL_GUARDED_BY(mu) = 0;
    std::function<void(std::vector<GroupError>)> done;
  };
  auto pending = std::make_shared<Pending>();
  pending->done = std::move(done);
  {
    absl::MutexLock plock(&pending->mu);
    pending->results.assign(group_ids.size(), GroupError::kNone);
    pending->remaining = group_ids.size() + 1;  // +1 until every id was looked at.
  }
  auto settle = [pending](size_t index, GroupError error) {
    std::vector<GroupError> results;
    {
      absl::MutexLock plock(&pending->mu);
      if (index < pending->results.size()) pending->results[index] = error;
      if (--pending->remaining > 0) return;
      results = std::move(pending->results);
    }
    pending->done(std::move(results));
  };
  After after;
  {
    absl::MutexLock lock(&mu_);
    for (size_t i = 0; i < group_ids.size(); ++i) {
      const std::string group_id = ToValidUtf8(group_ids[i]);
      GroupError error = CheckStatus(group_id, /*require_non_empty_id=*/false);
      Group* group = error == GroupError::kNone ? Find(group_id) : nullptr;
      if (error == GroupError::kNone && group == nullptr) error = GroupError::kGroupIdNotFound;
      if (error == GroupError::kNone) {
        RequestId id = next_request_++;
        delete_waiters_.emplace(id, [settle, i](GroupError e) { settle(i, e); });
        Effects effects;
        error = group->Delete(id, clock_(), &effects);
        if (error != GroupError::kNone) delete_waiters_.erase(id);
        Process(*group, effects, &after);
      }
      if (error != GroupError::kNone) after.push_back([settle, i, error] { settle(i, error); });
    }
    after.push_back([settle] { settle(std::numeric_limits<size_t>::max(), GroupError::kNone); });
    MaybeWake(&after);
  }
  Run(after);
}

void GroupCoordinator::DeleteOffsets(
    const std::string& raw_group_id, std::vector<TopicPartition> partitions,
    std::function<void(GroupError, std::vector<GroupError>)> done) {
  const std::string group_id = ToValidUtf8(raw_group_id);
  After after;
  {
    absl::MutexLock lock(&mu_);
    GroupError error = CheckStatus(group_id, /*require_non_empty_id=*/true);
    Group* group = error == GroupError::kNone ? Find(group_id) : nullptr;
    if (error == GroupError::kNone && group == nullptr) error = GroupError::kGroupIdNotFound;
    if (error == GroupError::kNone) {
      RequestId id = next_request_++;
      offset_delete_waiters_.emplace(id, [done](std::vector<GroupError> errors) {
        done(GroupError::kNone, std::move(errors));
      });
      Effects effects;
      error = group->DeleteOffsets(id, partitions, clock_(), &effects);
      if (error != GroupError::kNone) offset_delete_waiters_.erase(id);
      Process(*group, effects, &after);
      MaybeWake(&after);
    }
    if (error != GroupError::kNone) after.push_back([done, error] { done(error, {}); });
  }
  Run(after);
}

void GroupCoordinator::ForgetTopic(const std::string& topic) {
  absl::MutexLock lock(&mu_);
  for (auto& [group_id, group] : groups_) group->ForgetTopic(topic);
}

std::vector<GroupOffsetsSnapshot> GroupCoordinator::SnapshotOffsets() const {
  absl::MutexLock lock(&mu_);
  std::vector<GroupOffsetsSnapshot> out;
  for (const auto& [group_id, group] : groups_) {
    if (group->offsets().empty()) continue;
    GroupOffsetsSnapshot snapshot;
    snapshot.group_id = group_id;
    for (const auto& [tp, committed] : group->offsets()) snapshot.offsets.push_back(committed);
    out.push_back(std::move(snapshot));
  }
  return out;
}

std::array<int64_t, std::size(kAllGroupStates)> GroupCoordinator::CountByState() const {
  absl::MutexLock lock(&mu_);
  std::array<int64_t, std::size(kAllGroupStates)> counts{};
  for (const auto& [group_id, group] : groups_) ++counts[static_cast<size_t>(group->state())];
  return counts;
}

int64_t GroupCoordinator::MemberCount() const {
  absl::MutexLock lock(&mu_);
  int64_t members = 0;
  for (const auto& [group_id, group] : groups_) {
    members += static_cast<int64_t>(group->member_count());
  }
  return members;
}

void GroupCoordinator::FlushWrites() { writes_.Flush(); }

}  // namespace sluice::group

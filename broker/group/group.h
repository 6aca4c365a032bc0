// File: broker/group/group.h
// One consumer group as a deterministic state machine: Kafka's classic group protocol
// (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) and the group's committed offsets.
//
// No I/O, no clock, no randomness: every call takes the current time and returns what it
// produced in an Effects (group_types.h): answers, durable writes to make, log lines. A
// request that cannot be answered yet (JoinGroup waiting for the rebalance, SyncGroup waiting
// for the leader, a commit waiting for its write) is answered by a later call, under the
// RequestId the caller gave it. Timers are deadlines: the caller asks NextDeadline() and calls
// OnTimer(now) once that time has come. Writes are reported back with OnWriteDone(token).
// DESIGN.md beside this file walks through the states and transitions.
//
// Member ids for new members are "<client id>-<suffix>" (Kafka: "<client id>-<UUID>"); the
// caller supplies the suffix with each JoinRequest so that the machine stays deterministic.
//
// Thread-safety: none; the caller serializes all calls (GroupCoordinator holds a lock).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "broker/group/group_types.h"
#include "broker/metadata/metadata_types.h"

namespace sluice::group {

class Group {
 public:
  // A new, empty group that has never been stored.
  Group(std::string group_id, const GroupConfig& config, int64_t now_ms);

  // The group as the store last saw it: Stable with the record's members (each given a
  // full session to heartbeat again) if it has members, else Empty. `record` may be null
  // for a group that only has committed offsets.
  static Group Restore(const std::string& group_id, const GroupConfig& config,
                       const metadata::GroupRecord* record,
                       const std::vector<metadata::CommittedOffset>& offsets, int64_t now_ms);

  const std::string& id() const { return group_id_; }
  GroupState state() const { return state_; }
  int32_t generation() const { return generation_; }
  const std::optional<std::string>& protocol_type() const { return protocol_type_; }
  const std::optional<std::string>& protocol_name() const { return protocol_name_; }
  const std::optional<std::string>& leader() const { return leader_; }
  size_t member_count() const { return members_.size(); }
  size_t pending_member_count() const { return pending_members_.size(); }
  bool HasMember(const std::string& member_id) const { return members_.count(member_id) > 0; }

  // ---- Membership. Session-timeout bounds and group-id checks happen before (coordinator).

  // JoinGroup. `id_suffix` makes the member id of a member joining without one.
  void Join(RequestId id, const JoinRequest& request, const std::string& id_suffix, int64_t now_ms,
            Effects* out);
  // SyncGroup.
  void Sync(RequestId id, const SyncRequest& request, int64_t now_ms, Effects* out);
  // Heartbeat; answered at once.
  GroupError Heartbeat(const HeartbeatRequest& request, int64_t now_ms, Effects* out);
  // LeaveGroup for each identity in order; a group-level error (Dead group) leaves
  // `results` empty.
  GroupError Leave(const std::vector<MemberIdentity>& members, int64_t now_ms, Effects* out,
                   std::vector<LeaveResult>* results);

  // ---- Offsets.

  // OffsetCommit. Entries must name existing partitions (the caller answers the others with
  // UNKNOWN_TOPIC_OR_PARTITION). Answered in out->commits once the write is done, or at
  // once if nothing is written.
  void Commit(RequestId id, const CommitRequest& request, int64_t now_ms, Effects* out);
  // The committed offset of a partition, if any.
  const metadata::CommittedOffset* Committed(const TopicPartition& tp) const;
  // Every committed offset, by partition.
  const std::map<TopicPartition, metadata::CommittedOffset>& offsets() const { return offsets_; }
  // OffsetDelete. Returns a group-level error (and answers nothing later), or kNone and
  // answers in out->offset_deletes with one error per partition.
  GroupError DeleteOffsets(RequestId id, const std::vector<TopicPartition>& partitions,
                           int64_t now_ms, Effects* out);
  // DeleteGroups for this group. Returns an error, or kNone and answers in out->deletes once
  // the deletion is durable (then the group is Dead and Removable()).
  GroupError Delete(RequestId id, int64_t now_ms, Effects* out);
  // Drops offsets past retention (Kafka's rules, see DESIGN.md) and, if an empty group is
  // left with none, deletes the group. Asks for the writes that make this durable.
  void ExpireOffsets(int64_t now_ms, Effects* out);
  // Forgets offsets of a topic that no longer exists (the store already deleted them).
  void ForgetTopic(const std::string& topic);
  // True once the group is Dead with nothing in flight: the caller may drop it.
  bool Removable() const;

  // ---- Time and durability.

  // The earliest time OnTimer has work to do; nullopt if none.
  std::optional<int64_t> NextDeadline() const;
  // Runs every timer due at `now_ms`: initial and rebalance join deadlines, pending-sync
  // deadline, member session expiry, pending (KIP-394) member expiry.
  void OnTimer(int64_t now_ms, Effects* out);
  // Outcome of a Write this group asked for. Writes are applied in the order asked for.
  void OnWriteDone(uint64_t token, const absl::Status& status, int64_t now_ms, Effects* out);

  // ---- Reads.
  GroupSummary Describe() const;
  GroupOverview Overview() const;
  // The subscribed topics of a consumer group as of the current generation; nullopt when
  // unknown (not a consumer group, or a subscription that does not parse).
  const std::optional<std::set<std::string>>& subscribed_topics() const {
    return subscribed_topics_;
  }

 private:
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    int32_t rebalance_timeout_ms = 0;
    int32_t session_timeout_ms = 0;
    std::string protocol_type;
    std::vector<Protocol> protocols;
    std::string assignment;
    std::optional<RequestId> awaiting_join;
    std::optional<RequestId> awaiting_sync;
    bool is_new = false;
    std::optional<int64_t> heartbeat_deadline_ms;

    const std::string* MetadataFor(const std::string& protocol) const;
  };

  // What a Write was for, to finish the job in OnWriteDone.
  struct PendingWrite {
    enum class Kind {
      kSyncAssignment,
      kStaticRejoin,
      kEmptyGroup,
      kCommit,
      kOffsetDelete,
      kDeleteGroup,
      kExpiry
    };
    Kind kind;
    int32_t generation = 0;
    RequestId request = 0;
    // kSyncAssignment: assignment by member. kStaticRejoin: revert information.
    std::map<std::string, std::string> assignment;
    std::string old_member_id;
    std::string new_member_id;
    std::string instance_id;
    std::vector<Protocol> old_protocols;
    std::optional<std::string> leader_before;
    bool supports_skip_assignment = false;
    // kCommit / kOffsetDelete: errors to answer with; offsets to apply on success.
    std::vector<GroupError> errors;
    std::vector<metadata::CommittedOffset> offsets;
    std::vector<TopicPartition> deleted;
  };

  // Transitions and the steps of the protocol (names follow Kafka's GroupCoordinator).
  // Member ids are taken by value where the caller's string may live in a map the call
  // changes (static_members_).
  void TransitionTo(GroupState state, int64_t now_ms);
  bool SupportsProtocols(const std::string& protocol_type,
                         const std::vector<Protocol>& protocols) const;
  std::set<std::string> CandidateProtocols() const;
  std::string SelectProtocol() const;
  void AddMember(Member member, int64_t now_ms);
  void RemoveMember(std::string member_id);
  void UpdateMember(Member& member, const JoinRequest& request, std::optional<RequestId> join);
  void AddMemberAndRebalance(RequestId id, const JoinRequest& request, const std::string& member_id,
                             int64_t now_ms, Effects* out);
  void UpdateMemberAndRebalance(RequestId id, Member& member, const JoinRequest& request,
                                const std::string& reason, int64_t now_ms, Effects* out);
  void UpdateStaticMemberAndRebalance(RequestId id, const JoinRequest& request,
                                      const std::string& old_member_id,
                                      const std::string& new_member_id, int64_t now_ms,
                                      Effects* out);
  // Answers a join the group cannot take at all (dead group, protocols it does not
  // support) and returns true; false if the join may proceed.
  bool RefuseJoin(RequestId id, const JoinRequest& request, const std::string& member_id,
                  Effects* out);
  void JoinNewMember(RequestId id, const JoinRequest& request, const std::string& id_suffix,
                     int64_t now_ms, Effects* out);
  void JoinKnownMember(RequestId id, const JoinRequest& request, int64_t now_ms, Effects* out);
  void MaybePrepareRebalance(const std::string& reason, int64_t now_ms, Effects* out);
  void PrepareRebalance(const std::string& reason, int64_t now_ms, Effects* out);
  bool HasAllMembersJoined() const;
  void MaybeCompleteJoin(int64_t now_ms, Effects* out);
  void CompleteJoin(int64_t now_ms, Effects* out);
  bool MaybeElectNewJoinedLeader();
  JoinResponse CurrentJoinResponse(const Member& member, bool with_members) const;
  void RemoveMemberAndUpdateGroup(std::string member_id, const std::string& reason, int64_t now_ms,
                                  Effects* out);
  void RemovePendingMemberAndUpdateGroup(const std::string& member_id, int64_t now_ms,
                                         Effects* out);
  void ScheduleHeartbeat(Member& member, int64_t now_ms);
  bool HeartbeatSatisfied(const Member& member) const;
  void ResetAndPropagateAssignmentError(GroupError error, int64_t now_ms, Effects* out);
  void SetAndPropagateAssignment(const std::map<std::string, std::string>& assignment,
                                 int64_t now_ms, Effects* out);
  void CheckPendingSync();
  GroupError ValidateMember(const std::string& member_id,
                            const std::optional<std::string>& group_instance_id) const;
  metadata::GroupRecord ToRecord(const std::map<std::string, std::string>& assignment,
                                 int64_t now_ms) const;
  uint64_t AddWrite(std::vector<metadata::MetadataChange> changes, PendingWrite pending,
                    Effects* out);
  void StoreEmptyGroup(int64_t now_ms, Effects* out);
  std::optional<std::set<std::string>> ComputeSubscribedTopics() const;
  static int64_t RecordBytes(const metadata::GroupRecord& record);
  void Event(Effects* out, const std::string& text) const;

  // Offsets (group_offsets.cc).
  GroupError ValidateCommit(const CommitRequest& request) const;
  void FinishCommit(PendingWrite& pending, const absl::Status& status, Effects* out);
  void FinishOffsetDelete(PendingWrite& pending, const absl::Status& status, Effects* out);

  std::string group_id_;
  GroupConfig config_;
  GroupState state_ = GroupState::kEmpty;
  int64_t state_timestamp_ms_ = 0;
  // Whether the group was ever stored (has a GroupRecord): expired groups then need a delete.
  std::optional<std::string> protocol_type_;
  std::optional<std::string> protocol_name_;
  int32_t generation_ = 0;
  std::optional<std::string> leader_;
  std::map<std::string, Member> members_;
  std::map<std::string, int64_t> pending_members_;     // KIP-394: member id -> expiry.
  std::map<std::string, std::string> static_members_;  // instance id -> member id.
  std::set<std::string> pending_sync_members_;
  std::optional<std::set<std::string>> subscribed_topics_;

  // The join phase of a rebalance: when it ends at the latest and, during the initial
  // delay of an empty group, how much more it may be extended (Kafka's InitialDelayedJoin).
  std::optional<int64_t> join_deadline_ms_;
  bool initial_delay_ = false;
  int64_t initial_delay_current_ms_ = 0;
  int64_t initial_delay_remaining_ms_ = 0;
  bool new_member_added_ = false;
  std::optional<int64_t> sync_deadline_ms_;

  std::map<TopicPartition, metadata::CommittedOffset> offsets_;
  std::map<TopicPartition, int> pending_commits_;  // Partitions with commits in flight.
  uint64_t next_token_ = 1;
  std::map<uint64_t, PendingWrite> pending_writes_;
};

}  // namespace sluice::group

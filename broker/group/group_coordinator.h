// File: broker/group/group_coordinator.h
// The broker's group coordinator: every consumer group of this broker, each a Group state
// machine (group.h), behind one lock, with their durable writes, timers and start-up load.
//
// What it adds around the state machines:
//  - Group-level checks that come before a group is touched, as Kafka's GroupCoordinator
//    does them: group id (INVALID_GROUP_ID), coordinator loading (COORDINATOR_LOAD_IN_PROGRESS)
//    or unavailable, session timeout bounds (INVALID_SESSION_TIMEOUT), group creation rules.
//  - Callbacks: a request that waits (JoinGroup, SyncGroup, commits, deletes) is given a
//    RequestId, and its callback runs when the state machine answers, outside the lock.
//  - Durability: writes asked for by the state machines go, in order, to a WriteQueue
//    (group commit into the metadata store); their outcome is fed back to the group.
//  - Time: `clock` gives wall-clock milliseconds (timestamps are persisted). The coordinator
//    never sleeps: the server calls Tick() at the time NextDeadline() names, and is told
//    through the wake-up callback whenever that time moves earlier. Tick() also runs the
//    periodic offset retention sweep (offsets.retention.check.interval.ms).
//  - Member ids: "<client id or instance id>-<random UUID>", like Kafka's.
//  - Strings from clients are made valid UTF-8 (invalid bytes become U+FFFD) on the way in,
//    which is what a Java broker's string decoding does; the store keeps only UTF-8.
//
// Thread-safety: every public method may be called from any thread. Callbacks run on the
// calling thread or on the write thread, never with the lock held, and must not block.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "broker/group/group.h"
#include "broker/group/group_types.h"
#include "broker/group/write_queue.h"
#include "broker/metadata/metadata_store.h"

namespace sluice::group {

struct FetchedOffset {
  TopicPartition partition;
  int64_t offset = -1;  // -1: nothing committed.
  int32_t leader_epoch = -1;
  std::string metadata;
};

struct LeaveOutcome {
  GroupError error = GroupError::kNone;  // Group-level; `members` is empty when set.
  std::vector<LeaveResult> members;
};

// Committed offsets of one group, for lag metrics.
struct GroupOffsetsSnapshot {
  std::string group_id;
  std::vector<metadata::CommittedOffset> offsets;
};

class GroupCoordinator {
 public:
  using Clock = std::function<int64_t()>;
  using Wakeup = std::function<void(int64_t deadline_ms)>;

  // `store` must outlive the coordinator. Until Load() succeeds, group requests get
  // COORDINATOR_LOAD_IN_PROGRESS.
  GroupCoordinator(metadata::MetadataStore& store, const GroupConfig& config, Clock clock);
  // Stop().
  ~GroupCoordinator();

  // Reads every group and committed offset from the store. On failure (unreadable data),
  // group requests get COORDINATOR_NOT_AVAILABLE from then on.
  absl::Status Load();
  // Finishes queued writes and stops taking new ones (callbacks of requests still waiting
  // are dropped). Call before the store is closed. Idempotent.
  void Stop();

  // `wakeup` is called (outside the lock) with a deadline whenever NextDeadline() may have
  // moved earlier. Set once, before serving.
  void SetWakeup(Wakeup wakeup);
  // Runs everything due now; returns the next deadline.
  std::optional<int64_t> Tick();
  std::optional<int64_t> NextDeadline() const;

  // ---- The group APIs. Results mirror the Kafka responses; see group_types.h.
  void JoinGroup(const std::string& group_id, JoinRequest request,
                 std::function<void(JoinResponse)> done);
  void SyncGroup(const std::string& group_id, SyncRequest request,
                 std::function<void(SyncResponse)> done);
  GroupError Heartbeat(const std::string& group_id, HeartbeatRequest request);
  LeaveOutcome LeaveGroup(const std::string& group_id, std::vector<MemberIdentity> members);
  // REQUIRES: every entry names an existing partition (callers answer the others with
  // UNKNOWN_TOPIC_OR_PARTITION, as Kafka does before the coordinator). `done` gets one
  // error per entry.
  void CommitOffsets(const std::string& group_id, CommitRequest request,
                     std::function<void(std::vector<GroupError>)> done);
  // Committed offsets of `partitions`, or of every partition with one if nullopt. A group
  // that does not exist has none (not an error). `error` is set for group-level failures.
  std::vector<FetchedOffset> FetchOffsets(
      const std::string& group_id, const std::optional<std::vector<TopicPartition>>& partitions,
      GroupError* error) const;
  // A group that does not exist is described as Dead with no error (DescribeGroups v0-5).
  GroupSummary DescribeGroup(const std::string& group_id, GroupError* error) const;
  std::vector<GroupOverview> ListGroups(GroupError* error) const;
  // One result per id, in order.
  void DeleteGroups(const std::vector<std::string>& group_ids,
                    std::function<void(std::vector<GroupError>)> done);
  // OffsetDelete: a group-level error, or one error per partition.
  // REQUIRES: partitions exist (as for CommitOffsets).
  void DeleteOffsets(const std::string& group_id, std::vector<TopicPartition> partitions,
                     std::function<void(GroupError, std::vector<GroupError>)> done);
  // A topic was deleted (the store removed its offsets): forget them in memory too.
  void ForgetTopic(const std::string& topic);

  // ---- For metrics and tests.
  std::vector<GroupOffsetsSnapshot> SnapshotOffsets() const;
  std::array<int64_t, std::size(kAllGroupStates)> CountByState() const;
  int64_t MemberCount() const;
  // Waits until every write queued so far is applied and answered.
  void FlushWrites();

 private:
  enum class Status { kLoading, kActive, kFailed, kStopped };
  // Run after the lock is released: callbacks and log lines.
  using After = std::vector<std::function<void()>>;

  GroupError CheckStatus(const std::string& group_id, bool require_non_empty_id) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  Group* Find(const std::string& group_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  const Group* Find(const std::string& group_id) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  Group& Create(const std::string& group_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Routes a group's Effects: callbacks into `after`, writes to the queue; updates the
  // deadline index and drops the group once it is removable.
  void Process(Group& group, Effects& effects, After* after) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void OnWriteDone(const std::string& group_id, uint64_t token, const absl::Status& status);
  std::string NewMemberIdSuffix() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int64_t EarliestDeadline() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Queues a wake-up call if the earliest deadline moved before the last one announced.
  void MaybeWake(After* after) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static void Run(After& after);

  metadata::MetadataStore& store_;
  const GroupConfig config_;
  const Clock clock_;
  WriteQueue writes_;
  Wakeup wakeup_;  // Set before serving, then read-only.

  mutable absl::Mutex mu_;
  Status status_ ABSL_GUARDED_BY(mu_) = Status::kLoading;
  std::map<std::string, std::unique_ptr<Group>> groups_ ABSL_GUARDED_BY(mu_);
  // Deadline index: (deadline, group id), and each group's entry in it.
  std::set<std::pair<int64_t, std::string>> deadlines_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> group_deadline_ ABSL_GUARDED_BY(mu_);
  int64_t next_expiry_check_ms_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t announced_deadline_ms_ ABSL_GUARDED_BY(mu_) = std::numeric_limits<int64_t>::max();
  RequestId next_request_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<RequestId, std::function<void(JoinResponse)>> join_waiters_ ABSL_GUARDED_BY(mu_);
  std::map<RequestId, std::function<void(SyncResponse)>> sync_waiters_ ABSL_GUARDED_BY(mu_);
  std::map<RequestId, std::function<void(std::vector<GroupError>)>> commit_waiters_
      ABSL_GUARDED_BY(mu_);
  std::map<RequestId, std::function<void(std::vector<GroupError>)>> offset_delete_waiters_
      ABSL_GUARDED_BY(mu_);
  std::map<RequestId, std::function<void(GroupError)>> delete_waiters_ ABSL_GUARDED_BY(mu_);
  std::mt19937_64 random_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::group

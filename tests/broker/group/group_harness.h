// File: tests/broker/group/group_harness.h
// Drives one Group state machine with a fake clock: collects its answers by request id and
// applies the writes it asks for to an in-memory metadata store (so every record it writes
// also passes the store's validation), reporting the outcome back as the coordinator would.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "broker/group/group.h"
#include "broker/metadata/metadata_store.h"
#include "gtest/gtest.h"
#include "tests/mocks/in_memory_metadata_store.h"

namespace sluice::group::testing {

// ConsumerProtocol subscription, version 0: topics and null user data.
inline std::string Subscription(const std::vector<std::string>& topics) {
  std::string out;
  auto put16 = [&out](int v) {
    out.push_back(static_cast<char>((v >> 8) & 0xff));
    out.push_back(static_cast<char>(v & 0xff));
  };
  auto put32 = [&out](int64_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((v >> shift) & 0xff));
  };
  put16(0);
  put32(static_cast<int64_t>(topics.size()));
  for (const std::string& t : topics) {
    put16(static_cast<int>(t.size()));
    out += t;
  }
  put32(-1);
  return out;
}

inline JoinRequest Join(const std::string& client, std::string member_id = "",
                        std::vector<Protocol> protocols = {{"range", Subscription({"orders"})}}) {
  JoinRequest request;
  request.member_id = std::move(member_id);
  request.client_id = client;
  request.client_host = "/127.0.0.1";
  request.session_timeout_ms = 10000;
  request.rebalance_timeout_ms = 60000;
  request.protocol_type = "consumer";
  request.protocols = std::move(protocols);
  request.require_known_member_id = false;
  return request;
}

class GroupHarness {
 public:
  explicit GroupHarness(GroupConfig config = {}, std::string group_id = "g")
      : config_(config), group_(std::make_unique<Group>(group_id, config, now_)) {
    auto store = fakes::NewInMemoryMetadataStore();
    EXPECT_TRUE(store.ok());
    store_ = std::move(*store);
    metadata::CreateTopic topic;
    topic.topic.name = "orders";
    topic.topic.topic_id = metadata::TopicId::Random();
    topic.topic.partition_count = 4;
    topic.partitions = metadata::SingleBrokerPartitions(0, 4, 0);
    metadata::CreateTopic other = topic;
    other.topic.name = "audit";
    other.topic.topic_id = metadata::TopicId::Random();
    EXPECT_TRUE(store_->Apply({topic, other}).ok());
  }

  Group& group() { return *group_; }
  int64_t now() const { return now_; }
  metadata::MetadataStore& store() { return *store_; }
  const GroupConfig& config() const { return config_; }

  // Replaces the machine with one restored from what the store holds (a restart).
  void Restart() {
    auto record = store_->GetGroup(group_->id());
    auto offsets = store_->GetCommittedOffsets(group_->id());
    EXPECT_TRUE(offsets.ok());
    group_ = std::make_unique<Group>(
        Group::Restore(group_->id(), config_, record.ok() ? &*record : nullptr, *offsets, now_));
    writes_.clear();
  }

  RequestId Join(const JoinRequest& request) {
    RequestId id = next_id_++;
    Effects effects;
    group_->Join(id, request, "uuid" + std::to_string(id), now_, &effects);
    Absorb(effects);
    return id;
  }
  RequestId Sync(const SyncRequest& request) {
    RequestId id = next_id_++;
    Effects effects;
    group_->Sync(id, request, now_, &effects);
    Absorb(effects);
    return id;
  }
  GroupError Heartbeat(const std::string& member_id, int32_t generation,
                       std::optional<std::string> instance = std::nullopt) {
    Effects effects;
    GroupError error =
        group_->Heartbeat({member_id, std::move(instance), generation}, now_, &effects);
    Absorb(effects);
    return error;
  }
  std::vector<LeaveResult> Leave(std::vector<MemberIdentity> members, GroupError* error = nullptr) {
    Effects effects;
    std::vector<LeaveResult> results;
    GroupError e = group_->Leave(members, now_, &effects, &results);
    if (error != nullptr) *error = e;
    Absorb(effects);
    return results;
  }
  RequestId Commit(const CommitRequest& request) {
    RequestId id = next_id_++;
    Effects effects;
    group_->Commit(id, request, now_, &effects);
    Absorb(effects);
    return id;
  }
  RequestId DeleteOffsets(const std::vector<TopicPartition>& partitions, GroupError* error) {
    RequestId id = next_id_++;
    Effects effects;
    *error = group_->DeleteOffsets(id, partitions, now_, &effects);
    Absorb(effects);
    return id;
  }
  RequestId Delete(GroupError* error) {
    RequestId id = next_id_++;
    Effects effects;
    *error = group_->Delete(id, now_, &effects);
    Absorb(effects);
    return id;
  }
  void Expire() {
    Effects effects;
    group_->ExpireOffsets(now_, &effects);
    Absorb(effects);
  }

  // Moves the clock and runs what is due (as the coordinator does at NextDeadline()).
  void Advance(int64_t ms) {
    int64_t target = now_ + ms;
    // Step through every deadline on the way, in order (bounded).
    for (int i = 0; i < 10000; ++i) {
      std::optional<int64_t> next = group_->NextDeadline();
      if (!next.has_value() || *next > target) break;
      now_ = std::max(now_, *next);
      Effects effects;
      group_->OnTimer(now_, &effects);
      Absorb(effects);
    }
    now_ = target;
  }

  // Applies every queued write to the store (or fails it with `forced`), in order, and
  // reports each outcome; repeats for writes those outcomes cause (bounded).
  void CompleteWrites(absl::Status forced = absl::OkStatus()) {
    for (int i = 0; i < 1000 && !writes_.empty(); ++i) {
      Write write = std::move(writes_.front());
      writes_.pop_front();
      absl::Status status = forced.ok() ? store_->Apply(write.changes) : forced;
      EXPECT_TRUE(!forced.ok() || status.ok()) << status;
      Effects effects;
      group_->OnWriteDone(write.token, status, now_, &effects);
      Absorb(effects);
    }
  }
  size_t pending_writes() const { return writes_.size(); }
  const std::deque<Write>& writes() const { return writes_; }

  bool Answered(RequestId id) const {
    return joins_.count(id) + syncs_.count(id) + commits_.count(id) + offset_deletes_.count(id) +
               deletes_.count(id) >
           0;
  }
  const JoinResponse& JoinAnswer(RequestId id) {
    EXPECT_EQ(joins_.count(id), 1u) << "no JoinGroup answer for request " << id;
    return joins_[id];
  }
  const SyncResponse& SyncAnswer(RequestId id) {
    EXPECT_EQ(syncs_.count(id), 1u) << "no SyncGroup answer for request " << id;
    return syncs_[id];
  }
  const std::vector<GroupError>& CommitAnswer(RequestId id) {
    EXPECT_EQ(commits_.count(id), 1u) << "no commit answer for request " << id;
    return commits_[id];
  }
  const std::vector<GroupError>& OffsetDeleteAnswer(RequestId id) {
    EXPECT_EQ(offset_deletes_.count(id), 1u);
    return offset_deletes_[id];
  }
  GroupError DeleteAnswer(RequestId id) {
    EXPECT_EQ(deletes_.count(id), 1u);
    return deletes_[id];
  }
  // How many answers the request got (must never exceed 1).
  int Answers(RequestId id) const { return answer_count_.count(id) ? answer_count_.at(id) : 0; }
  const std::vector<std::string>& events() const { return events_; }

  // Joins `clients` (v4 style: MEMBER_ID_REQUIRED first), waits out the initial delay and
  // returns their member ids; the group is then CompletingRebalance at generation 1.
  std::vector<std::string> FormGroup(const std::vector<std::string>& clients,
                                     const std::vector<Protocol>& protocols = {
                                         {"range", Subscription({"orders"})}}) {
    std::vector<std::string> ids;
    std::vector<RequestId> joins;
    for (const std::string& client : clients) {
      JoinRequest first = testing::Join(client, "", protocols);
      first.require_known_member_id = true;
      std::string id = JoinAnswer(Join(first)).member_id;
      ids.push_back(id);
      JoinRequest again = testing::Join(client, id, protocols);
      again.require_known_member_id = true;
      joins.push_back(Join(again));
    }
    Advance(config_.initial_rebalance_delay_ms * (static_cast<int64_t>(clients.size()) + 1));
    for (RequestId j : joins) EXPECT_EQ(JoinAnswer(j).error, GroupError::kNone);
    return ids;
  }

  // FormGroup, then every member syncs (the first member id is the leader) and the
  // assignment is stored: the group is Stable at generation 1.
  std::vector<std::string> StableGroup(const std::vector<std::string>& clients) {
    std::vector<std::string> ids = FormGroup(clients);
    std::string leader = *group_->leader();
    std::vector<std::pair<std::string, std::string>> assignment;
    for (const std::string& id : ids) assignment.emplace_back(id, "assigned:" + id);
    std::vector<RequestId> syncs;
    for (const std::string& id : ids) {
      if (id == leader) continue;
      syncs.push_back(
          Sync({id, std::nullopt, group_->generation(), std::nullopt, std::nullopt, {}}));
    }
    syncs.push_back(
        Sync({leader, std::nullopt, group_->generation(), std::nullopt, std::nullopt, assignment}));
    CompleteWrites();
    for (RequestId s : syncs) EXPECT_EQ(SyncAnswer(s).error, GroupError::kNone);
    return ids;
  }

 private:
  template <typename Map, typename Vec>
  void Move(Map& map, Vec& results) {
    for (auto& [id, result] : results) {
      ++answer_count_[id];
      map[id] = std::move(result);
    }
  }
  void Absorb(Effects& effects) {
    Move(joins_, effects.joins);
    Move(syncs_, effects.syncs);
    Move(commits_, effects.commits);
    Move(offset_deletes_, effects.offset_deletes);
    Move(deletes_, effects.deletes);
    for (Write& w : effects.writes) writes_.push_back(std::move(w));
    for (std::string& e : effects.events) events_.push_back(std::move(e));
  }

  GroupConfig config_;
  int64_t now_ = 1'700'000'000'000;
  std::unique_ptr<Group> group_;
  std::unique_ptr<metadata::MetadataStore> store_;
  RequestId next_id_ = 1;
  std::map<RequestId, JoinResponse> joins_;
  std::map<RequestId, SyncResponse> syncs_;
  std::map<RequestId, std::vector<GroupError>> commits_;
  std::map<RequestId, std::vector<GroupError>> offset_deletes_;
  std::map<RequestId, GroupError> deletes_;
  std::map<RequestId, int> answer_count_;
  std::deque<Write> writes_;
  std::vector<std::string> events_;
};

}  // namespace sluice::group::testing

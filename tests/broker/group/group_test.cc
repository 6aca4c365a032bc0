// File: tests/broker/group/group_test.cc
// The membership half of the group state machine, driven with a fake clock: every state
// transition of the classic protocol and the error code Kafka gives in each case.
#include "broker/group/group.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/broker/group/group_harness.h"

namespace sluice::group {
namespace {

using ::testing::ElementsAre;
using testing::GroupHarness;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::Subscription;

JoinRequest V4Join(const std::string& client, std::string member_id = "") {
  JoinRequest request = testing::Join(client, std::move(member_id));
  request.require_known_member_id = true;
  return request;
}

SyncRequest SyncOf(const std::string& member, int32_t generation,
                   std::vector<std::pair<std::string, std::string>> assignment = {}) {
  return SyncRequest{member,       std::nullopt, generation,
                     std::nullopt, std::nullopt, std::move(assignment)};
}

// ---- JoinGroup: first joins, member ids, the initial delay.

TEST(GroupJoinTest, FirstJoinFromV4GetsMemberIdRequiredAndAPendingId) {
  GroupHarness h;
  RequestId join = h.Join(V4Join("client-a"));
  const JoinResponse& answer = h.JoinAnswer(join);
  EXPECT_EQ(answer.error, GroupError::kMemberIdRequired);
  EXPECT_THAT(answer.member_id, StartsWith("client-a-"));
  EXPECT_EQ(answer.generation, -1);
  EXPECT_EQ(h.group().state(), GroupState::kEmpty);
  EXPECT_EQ(h.group().pending_member_count(), 1u);
  EXPECT_EQ(h.group().member_count(), 0u);
}

TEST(GroupJoinTest, PendingMemberThatNeverRejoinsExpiresAfterItsSessionTimeout) {
  GroupHarness h;
  h.Join(V4Join("client-a"));
  h.Advance(9999);
  EXPECT_EQ(h.group().pending_member_count(), 1u);
  h.Advance(1);
  EXPECT_EQ(h.group().pending_member_count(), 0u);
}

TEST(GroupJoinTest, RejoinWithTheIdWaitsForTheInitialDelayThenFormsGenerationOne) {
  GroupHarness h;
  std::string id = h.JoinAnswer(h.Join(V4Join("client-a"))).member_id;
  RequestId join = h.Join(V4Join("client-a", id));
  EXPECT_EQ(h.group().state(), GroupState::kPreparingRebalance);
  h.Advance(h.config().initial_rebalance_delay_ms - 1);
  EXPECT_FALSE(h.Answered(join)) << "the initial delay must hold the first generation back";
  h.Advance(1);
  const JoinResponse& answer = h.JoinAnswer(join);
  EXPECT_EQ(answer.error, GroupError::kNone);
  EXPECT_EQ(answer.generation, 1);
  EXPECT_EQ(answer.member_id, id);
  EXPECT_EQ(answer.leader, id);
  EXPECT_EQ(answer.protocol_type, "consumer");
  EXPECT_EQ(answer.protocol_name, "range");
  ASSERT_EQ(answer.members.size(), 1u);
  EXPECT_EQ(answer.members[0].metadata, Subscription({"orders"})) << "bytes passed through";
  EXPECT_EQ(h.group().state(), GroupState::kCompletingRebalance);
}

TEST(GroupJoinTest, InitialDelayIsExtendedWhileNewMembersKeepArriving) {
  GroupHarness h;
  const int64_t delay = h.config().initial_rebalance_delay_ms;
  RequestId a = h.Join(testing::Join("a"));
  h.Advance(delay - 1000);
  RequestId b = h.Join(testing::Join("b"));
  h.Advance(1000);  // First delay over, but b arrived during it: wait another delay.
  EXPECT_FALSE(h.Answered(a));
  h.Advance(delay);
  EXPECT_EQ(h.JoinAnswer(a).generation, 1);
  EXPECT_EQ(h.JoinAnswer(b).generation, 1);
  EXPECT_EQ(h.group().member_count(), 2u);
}

TEST(GroupJoinTest, OnlyTheLeaderGetsTheMemberList) {
  GroupHarness h;
  RequestId a = h.Join(testing::Join("a"));
  RequestId b = h.Join(testing::Join("b"));
  h.Advance(10000);
  const std::string leader = h.JoinAnswer(a).leader;
  EXPECT_EQ(h.JoinAnswer(b).leader, leader);
  const JoinResponse& leader_answer = h.JoinAnswer(h.JoinAnswer(a).member_id == leader ? a : b);
  const JoinResponse& follower_answer = h.JoinAnswer(h.JoinAnswer(a).member_id == leader ? b : a);
  EXPECT_EQ(leader_answer.members.size(), 2u);
  EXPECT_TRUE(follower_answer.members.empty());
}

TEST(GroupJoinTest, MemberIdNotInTheGroupIsUnknown) {
  GroupHarness h;
  h.StableGroup({"a"});
  EXPECT_EQ(h.JoinAnswer(h.Join(testing::Join("x", "x-stranger"))).error,
            GroupError::kUnknownMemberId);
}

// ---- Protocols.

TEST(GroupProtocolTest, FirstMemberNeedsAProtocolTypeAndAtLeastOneProtocol) {
  GroupHarness h;
  JoinRequest no_type = testing::Join("a");
  no_type.protocol_type = "";
  EXPECT_EQ(h.JoinAnswer(h.Join(no_type)).error, GroupError::kInconsistentGroupProtocol);
  EXPECT_EQ(h.JoinAnswer(h.Join(testing::Join("a", "", {}))).error,
            GroupError::kInconsistentGroupProtocol);
  EXPECT_EQ(h.group().member_count(), 0u);
}

TEST(GroupProtocolTest, JoinersMustShareTheTypeAndOneProtocolWithEveryMember) {
  GroupHarness h;
  h.StableGroup({"a"});
  JoinRequest other_type = testing::Join("b");
  other_type.protocol_type = "connect";
  EXPECT_EQ(h.JoinAnswer(h.Join(other_type)).error, GroupError::kInconsistentGroupProtocol);
  EXPECT_EQ(h.JoinAnswer(h.Join(testing::Join("b", "", {{"RoundRobinAssigner", "x"}}))).error,
            GroupError::kInconsistentGroupProtocol);
  EXPECT_EQ(h.group().state(), GroupState::kStable) << "refused joins change nothing";
}

TEST(GroupProtocolTest, TheProtocolWithTheMostFirstChoiceVotesAmongCommonOnesIsSelected) {
  GroupHarness h;
  h.Join(testing::Join("a", "", {{"roundrobin", "1"}, {"range", "2"}, {"sticky", "3"}}));
  h.Join(testing::Join("b", "", {{"sticky", "4"}, {"roundrobin", "5"}}));
  h.Join(testing::Join("c", "", {{"roundrobin", "6"}, {"sticky", "7"}}));
  h.Advance(7000);
  EXPECT_EQ(h.group().protocol_name(), "roundrobin");
}

// ---- SyncGroup.

TEST(GroupSyncTest, LeaderAssignmentIsStoredThenEveryMemberGetsItsOwnBytes) {
  GroupHarness h;
  std::vector<std::string> ids = h.FormGroup({"a", "b"});
  const std::string leader = *h.group().leader();
  const std::string follower = ids[0] == leader ? ids[1] : ids[0];
  RequestId follower_sync = h.Sync(SyncOf(follower, 1));
  EXPECT_FALSE(h.Answered(follower_sync)) << "followers wait for the leader";
  RequestId leader_sync =
      h.Sync(SyncOf(leader, 1, {{leader, std::string("\x00L", 2)}, {follower, "F"}}));
  EXPECT_FALSE(h.Answered(leader_sync)) << "answered only once the assignment is durable";
  ASSERT_EQ(h.pending_writes(), 1u);
  h.CompleteWrites();
  EXPECT_EQ(h.SyncAnswer(leader_sync).assignment, std::string("\x00L", 2));
  EXPECT_EQ(h.SyncAnswer(follower_sync).assignment, "F");
  EXPECT_EQ(h.SyncAnswer(follower_sync).protocol_name, "range");
  EXPECT_EQ(h.group().state(), GroupState::kStable);

  absl::StatusOr<metadata::GroupRecord> stored = h.store().GetGroup("g");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->generation, 1);
  EXPECT_EQ(stored->protocol, "range");
  EXPECT_EQ(stored->leader, leader);
  ASSERT_EQ(stored->members.size(), 2u);
  for (const auto& m : stored->members) {
    EXPECT_EQ(m.assignment, m.member_id == leader ? std::string("\x00L", 2) : "F");
    EXPECT_EQ(m.subscription, Subscription({"orders"}));
  }
}

TEST(GroupSyncTest, MembersMissingFromTheAssignmentGetEmptyBytes) {
  GroupHarness h;
  std::vector<std::string> ids = h.FormGroup({"a", "b"});
  const std::string leader = *h.group().leader();
  const std::string follower = ids[0] == leader ? ids[1] : ids[0];
  RequestId leader_sync = h.Sync(SyncOf(leader, 1, {{leader, "L"}, {"not-a-member", "X"}}));
  h.CompleteWrites();
  EXPECT_EQ(h.SyncAnswer(leader_sync).assignment, "L");
  EXPECT_EQ(h.SyncAnswer(h.Sync(SyncOf(follower, 1))).assignment, "");
}

TEST(GroupSyncTest, ErrorsFollowKafkasOrderOfChecks) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a"});
  EXPECT_EQ(h.SyncAnswer(h.Sync(SyncOf("nobody", 1))).error, GroupError::kUnknownMemberId);
  EXPECT_EQ(h.SyncAnswer(h.Sync(SyncOf(ids[0], 0))).error, GroupError::kIllegalGeneration);
  SyncRequest wrong_name = SyncOf(ids[0], 1);
  wrong_name.protocol_name = "roundrobin";
  EXPECT_EQ(h.SyncAnswer(h.Sync(wrong_name)).error, GroupError::kInconsistentGroupProtocol);
  SyncRequest wrong_type = SyncOf(ids[0], 1);
  wrong_type.protocol_type = "connect";
  EXPECT_EQ(h.SyncAnswer(h.Sync(wrong_type)).error, GroupError::kInconsistentGroupProtocol);
  SyncRequest right = SyncOf(ids[0], 1);
  right.protocol_type = "consumer";
  right.protocol_name = "range";
  EXPECT_EQ(h.SyncAnswer(h.Sync(right)).assignment, "assigned:" + ids[0]);

  h.Join(testing::Join("b"));  // New member: rebalance.
  EXPECT_EQ(h.SyncAnswer(h.Sync(SyncOf(ids[0], 1))).error, GroupError::kRebalanceInProgress);
}

TEST(GroupSyncTest, FailedAssignmentWriteFailsTheSyncsAndStartsARebalance) {
  GroupHarness h;
  std::vector<std::string> ids = h.FormGroup({"a"});
  RequestId sync = h.Sync(SyncOf(ids[0], 1, {{ids[0], "L"}}));
  h.CompleteWrites(absl::InternalError("disk on fire"));
  EXPECT_EQ(h.SyncAnswer(sync).error, GroupError::kNotCoordinator);
  EXPECT_EQ(h.group().state(), GroupState::kPreparingRebalance);
}

TEST(GroupSyncTest, OversizedGroupRecordFailsWithUnknownServerError) {
  GroupConfig config;
  config.max_group_record_bytes = 1000;
  GroupHarness h(config);
  std::vector<std::string> ids = h.FormGroup({"a"});
  RequestId sync = h.Sync(SyncOf(ids[0], 1, {{ids[0], std::string(2000, 'x')}}));
  EXPECT_EQ(h.SyncAnswer(sync).error, GroupError::kUnknownServerError);
  EXPECT_EQ(h.pending_writes(), 0u);
  EXPECT_EQ(h.group().state(), GroupState::kPreparingRebalance);
}

TEST(GroupSyncTest, MembersThatNeverSyncAreRemovedAfterTheRebalanceTimeout) {
  GroupHarness h;
  std::vector<std::string> ids = h.FormGroup({"a", "b"});
  const std::string leader = *h.group().leader();
  const std::string follower = ids[0] == leader ? ids[1] : ids[0];
  h.Sync(SyncOf(leader, 1, {{leader, "L"}, {follower, "F"}}));
  h.CompleteWrites();
  ASSERT_EQ(h.group().state(), GroupState::kStable);
  // Both keep their sessions alive, but the follower never sends SyncGroup.
  for (int i = 0; i < 11; ++i) {
    h.Advance(5000);
    EXPECT_EQ(h.Heartbeat(leader, 1), GroupError::kNone);
    EXPECT_EQ(h.Heartbeat(follower, 1), GroupError::kNone);
  }
  EXPECT_TRUE(h.group().HasMember(follower));
  h.Advance(5000);  // 60 s (the rebalance timeout) since the join completed.
  EXPECT_FALSE(h.group().HasMember(follower));
  EXPECT_EQ(h.group().state(), GroupState::kPreparingRebalance);
  EXPECT_EQ(h.Heartbeat(leader, 1), GroupError::kRebalanceInProgress);
}

TEST(GroupSyncTest, ASecondSyncFromTheSameMemberSupersedesTheFirst) {
  GroupHarness h;
  std::vector<std::string> ids = h.FormGroup({"a", "b"});
  const std::string leader = *h.group().leader();
  const std::string follower = ids[0] == leader ? ids[1] : ids[0];
  RequestId first = h.Sync(SyncOf(follower, 1));
  RequestId second = h.Sync(SyncOf(follower, 1));
  EXPECT_EQ(h.SyncAnswer(first).error, GroupError::kRebalanceInProgress);
  h.Sync(SyncOf(leader, 1, {{follower, "F"}}));
  h.CompleteWrites();
  EXPECT_EQ(h.SyncAnswer(second).assignment, "F");
  EXPECT_EQ(h.Answers(first), 1);
}

// ---- Heartbeats and sessions.

TEST(GroupHeartbeatTest, AnswersDependOnMemberGenerationAndState) {
  GroupHarness h;
  std::vector<std::string> ids = h.FormGroup({"a"});
  EXPECT_EQ(h.Heartbeat(ids[0], 1), GroupError::kNone) << "CompletingRebalance";
  EXPECT_EQ(h.Heartbeat("nobody", 1), GroupError::kUnknownMemberId);
  EXPECT_EQ(h.Heartbeat(ids[0], 7), GroupError::kIllegalGeneration);
  h.Sync(SyncOf(ids[0], 1, {{ids[0], "x"}}));
  h.CompleteWrites();
  EXPECT_EQ(h.Heartbeat(ids[0], 1), GroupError::kNone) << "Stable";
  h.Join(testing::Join("b"));
  EXPECT_EQ(h.Heartbeat(ids[0], 1), GroupError::kRebalanceInProgress);
}

TEST(GroupHeartbeatTest, SilentMemberIsRemovedAfterSessionTimeoutAndTheRestRebalance) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a", "b"});
  for (int i = 0; i < 2; ++i) {
    h.Advance(4000);
    EXPECT_EQ(h.Heartbeat(ids[1], 1), GroupError::kNone);
  }
  EXPECT_TRUE(h.group().HasMember(ids[0]));
  h.Advance(2000);  // 10 s without a heartbeat from a.
  EXPECT_FALSE(h.group().HasMember(ids[0])) << "a never heartbeat: 10 s session";
  EXPECT_EQ(h.group().state(), GroupState::kPreparingRebalance);
  EXPECT_EQ(h.Heartbeat(ids[1], 1), GroupError::kRebalanceInProgress);
  RequestId rejoin = h.Join(testing::Join("b", ids[1]));
  const JoinResponse& answer = h.JoinAnswer(rejoin);  // All remaining members joined: at once.
  EXPECT_EQ(answer.generation, 2);
  EXPECT_EQ(answer.leader, ids[1]);
  EXPECT_EQ(answer.members.size(), 1u);
}

TEST(GroupHeartbeatTest, MemberWaitingInJoinIsNotExpiredBySessionTimeout) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a", "b"});
  RequestId a = h.Join(testing::Join("a", ids[0]));  // Waits for b, up to 60 s.
  for (int i = 0; i < 4; ++i) {
    h.Advance(5000);
    h.Heartbeat(ids[1], 1);
  }
  EXPECT_TRUE(h.group().HasMember(ids[0]));
  EXPECT_FALSE(h.Answered(a));
  h.Join(testing::Join("b", ids[1]));
  EXPECT_EQ(h.JoinAnswer(a).generation, 2);
}

TEST(GroupHeartbeatTest, NewMemberWaitingTooLongInItsFirstJoinIsDropped) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a"});
  JoinRequest slow = testing::Join("b");
  slow.rebalance_timeout_ms = 600000;  // The join phase may last 10 minutes ...
  RequestId b = h.Join(slow);
  for (int i = 0; i < 60; ++i) {  // ... while a stays alive without rejoining.
    h.Advance(5000);
    h.Heartbeat(ids[0], 1);
  }
  const JoinResponse& answer = h.JoinAnswer(b);  // 5 minutes: the new member is given up.
  EXPECT_EQ(answer.error, GroupError::kUnknownMemberId);
  EXPECT_EQ(h.group().member_count(), 1u);
}

TEST(GroupHeartbeatTest, RebalanceTimeoutDropsDynamicMembersThatDidNotRejoin) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a", "b"});
  const std::string leader = *h.group().leader();
  const std::string other = ids[0] == leader ? ids[1] : ids[0];
  RequestId rejoin = h.Join(testing::Join("x", leader));  // The leader rejoining rebalances.
  EXPECT_EQ(h.group().state(), GroupState::kPreparingRebalance);
  for (int i = 0; i < 12; ++i) {
    h.Advance(5000);
    h.Heartbeat(other, 1);  // Alive, but never rejoins.
  }
  EXPECT_EQ(h.JoinAnswer(rejoin).generation, 2);
  EXPECT_FALSE(h.group().HasMember(other));
  EXPECT_EQ(h.group().member_count(), 1u);
}

// ---- Leaving.

TEST(GroupLeaveTest, LeavingRebalancesAndTheLastLeaveEmptiesAndStoresTheGroup) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a", "b"});
  EXPECT_THAT(h.Leave({{ids[0], std::nullopt}}),
              ElementsAre(::testing::Field(&LeaveResult::error, GroupError::kNone)));
  EXPECT_EQ(h.group().state(), GroupState::kPreparingRebalance);
  h.Leave({{ids[1], std::nullopt}});
  EXPECT_EQ(h.group().state(), GroupState::kEmpty);
  EXPECT_EQ(h.group().generation(), 2);
  h.CompleteWrites();
  absl::StatusOr<metadata::GroupRecord> stored = h.store().GetGroup("g");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->generation, 2);
  EXPECT_TRUE(stored->members.empty());
  EXPECT_EQ(stored->protocol_type, "consumer");
}

TEST(GroupLeaveTest, BatchLeaveAnswersEachMember) {
  GroupHarness h;
  JoinRequest static_join = testing::Join("s");
  static_join.group_instance_id = "instance-1";
  h.Join(static_join);
  h.Join(testing::Join("d"));
  h.Join(testing::Join("e"));
  h.Advance(10000);
  std::string pending = h.JoinAnswer(h.Join(V4Join("p"))).member_id;
  std::string dynamic;
  for (const auto& s : h.group().Describe().members) {
    if (s.client_id == "d") dynamic = s.member_id;
  }
  GroupError error;
  std::vector<LeaveResult> results = h.Leave({{"", "instance-1"},
                                              {"", "no-such-instance"},
                                              {dynamic, std::nullopt},
                                              {pending, std::nullopt},
                                              {"ghost", std::nullopt},
                                              {dynamic, "instance-1"}},
                                             &error);
  EXPECT_EQ(error, GroupError::kNone);
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(results[0].error, GroupError::kNone);
  EXPECT_EQ(results[1].error, GroupError::kUnknownMemberId);
  EXPECT_EQ(results[2].error, GroupError::kNone);
  EXPECT_EQ(results[3].error, GroupError::kNone);
  EXPECT_EQ(results[4].error, GroupError::kUnknownMemberId);
  EXPECT_EQ(results[5].error, GroupError::kUnknownMemberId) << "instance gone by then";
  EXPECT_EQ(h.group().member_count(), 1u);
  EXPECT_EQ(h.group().pending_member_count(), 0u);
}

TEST(GroupLeaveTest, MemberLeavingWhileWaitingInJoinGetsUnknownMemberId) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a", "b"});
  RequestId join = h.Join(testing::Join("a", ids[0]));
  h.Leave({{ids[0], std::nullopt}});
  EXPECT_EQ(h.JoinAnswer(join).error, GroupError::kUnknownMemberId);
  EXPECT_EQ(h.JoinAnswer(join).member_id, "");
}

// ---- Rejoining members.

TEST(GroupRejoinTest, FollowerRejoiningAStableGroupWithSameMetadataGetsTheCurrentGeneration) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a", "b"});
  const std::string leader = *h.group().leader();
  const std::string follower = ids[0] == leader ? ids[1] : ids[0];
  const JoinResponse& answer = h.JoinAnswer(h.Join(testing::Join("x", follower)));
  EXPECT_EQ(answer.error, GroupError::kNone);
  EXPECT_EQ(answer.generation, 1);
  EXPECT_TRUE(answer.members.empty());
  EXPECT_EQ(h.group().state(), GroupState::kStable);
}

TEST(GroupRejoinTest, ChangedMetadataInAStableGroupStartsARebalance) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a", "b"});
  const std::string leader = *h.group().leader();
  const std::string follower = ids[0] == leader ? ids[1] : ids[0];
  h.Join(testing::Join("x", follower, {{"range", Subscription({"orders", "audit"})}}));
  EXPECT_EQ(h.group().state(), GroupState::kPreparingRebalance);
}

TEST(GroupRejoinTest, RetriedJoinDuringCompletingRebalanceGetsTheSameAnswerAgain) {
  GroupHarness h;
  std::vector<std::string> ids = h.FormGroup({"a", "b"});
  const std::string leader = *h.group().leader();
  const JoinResponse& again = h.JoinAnswer(h.Join(testing::Join("x", leader)));
  EXPECT_EQ(again.generation, 1);
  EXPECT_EQ(again.members.size(), 2u) << "the leader gets the member list again";
  EXPECT_EQ(h.group().state(), GroupState::kCompletingRebalance);
}

TEST(GroupRejoinTest, ASecondJoinFromTheSameMemberSupersedesTheFirst) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a", "b"});
  RequestId first = h.Join(testing::Join("a", ids[0]));
  RequestId second = h.Join(testing::Join("a", ids[0]));
  EXPECT_EQ(h.JoinAnswer(first).error, GroupError::kRebalanceInProgress);
  h.Join(testing::Join("b", ids[1]));
  EXPECT_EQ(h.JoinAnswer(second).generation, 2);
  EXPECT_EQ(h.Answers(first), 1);
}

// ---- Static membership (KIP-345).

class StaticMemberTest : public ::testing::Test {
 protected:
  JoinRequest StaticJoin(const std::string& instance, std::string member_id = "",
                         std::vector<Protocol> protocols = {{"range", Subscription({"orders"})}}) {
    JoinRequest request =
        testing::Join("client-" + instance, std::move(member_id), std::move(protocols));
    request.group_instance_id = instance;
    request.require_known_member_id = true;  // Ignored for static members.
    return request;
  }
  // Two static members i1 and i2, Stable at generation 1.
  void FormStable() {
    RequestId a = h_.Join(StaticJoin("i1"));
    RequestId b = h_.Join(StaticJoin("i2"));
    h_.Advance(10000);
    id1_ = h_.JoinAnswer(a).member_id;
    id2_ = h_.JoinAnswer(b).member_id;
    const std::string leader = *h_.group().leader();
    h_.Sync(SyncOf(leader, 1, {{id1_, "A1"}, {id2_, "A2"}}));
    h_.CompleteWrites();
    ASSERT_EQ(h_.group().state(), GroupState::kStable);
  }
  GroupHarness h_;
  std::string id1_, id2_;
};

TEST_F(StaticMemberTest, StaticMembersGetInstanceBasedIdsWithoutMemberIdRequired) {
  RequestId join = h_.Join(StaticJoin("i1"));
  h_.Advance(3000);
  EXPECT_EQ(h_.JoinAnswer(join).error, GroupError::kNone);
  EXPECT_THAT(h_.JoinAnswer(join).member_id, StartsWith("i1-"));
}

TEST_F(StaticMemberTest, KnownInstanceRejoiningWithSameMetadataTakesOverWithoutRebalance) {
  FormStable();
  RequestId rejoin = h_.Join(StaticJoin("i2"));
  EXPECT_EQ(h_.group().state(), GroupState::kStable);
  EXPECT_FALSE(h_.Answered(rejoin)) << "answered once the new member id is durable";
  h_.CompleteWrites();
  const JoinResponse& answer = h_.JoinAnswer(rejoin);
  EXPECT_EQ(answer.error, GroupError::kNone);
  EXPECT_EQ(answer.generation, 1);
  EXPECT_NE(answer.member_id, id2_);
  EXPECT_EQ(h_.group().state(), GroupState::kStable);
  EXPECT_EQ(h_.SyncAnswer(h_.Sync({answer.member_id, "i2", 1, std::nullopt, std::nullopt, {}}))
                .assignment,
            "A2")
      << "the assignment follows the instance";
  // The old id is fenced.
  EXPECT_EQ(h_.Heartbeat(id2_, 1, "i2"), GroupError::kFencedInstanceId);
  EXPECT_EQ(h_.Heartbeat(id2_, 1), GroupError::kUnknownMemberId);
  EXPECT_EQ(h_.JoinAnswer(h_.Join(StaticJoin("i2", id2_))).error, GroupError::kFencedInstanceId);
  absl::StatusOr<metadata::GroupRecord> stored = h_.store().GetGroup("g");
  ASSERT_TRUE(stored.ok());
  bool found = false;
  for (const auto& m : stored->members) found |= m.member_id == answer.member_id;
  EXPECT_TRUE(found) << "the new member id is stored";
}

TEST_F(StaticMemberTest, RejoiningStaticLeaderIsNamedLeaderOnlyWithSkipAssignment) {
  FormStable();
  const std::string leader = *h_.group().leader();
  const std::string instance = leader == id1_ ? "i1" : "i2";
  JoinRequest old_client = StaticJoin(instance);
  RequestId before_v9 = h_.Join(old_client);
  h_.CompleteWrites();
  EXPECT_EQ(h_.JoinAnswer(before_v9).leader, leader) << "the old leader id, not the new one";
  EXPECT_FALSE(h_.JoinAnswer(before_v9).skip_assignment);

  JoinRequest v9 = StaticJoin(instance);
  v9.supports_skip_assignment = true;
  RequestId with_skip = h_.Join(v9);
  h_.CompleteWrites();
  const JoinResponse& answer = h_.JoinAnswer(with_skip);
  EXPECT_EQ(answer.leader, answer.member_id);
  EXPECT_TRUE(answer.skip_assignment);
  EXPECT_EQ(answer.members.size(), 2u);
  EXPECT_EQ(h_.group().state(), GroupState::kStable);
}

TEST_F(StaticMemberTest, FailedWriteOfTheNewIdRestoresTheOldOne) {
  FormStable();
  RequestId rejoin = h_.Join(StaticJoin("i2"));
  h_.CompleteWrites(absl::InternalError("no space"));
  EXPECT_EQ(h_.JoinAnswer(rejoin).error, GroupError::kNotCoordinator);
  EXPECT_EQ(h_.JoinAnswer(rejoin).member_id, "");
  EXPECT_EQ(h_.Heartbeat(id2_, 1, "i2"), GroupError::kNone);
}

TEST_F(StaticMemberTest, RejoinThatChangesTheSelectedProtocolRebalances) {
  FormStable();
  h_.Join(StaticJoin("i2", "", {{"roundrobin", "x"}, {"range", Subscription({"orders"})}}));
  EXPECT_EQ(h_.group().state(), GroupState::kStable) << "range is still the only common one";
  h_.CompleteWrites();
  GroupHarness h;
  JoinRequest a = StaticJoin("i1", "", {{"range", "r"}, {"roundrobin", "x"}});
  JoinRequest b = StaticJoin("i2", "", {{"range", "r"}, {"roundrobin", "x"}});
  RequestId ja = h.Join(a);
  h.Join(b);
  h.Advance(10000);
  const std::string leader = *h.group().leader();
  h.Sync(SyncOf(leader, 1, {}));
  h.CompleteWrites();
  ASSERT_EQ(h.group().protocol_name(), "range");
  (void)ja;
  h.Join(StaticJoin("i2", "", {{"roundrobin", "x"}}));  // Only roundrobin is common now.
  EXPECT_EQ(h.group().state(), GroupState::kPreparingRebalance);
}

TEST_F(StaticMemberTest, StaticMemberThatDoesNotRejoinKeepsItsPlaceUntilItsSessionExpires) {
  FormStable();
  RequestId j1 = h_.Join(StaticJoin("i1", id1_));
  EXPECT_EQ(h_.group().state(), GroupState::kPreparingRebalance);
  for (int i = 0; i < 12; ++i) {  // i2 stays alive but does not rejoin within 60 s.
    h_.Advance(5000);
    EXPECT_EQ(h_.Heartbeat(id2_, 1, "i2"),
              i < 11 ? GroupError::kRebalanceInProgress : GroupError::kIllegalGeneration);
  }
  EXPECT_EQ(h_.JoinAnswer(j1).generation, 2);
  EXPECT_TRUE(h_.group().HasMember(id2_)) << "static members are not dropped at the deadline";
  h_.Advance(10000);  // ... but their session still runs out.
  EXPECT_FALSE(h_.group().HasMember(id2_));
}

TEST_F(StaticMemberTest, UnknownInstanceWithAMemberIdIsUnknownMember) {
  FormStable();
  EXPECT_EQ(h_.JoinAnswer(h_.Join(StaticJoin("i9", id1_))).error, GroupError::kUnknownMemberId);
}

// ---- Restart.

TEST(GroupRestoreTest, StoredStableGroupComesBackStableAndItsMembersKeepHeartbeating) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a", "b"});
  h.Restart();
  EXPECT_EQ(h.group().state(), GroupState::kStable);
  EXPECT_EQ(h.group().generation(), 1);
  EXPECT_EQ(h.Heartbeat(ids[0], 1), GroupError::kNone);
  EXPECT_EQ(h.SyncAnswer(h.Sync(SyncOf(ids[1], 1))).assignment, "assigned:" + ids[1]);
  GroupSummary summary = h.group().Describe();
  EXPECT_EQ(summary.protocol, "range");
  ASSERT_EQ(summary.members.size(), 2u);
  EXPECT_EQ(summary.members[0].metadata, Subscription({"orders"}));
  // Nobody heartbeats any more: both sessions run out and the group empties.
  h.Advance(10001);
  EXPECT_EQ(h.group().state(), GroupState::kEmpty);
}

TEST(GroupDescribeTest, OnlyAStableGroupShowsProtocolMetadataAndAssignments) {
  GroupHarness h;
  std::vector<std::string> ids = h.FormGroup({"a"});
  GroupSummary completing = h.group().Describe();
  EXPECT_EQ(completing.state, GroupState::kCompletingRebalance);
  EXPECT_EQ(completing.protocol, "");
  ASSERT_EQ(completing.members.size(), 1u);
  EXPECT_EQ(completing.members[0].metadata, "");
  EXPECT_EQ(completing.members[0].client_host, "/127.0.0.1");
  EXPECT_EQ(std::string(GroupStateName(GroupState::kCompletingRebalance)), "CompletingRebalance");
}

}  // namespace
}  // namespace sluice::group

// File: tests/broker/group/group_offsets_test.cc
// The offsets half of the group state machine: commits with their generation checks,
// OffsetDelete, DeleteGroups and retention, with the writes applied to an in-memory store.
#include <string>
#include <vector>

#include "broker/group/group.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/broker/group/group_harness.h"

namespace sluice::group {
namespace {

using ::testing::ElementsAre;
using testing::GroupHarness;
using testing::Subscription;

constexpr int64_t kDay = 24LL * 3600 * 1000;

CommitRequest CommitOf(std::string member, int32_t generation, std::vector<CommitEntry> entries) {
  CommitRequest request;
  request.member_id = std::move(member);
  request.generation = generation;
  request.entries = std::move(entries);
  return request;
}

CommitEntry Entry(int32_t partition, int64_t offset, std::string metadata = "") {
  return CommitEntry{"orders", partition, offset, 3, std::move(metadata)};
}

TEST(GroupCommitTest, MemberOfTheCurrentGenerationCommitsDurablyAndReadsBack) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a"});
  RequestId commit = h.Commit(CommitOf(ids[0], 1, {Entry(0, 42, "meta"), Entry(1, 7)}));
  EXPECT_FALSE(h.Answered(commit)) << "answered once durable";
  EXPECT_EQ(h.group().Committed({"orders", 0}), nullptr);
  h.CompleteWrites();
  EXPECT_THAT(h.CommitAnswer(commit), ElementsAre(GroupError::kNone, GroupError::kNone));
  const metadata::CommittedOffset* committed = h.group().Committed({"orders", 0});
  ASSERT_NE(committed, nullptr);
  EXPECT_EQ(committed->offset, 42);
  EXPECT_EQ(committed->leader_epoch, 3);
  EXPECT_EQ(committed->metadata, "meta");
  EXPECT_EQ(committed->commit_timestamp_ms, h.now());
  absl::StatusOr<std::vector<metadata::CommittedOffset>> stored =
      h.store().GetCommittedOffsets("g");
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 2u);
  EXPECT_EQ((*stored)[0], *committed);
}

TEST(GroupCommitTest, StaleOrForeignCommitsGetKafkasErrors) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a"});
  auto error_of = [&](CommitRequest request) {
    RequestId id = h.Commit(request);
    h.CompleteWrites();
    return h.CommitAnswer(id).at(0);
  };
  EXPECT_EQ(error_of(CommitOf(ids[0], 0, {Entry(0, 1)})), GroupError::kIllegalGeneration);
  EXPECT_EQ(error_of(CommitOf("stranger", 1, {Entry(0, 1)})), GroupError::kUnknownMemberId);
  EXPECT_EQ(error_of(CommitOf("", -1, {Entry(0, 1)})), GroupError::kUnknownMemberId)
      << "no member and generation: only an empty group takes it";
  CommitRequest fenced = CommitOf(ids[0], 1, {Entry(0, 1)});
  fenced.group_instance_id = "not-mine";
  EXPECT_EQ(error_of(fenced), GroupError::kUnknownMemberId);

  h.Join(testing::Join("b"));  // PreparingRebalance: commits still accepted.
  EXPECT_EQ(error_of(CommitOf(ids[0], 1, {Entry(0, 5)})), GroupError::kNone);
  h.Join(testing::Join("a", ids[0]));
  h.Advance(1);  // Everyone rejoined: generation 2, CompletingRebalance.
  ASSERT_EQ(h.group().state(), GroupState::kCompletingRebalance);
  EXPECT_EQ(error_of(CommitOf(ids[0], 2, {Entry(0, 6)})), GroupError::kRebalanceInProgress);
  EXPECT_EQ(h.group().Committed({"orders", 0})->offset, 5);
}

TEST(GroupCommitTest, EmptyGroupTakesCommitsWithoutMemberOrGeneration) {
  GroupHarness h;
  RequestId commit = h.Commit(CommitOf("", -1, {Entry(2, 9)}));
  h.CompleteWrites();
  EXPECT_THAT(h.CommitAnswer(commit), ElementsAre(GroupError::kNone));
  EXPECT_EQ(h.group().Committed({"orders", 2})->offset, 9);
  EXPECT_FALSE(h.group().protocol_type().has_value()) << "a simple group";
}

TEST(GroupCommitTest, OversizedMetadataFailsOnlyItsPartition) {
  GroupHarness h;
  RequestId commit = h.Commit(
      CommitOf("", -1, {Entry(0, 1, std::string(4097, 'm')), Entry(1, 2, std::string(4096, 'm'))}));
  h.CompleteWrites();
  EXPECT_THAT(h.CommitAnswer(commit),
              ElementsAre(GroupError::kOffsetMetadataTooLarge, GroupError::kNone));
  EXPECT_EQ(h.group().Committed({"orders", 0}), nullptr);
  EXPECT_EQ(h.group().Committed({"orders", 1})->metadata, std::string(4096, 'm'));
}

TEST(GroupCommitTest, FailedWriteFailsTheCommitAndKeepsTheOldOffset) {
  GroupHarness h;
  h.Commit(CommitOf("", -1, {Entry(0, 1)}));
  h.CompleteWrites();
  RequestId commit = h.Commit(CommitOf("", -1, {Entry(0, 2)}));
  h.CompleteWrites(absl::InternalError("io error"));
  EXPECT_THAT(h.CommitAnswer(commit), ElementsAre(GroupError::kNotCoordinator));
  EXPECT_EQ(h.group().Committed({"orders", 0})->offset, 1);
  RequestId gone = h.Commit(CommitOf("", -1, {Entry(0, 3)}));
  h.CompleteWrites(absl::NotFoundError("topic deleted meanwhile"));
  EXPECT_THAT(h.CommitAnswer(gone), ElementsAre(GroupError::kUnknownTopicOrPartition));
  RequestId refused = h.Commit(CommitOf("", -1, {Entry(0, 4)}));
  h.CompleteWrites(absl::InvalidArgumentError("record too large"));
  EXPECT_THAT(h.CommitAnswer(refused), ElementsAre(GroupError::kInvalidCommitOffsetSize));
}

TEST(GroupCommitTest, ACommitKeepsTheMembersSessionAlive) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a"});
  for (int i = 0; i < 5; ++i) {
    h.Advance(6000);
    h.Commit(CommitOf(ids[0], 1, {Entry(0, i)}));
    h.CompleteWrites();
  }
  EXPECT_TRUE(h.group().HasMember(ids[0]));
}

// ---- OffsetDelete and DeleteGroups.

TEST(GroupOffsetDeleteTest, EmptyGroupDeletesAnyPartition) {
  GroupHarness h;
  h.Commit(CommitOf("", -1, {Entry(0, 1), Entry(1, 2)}));
  h.CompleteWrites();
  GroupError error;
  RequestId del = h.DeleteOffsets({{"orders", 0}, {"orders", 3}}, &error);
  EXPECT_EQ(error, GroupError::kNone);
  h.CompleteWrites();
  EXPECT_THAT(h.OffsetDeleteAnswer(del), ElementsAre(GroupError::kNone, GroupError::kNone));
  EXPECT_EQ(h.group().Committed({"orders", 0}), nullptr);
  EXPECT_NE(h.group().Committed({"orders", 1}), nullptr);
  EXPECT_EQ(h.store().GetCommittedOffsets("g")->size(), 1u);
}

TEST(GroupOffsetDeleteTest, ActiveConsumerGroupKeepsOffsetsOfTopicsItSubscribesTo) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a"});  // Subscribed to "orders".
  h.Commit(CommitOf(ids[0], 1, {Entry(0, 1), CommitEntry{"audit", 0, 5, -1, ""}}));
  h.CompleteWrites();
  ASSERT_TRUE(h.group().subscribed_topics().has_value());
  GroupError error;
  RequestId del = h.DeleteOffsets({{"orders", 0}, {"audit", 0}}, &error);
  EXPECT_EQ(error, GroupError::kNone);
  h.CompleteWrites();
  EXPECT_THAT(h.OffsetDeleteAnswer(del),
              ElementsAre(GroupError::kGroupSubscribedToTopic, GroupError::kNone));
  EXPECT_NE(h.group().Committed({"orders", 0}), nullptr);
  EXPECT_EQ(h.group().Committed({"audit", 0}), nullptr);
}

TEST(GroupOffsetDeleteTest, ActiveGroupOfAnotherProtocolTypeIsNonEmpty) {
  GroupHarness h;
  JoinRequest connect = testing::Join("w");
  connect.protocol_type = "connect";
  h.Join(connect);
  h.Advance(3000);
  GroupError error;
  h.DeleteOffsets({{"orders", 0}}, &error);
  EXPECT_EQ(error, GroupError::kNonEmptyGroup);
}

TEST(GroupDeleteTest, OnlyAnEmptyGroupIsDeletedWithItsOffsets) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a"});
  h.Commit(CommitOf(ids[0], 1, {Entry(0, 1)}));
  h.CompleteWrites();
  GroupError error;
  h.Delete(&error);
  EXPECT_EQ(error, GroupError::kNonEmptyGroup);
  h.Leave({{ids[0], std::nullopt}});
  h.CompleteWrites();
  RequestId del = h.Delete(&error);
  EXPECT_EQ(error, GroupError::kNone);
  EXPECT_EQ(h.group().state(), GroupState::kDead);
  EXPECT_FALSE(h.group().Removable()) << "not before the deletion is durable";
  h.CompleteWrites();
  EXPECT_EQ(h.DeleteAnswer(del), GroupError::kNone);
  EXPECT_TRUE(h.group().Removable());
  EXPECT_EQ(h.store().GetGroup("g").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(h.store().GetCommittedOffsets("g")->empty());
  // A Dead group answers as Kafka's does until it is dropped.
  h.Delete(&error);
  EXPECT_EQ(error, GroupError::kGroupIdNotFound);
  EXPECT_EQ(h.JoinAnswer(h.Join(testing::Join("z"))).error, GroupError::kCoordinatorNotAvailable);
  EXPECT_EQ(h.Heartbeat(ids[0], 1), GroupError::kCoordinatorNotAvailable);
}

TEST(GroupDeleteTest, FailedDeletionLeavesTheGroupEmpty) {
  GroupHarness h;
  h.Commit(CommitOf("", -1, {Entry(0, 1)}));
  h.CompleteWrites();
  GroupError error;
  RequestId del = h.Delete(&error);
  h.CompleteWrites(absl::InternalError("io"));
  EXPECT_EQ(h.DeleteAnswer(del), GroupError::kNotCoordinator);
  EXPECT_EQ(h.group().state(), GroupState::kEmpty);
  EXPECT_NE(h.group().Committed({"orders", 0}), nullptr);
}

// ---- Retention (offsets.retention.minutes, KIP-211).

TEST(GroupRetentionTest, OffsetsOfAnEmptiedGroupExpireRetentionAfterItBecameEmpty) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a"});
  h.Commit(CommitOf(ids[0], 1, {Entry(0, 10)}));
  h.CompleteWrites();
  // Stable for 10 days: its offsets of subscribed topics do not expire.
  for (int day = 0; day < 10; ++day) {
    for (int beat = 0; beat < 24 * 360; ++beat) {
      h.Advance(10000 - 1);
      h.Heartbeat(ids[0], 1);
    }
    h.Expire();
  }
  ASSERT_NE(h.group().Committed({"orders", 0}), nullptr);
  h.Leave({{ids[0], std::nullopt}});
  h.CompleteWrites();
  h.Advance(7 * kDay - 1);
  h.Expire();
  EXPECT_NE(h.group().Committed({"orders", 0}), nullptr) << "7 days since empty, not commit";
  h.Advance(1);
  h.Expire();
  EXPECT_EQ(h.group().Committed({"orders", 0}), nullptr);
  EXPECT_EQ(h.group().state(), GroupState::kDead) << "empty with no offsets: removed";
  h.CompleteWrites();
  EXPECT_TRUE(h.group().Removable());
  EXPECT_EQ(h.store().GetGroup("g").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(h.store().GetCommittedOffsets("g")->empty());
}

TEST(GroupRetentionTest, StableGroupLosesOnlyOffsetsOfTopicsNobodySubscribesTo) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a"});
  h.Commit(CommitOf(ids[0], 1, {Entry(0, 1), CommitEntry{"audit", 0, 2, -1, ""}}));
  h.CompleteWrites();
  for (int beat = 0; beat < 8 * 24 * 360; ++beat) {  // 8 days.
    h.Advance(10000 - 1);
    h.Heartbeat(ids[0], 1);
  }
  h.Expire();
  EXPECT_NE(h.group().Committed({"orders", 0}), nullptr);
  EXPECT_EQ(h.group().Committed({"audit", 0}), nullptr);
  EXPECT_EQ(h.group().state(), GroupState::kStable);
}

TEST(GroupRetentionTest, SimpleGroupOffsetsExpireFromTheirCommitAndThenTheGroupGoes) {
  GroupHarness h;
  h.Commit(CommitOf("", -1, {Entry(0, 1)}));
  h.CompleteWrites();
  h.Advance(3 * kDay);
  h.Commit(CommitOf("", -1, {Entry(1, 1)}));
  h.CompleteWrites();
  h.Advance(4 * kDay);
  h.Expire();
  EXPECT_EQ(h.group().Committed({"orders", 0}), nullptr);
  EXPECT_NE(h.group().Committed({"orders", 1}), nullptr);
  EXPECT_EQ(h.group().state(), GroupState::kEmpty);
  h.Advance(3 * kDay);
  h.Expire();
  EXPECT_EQ(h.group().state(), GroupState::kDead);
}

TEST(GroupRetentionTest, ExplicitRetentionOfOldCommitsIsHonoured) {
  GroupHarness h;
  CommitRequest request = CommitOf("", -1, {Entry(0, 1)});
  request.retention_ms = 60000;
  h.Commit(request);
  h.CompleteWrites();
  h.Advance(59999);
  h.Expire();
  EXPECT_NE(h.group().Committed({"orders", 0}), nullptr);
  h.Advance(1);
  h.Expire();
  EXPECT_EQ(h.group().Committed({"orders", 0}), nullptr);
}

TEST(GroupRetentionTest, AnOffsetWithACommitInFlightDoesNotExpire) {
  GroupHarness h;
  h.Commit(CommitOf("", -1, {Entry(0, 1)}));
  h.CompleteWrites();
  h.Advance(8 * kDay);
  RequestId commit = h.Commit(CommitOf("", -1, {Entry(0, 2)}));
  h.Expire();
  EXPECT_NE(h.group().Committed({"orders", 0}), nullptr);
  h.CompleteWrites();
  EXPECT_THAT(h.CommitAnswer(commit), ElementsAre(GroupError::kNone));
  EXPECT_EQ(h.group().Committed({"orders", 0})->offset, 2);
}

TEST(GroupRetentionTest, RestoredGroupKeepsItsOffsetsAndWhenItBecameEmpty) {
  GroupHarness h;
  std::vector<std::string> ids = h.StableGroup({"a"});
  h.Commit(CommitOf(ids[0], 1, {Entry(3, 33, "x")}));
  h.CompleteWrites();
  h.Leave({{ids[0], std::nullopt}});
  h.CompleteWrites();
  h.Advance(6 * kDay);
  h.Restart();
  EXPECT_EQ(h.group().state(), GroupState::kEmpty);
  EXPECT_EQ(h.group().Committed({"orders", 3})->metadata, "x");
  h.Advance(kDay);
  h.Expire();
  EXPECT_EQ(h.group().state(), GroupState::kDead);
}

}  // namespace
}  // namespace sluice::group

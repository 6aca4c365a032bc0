// File: tests/broker/group/group_coordinator_test.cc
// The coordinator around the state machines: group-level checks before a group is touched
// (ids, loading, session timeout bounds, unknown groups), callbacks, timers through Tick()
// with a fake clock, reload from the store, lag metrics, and UTF-8 clean-up of client strings.
#include "broker/group/group_coordinator.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "broker/group/group_metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/broker/group/group_harness.h"
#include "tests/mocks/in_memory_metadata_store.h"

namespace sluice::group {
namespace {

using ::testing::ElementsAre;

class GroupCoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*fakes::NewInMemoryMetadataStore());
    metadata::CreateTopic topic;
    topic.topic.name = "orders";
    topic.topic.topic_id = metadata::TopicId::Random();
    topic.topic.partition_count = 3;
    topic.partitions = metadata::SingleBrokerPartitions(0, 3, 0);
    ASSERT_TRUE(store_->Apply({topic}).ok());
    coordinator_ = NewCoordinator();
  }

  std::unique_ptr<GroupCoordinator> NewCoordinator() {
    auto c = std::make_unique<GroupCoordinator>(*store_, GroupConfig{}, [this] { return now_; });
    c->SetWakeup([this](int64_t deadline) { wakeups_.push_back(deadline); });
    return c;
  }

  // Runs the callback synchronously enough for tests: waits for writes to be answered.
  JoinResponse Join(const std::string& group, const JoinRequest& request) {
    auto result = std::make_shared<JoinResponse>();
    auto answered = std::make_shared<std::atomic<bool>>(false);
    coordinator_->JoinGroup(group, request, [result, answered](JoinResponse r) {
      *result = std::move(r);
      *answered = true;
    });
    coordinator_->FlushWrites();
    EXPECT_TRUE(*answered) << "JoinGroup not answered";
    return *result;
  }
  // Starts a join that is expected to wait; returns where its answer will land.
  std::shared_ptr<std::optional<JoinResponse>> StartJoin(const std::string& group,
                                                         const JoinRequest& request) {
    auto result = std::make_shared<std::optional<JoinResponse>>();
    coordinator_->JoinGroup(group, request, [result](JoinResponse r) { *result = std::move(r); });
    return result;
  }
  SyncResponse Sync(const std::string& group, const SyncRequest& request) {
    auto result = std::make_shared<std::optional<SyncResponse>>();
    coordinator_->SyncGroup(group, request, [result](SyncResponse r) { *result = std::move(r); });
    coordinator_->FlushWrites();
    EXPECT_TRUE(result->has_value());
    return result->value_or(SyncResponse{});
  }
  std::vector<GroupError> Commit(const std::string& group, CommitRequest request) {
    auto result = std::make_shared<std::vector<GroupError>>();
    coordinator_->CommitOffsets(group, std::move(request),
                                [result](std::vector<GroupError> e) { *result = std::move(e); });
    coordinator_->FlushWrites();
    return *result;
  }
  std::vector<GroupError> Delete(const std::vector<std::string>& groups) {
    auto result = std::make_shared<std::vector<GroupError>>();
    coordinator_->DeleteGroups(groups,
                               [result](std::vector<GroupError> e) { *result = std::move(e); });
    coordinator_->FlushWrites();
    return *result;
  }
  // A one-member group "g", Stable at generation 1; returns the member id.
  std::string StableGroup(const std::string& group = "g") {
    auto joined = StartJoin(group, testing::Join("c"));
    Advance(3000);
    EXPECT_TRUE(joined->has_value());
    std::string id = joined->value_or(JoinResponse{}).member_id;
    EXPECT_EQ(Sync(group, {id, std::nullopt, 1, std::nullopt, std::nullopt, {{id, "A"}}}).error,
              GroupError::kNone);
    return id;
  }
  void Advance(int64_t ms) {
    int64_t target = now_ + ms;
    for (int i = 0; i < 10000; ++i) {
      std::optional<int64_t> next = coordinator_->NextDeadline();
      if (!next.has_value() || *next > target) break;
      now_ = std::max(now_, *next);
      coordinator_->Tick();
      coordinator_->FlushWrites();
    }
    now_ = target;
  }
  static CommitEntry Entry(int32_t partition, int64_t offset) {
    return CommitEntry{"orders", partition, offset, -1, ""};
  }

  int64_t now_ = 1'700'000'000'000;
  std::vector<int64_t> wakeups_;
  std::unique_ptr<metadata::MetadataStore> store_;
  std::unique_ptr<GroupCoordinator> coordinator_;
};

TEST_F(GroupCoordinatorTest, EverythingWaitsWhileLoadingAsKafkaAnswersIt) {
  EXPECT_EQ(Join("g", testing::Join("c")).error, GroupError::kCoordinatorLoadInProgress);
  EXPECT_EQ(coordinator_->Heartbeat("g", {"m", std::nullopt, 1}), GroupError::kNone)
      << "heartbeats are answered blindly while loading";
  EXPECT_EQ(Sync("g", {"m", std::nullopt, 1, std::nullopt, std::nullopt, {}}).error,
            GroupError::kRebalanceInProgress);
  EXPECT_THAT(Commit("g", {"", std::nullopt, -1, std::nullopt, {Entry(0, 1)}}),
              ElementsAre(GroupError::kCoordinatorLoadInProgress));
  GroupError error;
  coordinator_->FetchOffsets("g", std::nullopt, &error);
  EXPECT_EQ(error, GroupError::kCoordinatorLoadInProgress);
  coordinator_->ListGroups(&error);
  EXPECT_EQ(error, GroupError::kCoordinatorLoadInProgress);
  EXPECT_FALSE(coordinator_->NextDeadline().has_value());
  ASSERT_TRUE(coordinator_->Load().ok());
  coordinator_->ListGroups(&error);
  EXPECT_EQ(error, GroupError::kNone);
  EXPECT_TRUE(coordinator_->NextDeadline().has_value());
}

TEST_F(GroupCoordinatorTest, GroupIdAndSessionTimeoutAreCheckedBeforeAnyGroupExists) {
  ASSERT_TRUE(coordinator_->Load().ok());
  EXPECT_EQ(Join("", testing::Join("c")).error, GroupError::kInvalidGroupId);
  EXPECT_EQ(coordinator_->Heartbeat("", {"m", std::nullopt, 1}), GroupError::kInvalidGroupId);
  EXPECT_EQ(Sync("", {"m", std::nullopt, 1, std::nullopt, std::nullopt, {}}).error,
            GroupError::kInvalidGroupId);
  EXPECT_EQ(coordinator_->LeaveGroup("", {{"m", std::nullopt}}).error, GroupError::kInvalidGroupId);
  JoinRequest too_short = testing::Join("c");
  too_short.session_timeout_ms = 5999;
  EXPECT_EQ(Join("g", too_short).error, GroupError::kInvalidSessionTimeout);
  JoinRequest too_long = testing::Join("c");
  too_long.session_timeout_ms = 1800001;
  EXPECT_EQ(Join("g", too_long).error, GroupError::kInvalidSessionTimeout);
  JoinRequest absurd = testing::Join("c");
  absurd.session_timeout_ms = -1;
  EXPECT_EQ(Join("g", absurd).error, GroupError::kInvalidSessionTimeout);
  GroupError error;
  EXPECT_TRUE(coordinator_->ListGroups(&error).empty()) << "refused joins create no group";
  // The empty group id is allowed where Kafka allows it (offset APIs, describe, delete).
  EXPECT_THAT(Commit("", {"", std::nullopt, -1, std::nullopt, {Entry(0, 5)}}),
              ElementsAre(GroupError::kNone));
  std::vector<FetchedOffset> fetched = coordinator_->FetchOffsets("", std::nullopt, &error);
  EXPECT_EQ(error, GroupError::kNone);
  ASSERT_EQ(fetched.size(), 1u);
  EXPECT_EQ(fetched[0].offset, 5);
}

TEST_F(GroupCoordinatorTest, UnknownGroupsGetKafkasAnswers) {
  ASSERT_TRUE(coordinator_->Load().ok());
  EXPECT_EQ(Join("nope", testing::Join("c", "c-123")).error, GroupError::kUnknownMemberId);
  EXPECT_EQ(coordinator_->Heartbeat("nope", {"m", std::nullopt, 1}), GroupError::kUnknownMemberId);
  EXPECT_EQ(Sync("nope", {"m", std::nullopt, 1, std::nullopt, std::nullopt, {}}).error,
            GroupError::kUnknownMemberId);
  LeaveOutcome leave = coordinator_->LeaveGroup("nope", {{"m", std::nullopt}});
  EXPECT_EQ(leave.error, GroupError::kNone);
  ASSERT_EQ(leave.members.size(), 1u);
  EXPECT_EQ(leave.members[0].error, GroupError::kUnknownMemberId);
  GroupError error;
  GroupSummary summary = coordinator_->DescribeGroup("nope", &error);
  EXPECT_EQ(error, GroupError::kNone);
  EXPECT_EQ(summary.state, GroupState::kDead);
  EXPECT_THAT(Delete({"nope"}), ElementsAre(GroupError::kGroupIdNotFound));
  EXPECT_THAT(Commit("nope", {"m", std::nullopt, 3, std::nullopt, {Entry(0, 1)}}),
              ElementsAre(GroupError::kIllegalGeneration));
  std::vector<FetchedOffset> fetched =
      coordinator_->FetchOffsets("nope", std::vector<TopicPartition>{{"orders", 1}}, &error);
  EXPECT_EQ(error, GroupError::kNone);
  ASSERT_EQ(fetched.size(), 1u);
  EXPECT_EQ(fetched[0].offset, -1);
  EXPECT_TRUE(coordinator_->ListGroups(&error).empty());
}

TEST_F(GroupCoordinatorTest, OneGroupsBadInputLeavesAnotherGroupWorking) {
  ASSERT_TRUE(coordinator_->Load().ok());
  std::string id = StableGroup("good");
  JoinRequest bad = testing::Join("evil");
  bad.protocol_type = "";
  EXPECT_EQ(Join("good", bad).error, GroupError::kInconsistentGroupProtocol);
  bad.session_timeout_ms = 1;
  EXPECT_EQ(Join("other", bad).error, GroupError::kInvalidSessionTimeout);
  EXPECT_EQ(coordinator_->Heartbeat("good", {id, std::nullopt, 99}),
            GroupError::kIllegalGeneration);
  EXPECT_EQ(coordinator_->Heartbeat("good", {id, std::nullopt, 1}), GroupError::kNone);
}

TEST_F(GroupCoordinatorTest, SessionsExpireThroughTickAndWakeupsAnnounceEarlierDeadlines) {
  ASSERT_TRUE(coordinator_->Load().ok());
  std::string id = StableGroup();
  ASSERT_FALSE(wakeups_.empty());
  EXPECT_LE(wakeups_.back(), now_ + 10000);
  Advance(9000);
  EXPECT_EQ(coordinator_->Heartbeat("g", {id, std::nullopt, 1}), GroupError::kNone);
  Advance(10001);
  EXPECT_EQ(coordinator_->Heartbeat("g", {id, std::nullopt, 1}), GroupError::kUnknownMemberId);
  GroupError error;
  EXPECT_EQ(coordinator_->DescribeGroup("g", &error).state, GroupState::kEmpty);
  EXPECT_EQ(coordinator_->CountByState()[static_cast<size_t>(GroupState::kEmpty)], 1);
}

TEST_F(GroupCoordinatorTest, GroupsAndOffsetsSurviveARestart) {
  ASSERT_TRUE(coordinator_->Load().ok());
  std::string id = StableGroup();
  EXPECT_THAT(Commit("g", {id, std::nullopt, 1, std::nullopt, {Entry(0, 10), Entry(2, 20)}}),
              ElementsAre(GroupError::kNone, GroupError::kNone));
  EXPECT_THAT(Commit("simple", {"", std::nullopt, -1, std::nullopt, {Entry(1, 5)}}),
              ElementsAre(GroupError::kNone));
  coordinator_->Stop();
  coordinator_ = NewCoordinator();
  ASSERT_TRUE(coordinator_->Load().ok());
  GroupError error;
  EXPECT_EQ(coordinator_->DescribeGroup("g", &error).state, GroupState::kStable);
  EXPECT_EQ(coordinator_->Heartbeat("g", {id, std::nullopt, 1}), GroupError::kNone);
  std::vector<FetchedOffset> all = coordinator_->FetchOffsets("g", std::nullopt, &error);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].offset, 10);
  EXPECT_EQ(all[1].offset, 20);
  EXPECT_EQ(coordinator_->FetchOffsets("simple", std::nullopt, &error).at(0).offset, 5);
  std::vector<GroupOverview> groups = coordinator_->ListGroups(&error);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1].group_id, "simple");
  EXPECT_EQ(groups[1].protocol_type, "");
}

TEST_F(GroupCoordinatorTest, DeletedGroupIsGoneAndItsIdCanBeReused) {
  ASSERT_TRUE(coordinator_->Load().ok());
  std::string id = StableGroup();
  EXPECT_THAT(Delete({"g"}), ElementsAre(GroupError::kNonEmptyGroup));
  coordinator_->LeaveGroup("g", {{id, std::nullopt}});
  coordinator_->FlushWrites();
  EXPECT_THAT(Delete({"g", "never"}), ElementsAre(GroupError::kNone, GroupError::kGroupIdNotFound));
  GroupError error;
  EXPECT_TRUE(coordinator_->ListGroups(&error).empty());
  EXPECT_EQ(store_->GetGroup("g").status().code(), absl::StatusCode::kNotFound);
  StableGroup();
}

TEST_F(GroupCoordinatorTest, OffsetDeleteOfAnUnknownGroupIsGroupIdNotFound) {
  ASSERT_TRUE(coordinator_->Load().ok());
  GroupError group_error = GroupError::kNone;
  coordinator_->DeleteOffsets("nope", {{"orders", 0}},
                              [&](GroupError e, std::vector<GroupError>) { group_error = e; });
  EXPECT_EQ(group_error, GroupError::kGroupIdNotFound);
  coordinator_->DeleteOffsets("", {{"orders", 0}},
                              [&](GroupError e, std::vector<GroupError>) { group_error = e; });
  EXPECT_EQ(group_error, GroupError::kInvalidGroupId);
}

TEST_F(GroupCoordinatorTest, RetentionSweepRunsFromTick) {
  ASSERT_TRUE(coordinator_->Load().ok());
  Commit("simple", {"", std::nullopt, -1, std::nullopt, {Entry(0, 1)}});
  Advance(7LL * 24 * 3600 * 1000 + 600000);
  GroupError error;
  EXPECT_TRUE(coordinator_->ListGroups(&error).empty());
  EXPECT_TRUE(store_->GetCommittedOffsets("simple")->empty());
}

TEST_F(GroupCoordinatorTest, MemberIdsLookLikeKafkas) {
  ASSERT_TRUE(coordinator_->Load().ok());
  JoinRequest request = testing::Join("my-client");
  request.require_known_member_id = true;
  JoinResponse answer = Join("g", request);
  EXPECT_EQ(answer.error, GroupError::kMemberIdRequired);
  ASSERT_EQ(answer.member_id.size(), std::string("my-client-").size() + 36);
  EXPECT_EQ(answer.member_id.substr(0, 10), "my-client-");
  EXPECT_EQ(answer.member_id[10 + 14], '4') << "a version 4 UUID";
}

TEST_F(GroupCoordinatorTest, LagIsHighWatermarkMinusCommittedSummedPerTopic) {
  ASSERT_TRUE(coordinator_->Load().ok());
  Commit("g", {"", std::nullopt, -1, std::nullopt, {Entry(0, 10), Entry(1, 100), Entry(2, 5)}});
  GroupMetrics metrics(
      *coordinator_, [](const std::string& topic, int32_t partition) -> std::optional<int64_t> {
        if (topic != "orders") return std::nullopt;
        return partition == 1 ? 90 : 50;  // Partition 1 committed past the end: lag 0 there.
      });
  std::vector<prometheus::MetricFamily> families = metrics.Collect();
  ASSERT_EQ(families.size(), 3u);
  EXPECT_EQ(families[0].name, "sluice_group_lag_records");
  ASSERT_EQ(families[0].metric.size(), 1u);
  EXPECT_EQ(families[0].metric[0].gauge.value, 40 + 0 + 45);
  ASSERT_EQ(families[0].metric[0].label.size(), 2u);
  EXPECT_EQ(families[0].metric[0].label[0].value, "g");
  EXPECT_EQ(families[0].metric[0].label[1].value, "orders");
  EXPECT_EQ(families[1].name, "sluice_group_groups");
  EXPECT_EQ(families[1].metric.size(), std::size(kAllGroupStates));
}

}  // namespace
}  // namespace sluice::group

// The alerting gauges of broker/server/partition_health_collector.h, computed over the
// in-memory metadata store (tests/mocks) and a log-open predicate the test controls; the
// disk gauges over the real filesystem holding the test's temporary directory.
#include "broker/server/partition_health_collector.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>

#include "tests/mocks/in_memory_metadata_store.h"

namespace sluice::server {
namespace {

constexpr int32_t kSelf = 0;

class PartitionHealthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = fakes::NewInMemoryMetadataStore();
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  // A topic whose partition i has replicas `replicas[i]`, all in sync, led by the first.
  void CreateTopic(const std::string& name, const std::vector<std::vector<int32_t>>& replicas) {
    metadata::CreateTopic change;
    change.topic.name = name;
    change.topic.topic_id = metadata::TopicId::Random();
    change.topic.partition_count = static_cast<int32_t>(replicas.size());
    change.topic.replication_factor = static_cast<int16_t>(replicas.front().size());
    for (size_t i = 0; i < replicas.size(); ++i) {
      metadata::PartitionRecord p;
      p.partition = static_cast<int32_t>(i);
      p.replicas = replicas[i];
      p.isr = replicas[i];
      p.leader_id = replicas[i].front();
      change.partitions.push_back(p);
    }
    ASSERT_TRUE(store_->Apply({change}).ok());
  }

  void UpdatePartition(const std::string& topic, int32_t partition, std::vector<int32_t> isr,
                       int32_t leader) {
    auto partitions = store_->GetPartitions(topic);
    ASSERT_TRUE(partitions.ok()) << partitions.status();
    metadata::PartitionRecord p = partitions->at(partition);
    p.isr = std::move(isr);
    p.leader_id = leader;
    ++p.leader_epoch;
    ASSERT_TRUE(store_->Apply({metadata::UpdatePartition{topic, p}}).ok());
  }

  PartitionHealth Count(int32_t node_id = kSelf) {
    auto health = CountPartitionHealth(*store_, node_id, IsOpen());
    EXPECT_TRUE(health.ok()) << health.status();
    return health.value_or(PartitionHealth{-1, -1});
  }

  LogIsOpen IsOpen() {
    return [this](const std::string& topic, int32_t partition) {
      return !closed_.contains({topic, partition});
    };
  }

  std::unique_ptr<metadata::MetadataStore> store_;
  std::set<std::pair<std::string, int32_t>> closed_;  // logs the broker has not open
};

TEST_F(PartitionHealthTest, SingleBrokerTopicsAreNeitherUnderReplicatedNorOffline) {
  CreateTopic("a", {{kSelf}, {kSelf}, {kSelf}});
  CreateTopic("b", {{kSelf}});
  PartitionHealth health = Count();
  EXPECT_EQ(health.under_replicated, 0);
  EXPECT_EQ(health.offline, 0);
}

TEST_F(PartitionHealthTest, IsrSmallerThanReplicasCountsUnderReplicatedOnTheLeaderOnly) {
  CreateTopic("t", {{kSelf, 1}, {kSelf, 1}, {1, kSelf}});
  UpdatePartition("t", 0, {kSelf}, kSelf);  // led here, follower 1 fell out
  UpdatePartition("t", 2, {1}, 1);          // led by broker 1, this broker fell out
  EXPECT_EQ(Count().under_replicated, 1);
  EXPECT_EQ(Count(1).under_replicated, 1);  // broker 1 counts its own partition 2
  EXPECT_EQ(Count().offline, 0);
}

TEST_F(PartitionHealthTest, LeaderlessPartitionIsOfflineOnItsReplicasOnly) {
  CreateTopic("t", {{kSelf, 1}, {kSelf, 1}});
  UpdatePartition("t", 1, {}, metadata::kNoLeader);
  EXPECT_EQ(Count().offline, 1);
  EXPECT_EQ(Count(1).offline, 1);
  EXPECT_EQ(Count(7).offline, 0);          // not a replica: not its partition
  EXPECT_EQ(Count().under_replicated, 0);  // nobody leads it
}

TEST_F(PartitionHealthTest, LedPartitionWithoutAnOpenLogIsOffline) {
  CreateTopic("t", {{kSelf}, {kSelf}, {kSelf}});
  closed_.insert({"t", 1});
  EXPECT_EQ(Count().offline, 1);
  closed_.clear();
  EXPECT_EQ(Count().offline, 0);
}

TEST_F(PartitionHealthTest, StatDiskSpaceReportsFreeWithinCapacityAndFailsForMissingPath) {
  auto space = StatDiskSpace(::testing::TempDir());
  ASSERT_TRUE(space.ok()) << space.status();
  EXPECT_GT(space->capacity_bytes, 0u);
  EXPECT_LE(space->free_bytes, space->capacity_bytes);
  EXPECT_TRUE(absl::IsNotFound(StatDiskSpace("/nonexistent/sluice/data").status()));
}

std::map<std::string, prometheus::MetricFamily> ByName(
    std::vector<prometheus::MetricFamily> families) {
  std::map<std::string, prometheus::MetricFamily> out;
  for (auto& f : families) out[f.name] = std::move(f);
  return out;
}

TEST_F(PartitionHealthTest, CollectorExportsAllFourGaugesWithTheDirLabel) {
  CreateTopic("t", {{kSelf, 1}, {kSelf, 1}});
  UpdatePartition("t", 0, {kSelf}, kSelf);
  closed_.insert({"t", 1});
  const std::string dir = ::testing::TempDir();
  auto families = ByName(PartitionHealthCollector(*store_, kSelf, IsOpen(), dir).Collect());
  ASSERT_EQ(families.size(), 4u);
  EXPECT_EQ(families["sluice_log_partitions_under_replicated"].metric.at(0).gauge.value, 1);
  EXPECT_EQ(families["sluice_log_partitions_offline"].metric.at(0).gauge.value, 1);
  for (const char* name : {"sluice_log_dir_capacity_bytes", "sluice_log_dir_free_bytes"}) {
    const prometheus::MetricFamily& f = families[name];
    EXPECT_EQ(f.type, prometheus::MetricType::Gauge) << name;
    EXPECT_FALSE(f.help.empty()) << name;
    ASSERT_EQ(f.metric.size(), 1u) << name;
    ASSERT_EQ(f.metric[0].label.size(), 1u) << name;
    EXPECT_EQ(f.metric[0].label[0].name, "dir");
    EXPECT_EQ(f.metric[0].label[0].value, dir);
  }
  EXPECT_LE(families["sluice_log_dir_free_bytes"].metric[0].gauge.value,
            families["sluice_log_dir_capacity_bytes"].metric[0].gauge.value);
}

TEST_F(PartitionHealthTest, CollectorLeavesOutDiskGaugesWhenTheDirCannotBeStatted) {
  auto families =
      ByName(PartitionHealthCollector(*store_, kSelf, IsOpen(), "/nonexistent/dir").Collect());
  EXPECT_EQ(families.size(), 2u);
  EXPECT_TRUE(families.contains("sluice_log_partitions_offline"));
  EXPECT_FALSE(families.contains("sluice_log_dir_free_bytes"));
}

}  // namespace
}  // namespace sluice::server

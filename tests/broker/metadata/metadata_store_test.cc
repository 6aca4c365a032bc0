// File: tests/broker/metadata/metadata_store_test.cc
// Behaviour every MetadataStore must have, run against the RocksDB store and the in-memory
// fake (which shares its logic) alike. Durability tests are in rocksdb_metadata_store_test.cc.
#include "broker/metadata/metadata_store.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "broker/metadata/rocksdb_metadata_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/broker/metadata/temp_dir.h"
#include "tests/mocks/in_memory_metadata_store.h"

namespace sluice::metadata {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

constexpr int32_t kBroker = 0;

CreateTopic MakeTopic(const std::string& name, int32_t partitions,
                      std::map<std::string, std::string> configs = {}) {
  CreateTopic change;
  change.topic.name = name;
  change.topic.topic_id = TopicId::Random();
  change.topic.partition_count = partitions;
  change.topic.replication_factor = 1;
  change.topic.configs = std::move(configs);
  change.topic.created_ms = 1700000000000;
  change.partitions = SingleBrokerPartitions(0, partitions, kBroker);
  return change;
}

std::vector<std::string> TopicNames(const MetadataStore& store) {
  absl::StatusOr<std::vector<TopicRecord>> topics = store.ListTopics();
  EXPECT_TRUE(topics.ok()) << topics.status();
  std::vector<std::string> names;
  if (topics.ok()) {
    for (const TopicRecord& topic : *topics) names.push_back(topic.name);
  }
  return names;
}

enum class Kind { kRocksDb, kInMemory };

class MetadataStoreTest : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<MetadataStore>> store =
        GetParam() == Kind::kRocksDb ? OpenRocksDbMetadataStore(dir_.path() + "/metadata")
                                     : fakes::NewInMemoryMetadataStore();
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  absl::Status Apply(std::vector<MetadataChange> changes) { return store_->Apply(changes); }

  TempDir dir_;
  std::unique_ptr<MetadataStore> store_;
};

TEST_P(MetadataStoreTest, CreatedTopicIsReadBackWithPartitionsAndConfigs) {
  CreateTopic orders = MakeTopic("orders", 3, {{"retention.ms", "1000"}});
  ASSERT_TRUE(Apply({orders}).ok());

  absl::StatusOr<TopicRecord> topic = store_->GetTopic("orders");
  ASSERT_TRUE(topic.ok()) << topic.status();
  EXPECT_EQ(*topic, orders.topic);

  absl::StatusOr<std::vector<PartitionRecord>> partitions = store_->GetPartitions("orders");
  ASSERT_TRUE(partitions.ok()) << partitions.status();
  EXPECT_EQ(*partitions, orders.partitions);
  EXPECT_EQ((*partitions)[2].partition, 2);
  EXPECT_EQ((*partitions)[2].leader_id, kBroker);
}

TEST_P(MetadataStoreTest, ListTopicsIsSortedByName) {
  ASSERT_TRUE(Apply({MakeTopic("zeta", 1), MakeTopic("alpha", 2)}).ok());
  ASSERT_TRUE(Apply({MakeTopic("mid", 1)}).ok());
  EXPECT_THAT(TopicNames(*store_), ElementsAre("alpha", "mid", "zeta"));
}

TEST_P(MetadataStoreTest, TopicConfigsAreSetAndRemovedIndividually) {
  ASSERT_TRUE(Apply({MakeTopic("t", 1, {{"a", "1"}, {"b", "2"}})}).ok());
  ASSERT_TRUE(Apply({SetTopicConfig{"t", "a", std::nullopt}, SetTopicConfig{"t", "c", "3"},
                     SetTopicConfig{"t", "never-set", std::nullopt}})
                  .ok());
  absl::StatusOr<TopicRecord> topic = store_->GetTopic("t");
  ASSERT_TRUE(topic.ok());
  EXPECT_EQ(topic->configs, (std::map<std::string, std::string>{{"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(Apply({SetTopicConfig{"missing", "a", "1"}}).code(), absl::StatusCode::kNotFound);
}

TEST_P(MetadataStoreTest, DeleteRemovesTopicAndEverythingUnderIt) {
  ASSERT_TRUE(Apply({MakeTopic("a", 2, {{"cleanup.policy", "compact"}}), MakeTopic("ab", 1)}).ok());
  ASSERT_TRUE(Apply({SetPartitionCheckpoint{"a", 1, {5, 10, 10}}}).ok());
  ASSERT_TRUE(Apply({DeleteTopic{"a"}}).ok());

  EXPECT_EQ(store_->GetTopic("a").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetPartitions("a").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetCheckpoint("a", 1).status().code(), absl::StatusCode::kNotFound);
  // A topic whose name extends the deleted one is untouched.
  EXPECT_THAT(TopicNames(*store_), ElementsAre("ab"));

  // Re-creating the name starts clean: no old configs, partitions or checkpoints.
  CreateTopic again = MakeTopic("a", 2);
  ASSERT_TRUE(Apply({again}).ok());
  absl::StatusOr<TopicRecord> topic = store_->GetTopic("a");
  ASSERT_TRUE(topic.ok());
  EXPECT_THAT(topic->configs, IsEmpty());
  EXPECT_EQ(topic->topic_id, again.topic.topic_id);
  absl::StatusOr<PartitionCheckpoint> checkpoint = store_->GetCheckpoint("a", 1);
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_EQ(*checkpoint, PartitionCheckpoint{});
}

TEST_P(MetadataStoreTest, CreatingAnExistingTopicFailsAlreadyExists) {
  ASSERT_TRUE(Apply({MakeTopic("t", 1)}).ok());
  absl::Status status = Apply({MakeTopic("t", 4)});
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->GetTopic("t")->partition_count, 1);
  // The same name twice in one batch is caught too.
  EXPECT_EQ(Apply({MakeTopic("u", 1), MakeTopic("u", 1)}).code(), absl::StatusCode::kAlreadyExists);
}

TEST_P(MetadataStoreTest, DeletingAMissingTopicFailsNotFound) {
  EXPECT_EQ(Apply({DeleteTopic{"nope"}}).code(), absl::StatusCode::kNotFound);
}

TEST_P(MetadataStoreTest, BatchWithOneInvalidChangeWritesNothing) {
  ASSERT_TRUE(Apply({MakeTopic("existing", 1)}).ok());
  absl::Status status =
      Apply({MakeTopic("new", 2), SetBrokerConfig{"log.retention.ms", "5"},
             SetTopicConfig{"existing", "k", "v"}, DeleteTopic{"existing"}, DeleteTopic{"gone"}});
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("change 4 (DeleteTopic)"));

  EXPECT_THAT(TopicNames(*store_), ElementsAre("existing"));
  EXPECT_THAT(*store_->GetBrokerConfigs(), IsEmpty());
  EXPECT_THAT(store_->GetTopic("existing")->configs, IsEmpty());
}

TEST_P(MetadataStoreTest, LaterChangesInABatchSeeEarlierOnes) {
  ASSERT_TRUE(Apply({MakeTopic("t", 1), SetTopicConfig{"t", "k", "v"},
                     SetPartitionCount{"t", 2, SingleBrokerPartitions(1, 1, kBroker)},
                     SetPartitionCheckpoint{"t", 1, {0, 7, 7}}})
                  .ok());
  EXPECT_EQ(store_->GetPartitions("t")->size(), 2u);
  EXPECT_EQ(store_->GetCheckpoint("t", 1)->high_watermark, 7);

  // Delete and re-create in one batch: nothing of the old topic survives.
  ASSERT_TRUE(Apply({DeleteTopic{"t"}, MakeTopic("t", 1)}).ok());
  EXPECT_THAT(store_->GetTopic("t")->configs, IsEmpty());
  EXPECT_EQ(store_->GetPartitions("t")->size(), 1u);
  EXPECT_EQ(store_->GetCheckpoint("t", 1).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(MetadataStoreTest, PartitionCountOnlyGrows) {
  ASSERT_TRUE(Apply({MakeTopic("t", 2)}).ok());
  EXPECT_EQ(Apply({SetPartitionCount{"t", 2, {}}}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Apply({SetPartitionCount{"t", 1, {}}}).code(), absl::StatusCode::kInvalidArgument);
  // Records must cover exactly the new partitions, in order.
  EXPECT_EQ(Apply({SetPartitionCount{"t", 4, SingleBrokerPartitions(2, 1, kBroker)}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Apply({SetPartitionCount{"t", 3, SingleBrokerPartitions(1, 1, kBroker)}}).code(),
            absl::StatusCode::kInvalidArgument);

  ASSERT_TRUE(Apply({SetPartitionCount{"t", 5, SingleBrokerPartitions(2, 3, kBroker)}}).ok());
  EXPECT_EQ(store_->GetTopic("t")->partition_count, 5);
  absl::StatusOr<std::vector<PartitionRecord>> partitions = store_->GetPartitions("t");
  ASSERT_TRUE(partitions.ok());
  ASSERT_EQ(partitions->size(), 5u);
  for (int32_t i = 0; i < 5; ++i) EXPECT_EQ((*partitions)[i].partition, i);
}

TEST_P(MetadataStoreTest, UpdatePartitionChangesLeadershipButNeverLowersTheEpoch) {
  CreateTopic create = MakeTopic("t", 1);
  create.topic.replication_factor = 3;
  create.partitions[0].replicas = {1, 2, 3};
  create.partitions[0].isr = {1, 2, 3};
  create.partitions[0].leader_id = 1;
  create.partitions[0].leader_epoch = 4;
  ASSERT_TRUE(Apply({create}).ok());

  PartitionRecord moved = create.partitions[0];
  moved.leader_id = 2;
  moved.isr = {2, 3};
  moved.leader_epoch = 5;
  ASSERT_TRUE(Apply({UpdatePartition{"t", moved}}).ok());
  EXPECT_EQ(store_->GetPartitions("t")->at(0), moved);

  PartitionRecord stale = moved;
  stale.leader_epoch = 3;
  EXPECT_EQ(Apply({UpdatePartition{"t", stale}}).code(), absl::StatusCode::kInvalidArgument);
  PartitionRecord foreign_leader = moved;
  foreign_leader.leader_id = 9;
  EXPECT_EQ(Apply({UpdatePartition{"t", foreign_leader}}).code(),
            absl::StatusCode::kInvalidArgument);
  PartitionRecord out_of_range = moved;
  out_of_range.partition = 1;
  EXPECT_EQ(Apply({UpdatePartition{"t", out_of_range}}).code(), absl::StatusCode::kNotFound);
}

TEST_P(MetadataStoreTest, CheckpointsAreStoredPerPartition) {
  ASSERT_TRUE(Apply({MakeTopic("t", 2)}).ok());
  absl::StatusOr<PartitionCheckpoint> fresh = store_->GetCheckpoint("t", 0);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(*fresh, PartitionCheckpoint{});

  ASSERT_TRUE(Apply({SetPartitionCheckpoint{"t", 1, {3, 40, 35}}}).ok());
  EXPECT_EQ(*store_->GetCheckpoint("t", 1), (PartitionCheckpoint{3, 40, 35}));
  EXPECT_EQ(*store_->GetCheckpoint("t", 0), PartitionCheckpoint{});

  EXPECT_EQ(store_->GetCheckpoint("t", 2).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetCheckpoint("t", -1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Apply({SetPartitionCheckpoint{"t", 2, {}}}).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Apply({SetPartitionCheckpoint{"t", 0, {-1, 0, 0}}}).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(MetadataStoreTest, BrokerConfigsAreSetAndRemoved) {
  ASSERT_TRUE(
      Apply({SetBrokerConfig{"log.retention.ms", "100"}, SetBrokerConfig{"num.io.threads", "8"}})
          .ok());
  ASSERT_TRUE(Apply({SetBrokerConfig{"num.io.threads", std::nullopt},
                     SetBrokerConfig{"log.retention.ms", "200"}})
                  .ok());
  EXPECT_EQ(*store_->GetBrokerConfigs(),
            (std::map<std::string, std::string>{{"log.retention.ms", "200"}}));
  // Broker configs and topic configs share a column but never mix.
  ASSERT_TRUE(Apply({MakeTopic("t", 1, {{"x", "y"}})}).ok());
  EXPECT_EQ(store_->GetBrokerConfigs()->size(), 1u);
}

TEST_P(MetadataStoreTest, MalformedChangesAreRejectedAsInvalidArgument) {
  auto expect_invalid = [this](MetadataChange change) {
    absl::Status status = Apply({std::move(change)});
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  };
  expect_invalid(MakeTopic("bad name", 1));
  expect_invalid(MakeTopic("..", 1));
  expect_invalid(MakeTopic(std::string("nul\0byte", 8), 1));
  expect_invalid(MakeTopic(std::string(250, 'x'), 1));
  expect_invalid(MakeTopic("t", 0));

  CreateTopic zero_id = MakeTopic("t", 1);
  zero_id.topic.topic_id = TopicId{};
  expect_invalid(zero_id);

  CreateTopic wrong_rf = MakeTopic("t", 1);
  wrong_rf.topic.replication_factor = 2;
  expect_invalid(wrong_rf);

  CreateTopic duplicate_replica = MakeTopic("t", 1);
  duplicate_replica.topic.replication_factor = 2;
  duplicate_replica.partitions[0].replicas = {0, 0};
  expect_invalid(duplicate_replica);

  CreateTopic missing_partition = MakeTopic("t", 2);
  missing_partition.partitions.pop_back();
  expect_invalid(missing_partition);

  expect_invalid(MakeTopic("t", 1, {{"k", std::string("\xff\xfe", 2)}}));
  expect_invalid(MakeTopic("t", 1, {{"", "v"}}));
  expect_invalid(SetBrokerConfig{"", "v"});
  expect_invalid(SetClusterId{""});
  expect_invalid(SetClusterId{"has space"});

  EXPECT_THAT(TopicNames(*store_), IsEmpty());
}

TEST_P(MetadataStoreTest, ReadsOfIllegalNamesAreNotFound) {
  EXPECT_EQ(store_->GetTopic("").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetPartitions(std::string("a\0b", 3)).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(MetadataStoreTest, ProducerIdBlocksNeverOverlap) {
  absl::StatusOr<int64_t> first = store_->AllocateProducerIdBlock(10);
  absl::StatusOr<int64_t> second = store_->AllocateProducerIdBlock(5);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, 0);
  EXPECT_EQ(*second, 10);
  EXPECT_EQ(store_->AllocateProducerIdBlock(0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->AllocateProducerIdBlock(kMaxProducerIdBlockSize + 1).status().code(),
            absl::StatusCode::kInvalidArgument);

  // The counter only moves forward; replaying the current value is harmless.
  EXPECT_EQ(Apply({AdvanceProducerIds{3}}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Apply({AdvanceProducerIds{15}}).ok());
  ASSERT_TRUE(Apply({AdvanceProducerIds{100}}).ok());
  EXPECT_EQ(*store_->AllocateProducerIdBlock(1), 100);
}

TEST_P(MetadataStoreTest, ClusterIdLooksLikeKafkasAndCanBeReplaced) {
  std::string id = store_->ClusterId();
  EXPECT_EQ(id.size(), 22u);
  EXPECT_TRUE(std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  })) << id;
  ASSERT_TRUE(Apply({SetClusterId{"MkU3OEVBNTcwNTJENDM2Qg"}}).ok());
  EXPECT_EQ(store_->ClusterId(), "MkU3OEVBNTcwNTJENDM2Qg");
}

TEST_P(MetadataStoreTest, ConcurrentWritersAndReadersSeeWholeBatches) {
  constexpr int kThreads = 4;
  constexpr int kTopicsPerThread = 20;
  std::vector<std::vector<int64_t>> producer_ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &producer_ids] {
      for (int i = 0; i < kTopicsPerThread; ++i) {
        std::string name = "t" + std::to_string(t) + "-" + std::to_string(i);
        EXPECT_TRUE(Apply({MakeTopic(name, 1 + i % 3, {{"owner", std::to_string(t)}})}).ok());
        absl::StatusOr<int64_t> id = store_->AllocateProducerIdBlock(2);
        EXPECT_TRUE(id.ok()) << id.status();
        if (id.ok()) producer_ids[t].push_back(*id);
      }
    });
  }
  // A reader running alongside: every topic it lists must be complete.
  threads.emplace_back([this] {
    for (int round = 0; round < 20; ++round) {
      absl::StatusOr<std::vector<TopicRecord>> topics = store_->ListTopics();
      ASSERT_TRUE(topics.ok()) << topics.status();
      for (const TopicRecord& topic : *topics) EXPECT_EQ(topic.configs.size(), 1u);
    }
  });
  for (std::thread& thread : threads) thread.join();

  std::vector<std::string> expected;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kTopicsPerThread; ++i) {
      expected.push_back("t" + std::to_string(t) + "-" + std::to_string(i));
    }
  }
  EXPECT_THAT(TopicNames(*store_), UnorderedElementsAreArray(expected));
  std::set<int64_t> all_ids;
  for (const auto& ids : producer_ids) all_ids.insert(ids.begin(), ids.end());
  EXPECT_EQ(all_ids.size(), static_cast<size_t>(kThreads * kTopicsPerThread));
}

INSTANTIATE_TEST_SUITE_P(Stores, MetadataStoreTest,
                         ::testing::Values(Kind::kRocksDb, Kind::kInMemory),
                         [](const ::testing::TestParamInfo<Kind>& info) {
                           return info.param == Kind::kRocksDb ? "RocksDb" : "InMemory";
                         });

}  // namespace
}  // namespace sluice::metadata

// Field-level checks on the non-produce golden frames (tests/fixtures/protocol/): what real
// clients put into Metadata, CreateTopics, InitProducerId, Fetch and ListOffsets requests.
// The expected values are what the capture commands asked for (topics, configs) and each
// client's defaults, e.g. librdkafka fetches read_committed and without a fetch session.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/kafka/protocol/messages/all.h"
#include "common/kafka/protocol/uuid.h"
#include "tests/common/kafka/protocol/golden_fixtures.h"

namespace sluice::kafka {
namespace {

using golden::DecodeFixture;

constexpr int32_t kFetchMaxWaitMs = 500;         // all three clients' default
constexpr int32_t kFetchMaxBytes = 52428800;     // 50 MiB, all three clients' default
constexpr int32_t kPartitionMaxBytes = 1048576;  // 1 MiB, all three clients' default
constexpr int64_t kEarliest = -2;
constexpr int64_t kLatest = -1;

std::vector<std::string> TopicNames(const MetadataRequest& request) {
  std::vector<std::string> names;
  for (const auto& topic : *request.topics) names.push_back(topic.name.value_or("<null>"));
  return names;
}

TEST(GoldenMetadataTest, LibrdkafkaAsksForBrokersOnlyWithAnEmptyTopicArray) {
  const auto d = DecodeFixture<MetadataRequest>("librdkafka-2.0.2/metadata_v4_brokers.bin");
  ASSERT_TRUE(d.has_value());
  ASSERT_TRUE(d->request.topics.has_value());
  EXPECT_TRUE(d->request.topics->empty());
  EXPECT_FALSE(d->request.allow_auto_topic_creation);
}

TEST(GoldenMetadataTest, LibrdkafkaAsksForAllTopicsWithANullArray) {
  const auto d = DecodeFixture<MetadataRequest>("librdkafka-2.0.2/metadata_v4_all.bin");
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->request.topics.has_value());
  EXPECT_TRUE(d->request.allow_auto_topic_creation);
}

TEST(GoldenMetadataTest, LibrdkafkaNamesOneTopic) {
  const auto d = DecodeFixture<MetadataRequest>("librdkafka-2.0.2/metadata_v4_topic.bin");
  ASSERT_TRUE(d.has_value());
  ASSERT_TRUE(d->request.topics.has_value());
  EXPECT_EQ(TopicNames(d->request), std::vector<std::string>{"golden-rdkafka"});
  EXPECT_TRUE(d->request.allow_auto_topic_creation);
}

TEST(GoldenMetadataTest, JavaProducerNamesOneTopicWithAZeroTopicId) {
  const auto d = DecodeFixture<MetadataRequest>("java-4.1.1/metadata_v12_topic.bin");
  ASSERT_TRUE(d.has_value());
  ASSERT_TRUE(d->request.topics.has_value());
  EXPECT_EQ(TopicNames(d->request), std::vector<std::string>{"golden-java"});
  EXPECT_EQ(d->request.topics->at(0).topic_id, Uuid());
  EXPECT_TRUE(d->request.allow_auto_topic_creation);
  EXPECT_FALSE(d->request.include_topic_authorized_operations);
}

TEST(GoldenMetadataTest, KafkaPythonNamesOneTopic) {
  const auto d = DecodeFixture<MetadataRequest>("kafka-python-2.0.2/metadata_v1_topic.bin");
  ASSERT_TRUE(d.has_value());
  ASSERT_TRUE(d->request.topics.has_value());
  EXPECT_EQ(TopicNames(d->request), std::vector<std::string>{"golden-python"});
}

// kafka-topics --create --topic golden-java --partitions 1 --replication-factor 1
//   --config retention.ms=3600000 --config max.message.bytes=65536
TEST(GoldenCreateTopicsTest, JavaSendsTopicPartitionsAndConfigs) {
  const auto d = DecodeFixture<CreateTopicsRequest>("java-4.1.1/create_topics_v7.bin");
  ASSERT_TRUE(d.has_value());
  const CreateTopicsRequest& r = d->request;
  ASSERT_EQ(r.topics.size(), 1u);
  const auto& topic = r.topics[0];
  EXPECT_EQ(topic.name, "golden-java");
  EXPECT_EQ(topic.num_partitions, 1);
  EXPECT_EQ(topic.replication_factor, 1);
  EXPECT_TRUE(topic.assignments.empty());
  // The admin client sends the configs sorted by name, not in command-line order.
  ASSERT_EQ(topic.configs.size(), 2u);
  EXPECT_EQ(topic.configs[0].name, "max.message.bytes");
  EXPECT_EQ(topic.configs[0].value, std::optional<std::string>("65536"));
  EXPECT_EQ(topic.configs[1].name, "retention.ms");
  EXPECT_EQ(topic.configs[1].value, std::optional<std::string>("3600000"));
  // The admin client sends what is left of its 30 s default.api.timeout.ms (e.g. 29992).
  EXPECT_GT(r.timeout_ms, 0);
  EXPECT_LE(r.timeout_ms, 30000);
  EXPECT_FALSE(r.validate_only);
}

TEST(GoldenInitProducerIdTest, JavaIdempotentProducerAsksForANewId) {
  const auto d = DecodeFixture<InitProducerIdRequest>("java-4.1.1/init_producer_id_v4.bin");
  ASSERT_TRUE(d.has_value());
  const InitProducerIdRequest& r = d->request;
  EXPECT_FALSE(r.transactional_id.has_value());
  EXPECT_EQ(r.transaction_timeout_ms, std::numeric_limits<int32_t>::max());
  EXPECT_EQ(r.producer_id, -1);
  EXPECT_EQ(r.producer_epoch, -1);
}

struct FetchExpected {
  const char* fixture;
  const char* name;  // test name suffix
  const char* topic;
  int8_t isolation_level;
  int32_t session_epoch;         // -1: no fetch session (v7+); 0: open a new one
  int32_t current_leader_epoch;  // -1: unknown (v9+)
};

class GoldenFetchTest : public testing::TestWithParam<FetchExpected> {};

// Every consumer was started from the earliest offset of an otherwise fresh partition 0.
TEST_P(GoldenFetchTest, FirstFetchReadsPartitionZeroFromOffsetZero) {
  const FetchExpected& want = GetParam();
  const auto d = DecodeFixture<FetchRequest>(want.fixture);
  ASSERT_TRUE(d.has_value());
  const FetchRequest& r = d->request;
  EXPECT_EQ(r.replica_id, -1);
  EXPECT_EQ(r.max_wait_ms, kFetchMaxWaitMs);
  EXPECT_EQ(r.min_bytes, 1);
  EXPECT_EQ(r.max_bytes, kFetchMaxBytes);
  EXPECT_EQ(r.isolation_level, want.isolation_level);
  EXPECT_EQ(r.session_id, 0);
  if (d->header.request_api_version >= 7) {
    EXPECT_EQ(r.session_epoch, want.session_epoch);
  }
  EXPECT_TRUE(r.forgotten_topics_data.empty());
  EXPECT_EQ(r.rack_id, "");
  ASSERT_EQ(r.topics.size(), 1u);
  EXPECT_EQ(r.topics[0].topic, want.topic);
  ASSERT_EQ(r.topics[0].partitions.size(), 1u);
  const auto& p = r.topics[0].partitions[0];
  EXPECT_EQ(p.partition, 0);
  EXPECT_EQ(p.fetch_offset, 0);
  EXPECT_EQ(p.current_leader_epoch, want.current_leader_epoch);
  EXPECT_EQ(p.last_fetched_epoch, -1);
  EXPECT_EQ(p.log_start_offset, -1);
  EXPECT_EQ(p.partition_max_bytes, kPartitionMaxBytes);
}

INSTANTIATE_TEST_SUITE_P(
    Clients, GoldenFetchTest,
    testing::Values(
        FetchExpected{"librdkafka-2.0.2/fetch_v11.bin", "Librdkafka", "golden-rdkafka", 1, -1, -1},
        FetchExpected{"java-4.1.1/fetch_v12.bin", "Java", "golden-java", 0, 0, 0},
        FetchExpected{"kafka-python-2.0.2/fetch_v4.bin", "KafkaPython", "golden-python", 0, -1,
                      -1}),
    [](const testing::TestParamInfo<FetchExpected>& info) { return std::string(info.param.name); });

struct ListOffsetsExpected {
  const char* fixture;
  const char* name;  // test name suffix
  const char* topic;
  int8_t isolation_level;
  int32_t current_leader_epoch;
  int64_t timestamp;  // kEarliest or kLatest
};

class GoldenListOffsetsTest : public testing::TestWithParam<ListOffsetsExpected> {};

TEST_P(GoldenListOffsetsTest, AsksForOnePartitionAsAConsumer) {
  const ListOffsetsExpected& want = GetParam();
  const auto d = DecodeFixture<ListOffsetsRequest>(want.fixture);
  ASSERT_TRUE(d.has_value());
  const ListOffsetsRequest& r = d->request;
  EXPECT_EQ(r.replica_id, -1);
  EXPECT_EQ(r.isolation_level, want.isolation_level);
  ASSERT_EQ(r.topics.size(), 1u);
  EXPECT_EQ(r.topics[0].name, want.topic);
  ASSERT_EQ(r.topics[0].partitions.size(), 1u);
  const auto& p = r.topics[0].partitions[0];
  EXPECT_EQ(p.partition_index, 0);
  EXPECT_EQ(p.current_leader_epoch, want.current_leader_epoch);
  EXPECT_EQ(p.timestamp, want.timestamp);
}

INSTANTIATE_TEST_SUITE_P(
    Clients, GoldenListOffsetsTest,
    testing::Values(
        ListOffsetsExpected{"librdkafka-2.0.2/list_offsets_v2_earliest.bin",
                            "LibrdkafkaEarliest", "golden-rdkafka", 1, -1, kEarliest},
        ListOffsetsExpected{"java-4.1.1/list_offsets_v6_earliest.bin", "JavaConsumerEarliest",
                            "golden-java", 0, 0, kEarliest},
        ListOffsetsExpected{"java-4.1.1/list_offsets_v6_latest.bin", "JavaGetOffsetsLatest",
                            "golden-java", 0, -1, kLatest},
        ListOffsetsExpected{"kafka-python-2.0.2/list_offsets_v1_earliest.bin",
                            "KafkaPythonEarliest", "golden-python", 0, -1, kEarliest}),
    [](const testing::TestParamInfo<ListOffsetsExpected>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace sluice::kafka

// File: tests/broker/metadata/metadata_codec_test.cc
// Key layout, value encoding and the small value types, without any storage.
#include "broker/metadata/metadata_codec.h"

#include <set>
#include <string>

#include "broker/metadata/metadata_types.h"
#include "broker/metadata/topic_id.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::metadata {
namespace {

using ::testing::HasSubstr;

TEST(TopicIdTest, HexRoundTripsAndRejectsMalformedInput) {
  TopicId id = TopicId::Random();
  EXPECT_FALSE(id.IsZero());
  EXPECT_EQ(id.ToHex().size(), 32u);
  EXPECT_EQ(TopicId::FromHex(id.ToHex()), id);
  EXPECT_EQ(TopicId::FromHex("000102030405060708090A0B0C0D0E0F")->ToString(),
            "000102030405060708090a0b0c0d0e0f");
  EXPECT_FALSE(TopicId::FromHex("0001").has_value());
  EXPECT_FALSE(TopicId::FromHex(std::string(31, '0') + "g").has_value());
  EXPECT_TRUE(TopicId{}.IsZero());
}

TEST(TopicIdTest, RandomIdsDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(TopicId::Random().ToHex());
  EXPECT_EQ(seen.size(), 100u);
}

TEST(ClusterIdTest, IsTwentyTwoBase64UrlCharacters) {
  for (int i = 0; i < 20; ++i) {
    std::string id = GenerateClusterId();
    ASSERT_EQ(id.size(), 22u);
    EXPECT_EQ(
        id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << id;
  }
  EXPECT_NE(GenerateClusterId(), GenerateClusterId());
}

TEST(TopicNameTest, FollowsKafkaRules) {
  EXPECT_TRUE(IsValidTopicName("orders.v2_EU-1"));
  EXPECT_TRUE(IsValidTopicName(std::string(249, 'a')));
  EXPECT_FALSE(IsValidTopicName(std::string(250, 'a')));
  EXPECT_FALSE(IsValidTopicName(""));
  EXPECT_FALSE(IsValidTopicName("."));
  EXPECT_FALSE(IsValidTopicName(".."));
  EXPECT_FALSE(IsValidTopicName("a/b"));
  EXPECT_FALSE(IsValidTopicName(std::string("a\0b", 3)));
}

TEST(KeyLayoutTest, PartitionKeysSortNumericallyAndParseBack) {
  EXPECT_LT(codec::PartitionKey("t", 2), codec::PartitionKey("t", 10));
  EXPECT_LT(codec::PartitionKey("t", 255), codec::PartitionKey("t", 256));
  const std::string prefix = codec::PartitionPrefix("t");
  EXPECT_EQ(codec::PartitionFromKey(codec::PartitionKey("t", 70000), prefix), 70000);
  EXPECT_FALSE(codec::PartitionFromKey(codec::PartitionKey("u", 1), prefix).has_value());
  EXPECT_FALSE(codec::PartitionFromKey(prefix + "abc", prefix).has_value());
  EXPECT_FALSE(codec::PartitionFromKey(prefix + "\xff\xff\xff\xff", prefix).has_value());
}

TEST(KeyLayoutTest, TopicPrefixesDoNotMatchLongerNames) {
  const std::string prefix = codec::PartitionPrefix("a");
  EXPECT_NE(codec::PartitionKey("ab", 0).compare(0, prefix.size(), prefix), 0);
  const std::string config_prefix = codec::TopicConfigPrefix("a");
  EXPECT_NE(codec::TopicConfigKey("ab", "k").compare(0, config_prefix.size(), config_prefix), 0);
  EXPECT_NE(codec::BrokerConfigKey("k").compare(0, 1, "t"), 0);
}

TEST(CodecTest, RecordsRoundTrip) {
  TopicRecord topic;
  topic.name = "orders";
  topic.topic_id = TopicId::Random();
  topic.partition_count = 12;
  topic.replication_factor = 3;
  topic.created_ms = 1700000000123;
  absl::StatusOr<TopicRecord> decoded = codec::DecodeTopic("orders", codec::EncodeTopic(topic));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, topic);

  PartitionRecord partition{4, {1, 2, 3}, {1, 3}, 3, 17};
  EXPECT_EQ(*codec::DecodePartition(4, "k", codec::EncodePartition(partition)), partition);

  PartitionCheckpoint checkpoint{10, 1LL << 40, 99};
  EXPECT_EQ(*codec::DecodeCheckpoint("k", codec::EncodeCheckpoint(checkpoint)), checkpoint);

  std::string value = "quote\" backslash\\ newline\n unicode \xc3\xa9";
  EXPECT_EQ(*codec::DecodeConfigValue("k", codec::EncodeConfigValue(value)), value);
  EXPECT_EQ(*codec::DecodeClusterId(codec::EncodeClusterId("abc")), "abc");
  EXPECT_EQ(*codec::DecodeNextProducerId(codec::EncodeNextProducerId(1LL << 50)), 1LL << 50);
}

TEST(CodecTest, EncodedValuesAreCompactVersionedJson) {
  EXPECT_EQ(codec::EncodeCheckpoint({1, 2, 3}), R"({"hw":2,"log_start":1,"recovery":3,"v":1})");
}

TEST(CodecTest, MalformedValuesAreDataLossNamingKeyAndProblem) {
  struct Case {
    std::string value;
    std::string problem;
  };
  const Case cases[] = {
      {"", "not a JSON object"},
      {"garbage", "not a JSON object"},
      {"[1,2]", "not a JSON object"},
      {R"({"v":1,"id":"00)", "not a JSON object"},
      {R"({"id":"0123456789abcdef0123456789abcdef","partitions":1,"rf":1,"created_ms":0})",
       "missing field 'v'"},
      {R"({"v":1,"partitions":1,"rf":1,"created_ms":0})", "missing field 'id'"},
      {R"({"v":1,"id":7,"partitions":1,"rf":1,"created_ms":0})", "field 'id' not a string"},
      {R"({"v":1,"id":"zz","partitions":1,"rf":1,"created_ms":0})", "field 'id'"},
      {R"({"v":1,"id":"00000000000000000000000000000000","partitions":1,"rf":1,"created_ms":0})",
       "field 'id'"},
      {R"({"v":1,"id":"0123456789abcdef0123456789abcdef","partitions":0,"rf":1,"created_ms":0})",
       "field 'partitions' out of range"},
      {R"({"v":1,"id":"0123456789abcdef0123456789abcdef","partitions":1.5,"rf":1,"created_ms":0})",
       "field 'partitions' not an integer"},
      {R"({"v":1,"id":"0123456789abcdef0123456789abcdef","partitions":1,"rf":70000,"created_ms":0})",
       "field 'rf' out of range"},
      {R"({"v":1,"id":"0123456789abcdef0123456789abcdef","partitions":1,"rf":1,)"
       R"("created_ms":18446744073709551615})",
       "field 'created_ms' out of range"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<TopicRecord> topic = codec::DecodeTopic("orders", c.value);
    EXPECT_EQ(topic.status().code(), absl::StatusCode::kDataLoss) << c.value;
    EXPECT_THAT(topic.status().message(), HasSubstr("column 'topics' key 'orders'")) << c.value;
    EXPECT_THAT(topic.status().message(), HasSubstr(c.problem)) << c.value;
  }

  EXPECT_EQ(codec::DecodePartition(0, "k",
                                   R"({"v":1,"replicas":[1,"x"],"isr":[],)"
                                   R"("leader":1,"leader_epoch":0})")
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(codec::DecodePartition(0, "k",
                                   R"({"v":1,"replicas":[4294967296],"isr":[],)"
                                   R"("leader":1,"leader_epoch":0})")
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(codec::DecodeClusterId(R"({"v":1,"cluster_id":""})").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(codec::DecodeNextProducerId(R"({"v":1,"next":-5})").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(CodecTest, NewerFormatVersionIsFailedPrecondition) {
  absl::Status status = codec::DecodeConfigValue("k", R"({"v":2,"value":"x"})").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("newer"));
}

TEST(CodecTest, DescribeKeyEscapesNonPrintableBytes) {
  EXPECT_EQ(codec::DescribeKey(Column::kPartitions, codec::PartitionKey("t", 1)),
            "column 'partitions' key 't\\x00\\x00\\x00\\x00\\x01'");
}

}  // namespace
}  // namespace sluice::metadata

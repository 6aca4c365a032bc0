// Generated codecs against byte layouts worked out by hand from the Kafka protocol
// guide. Round trips cannot catch a mistake made the same way in Encode and Decode;
// these can.
#include <gtest/gtest.h>

#include <string>

#include "common/kafka/protocol/messages/all.h"
#include "common/kafka/protocol/reader.h"
#include "common/kafka/protocol/writer.h"

namespace sluice::kafka {
namespace {

std::string Bytes(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) s.push_back(static_cast<char>(v));
  return s;
}

template <typename T>
std::string Encode(const T& m, int16_t version) {
  Writer w;
  m.Encode(w, version);
  return w.Take();
}

template <typename T>
T Decode(const std::string& bytes, int16_t version) {
  Reader r(bytes);
  T m;
  const absl::Status status = m.Decode(r, version);
  EXPECT_TRUE(status.ok()) << status;
  return m;
}

TEST(KnownBytesTest, RequestHeaderV2KeepsClientIdClassic) {
  RequestHeader h;
  h.request_api_key = 18;
  h.request_api_version = 3;
  h.correlation_id = 7;
  h.client_id = "ab";
  const std::string expected =
      Bytes({0x00, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x07, 0x00, 0x02, 'a', 'b', 0x00});
  EXPECT_EQ(Encode(h, 2), expected);
  EXPECT_EQ(Encode(h, 1), expected.substr(0, expected.size() - 1));  // no tagged fields
  EXPECT_TRUE(Decode<RequestHeader>(expected, 2) == h);
}

TEST(KnownBytesTest, NullClientId) {
  RequestHeader h;
  h.client_id = std::nullopt;
  EXPECT_EQ(Encode(h, 1), Bytes({0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}));
}

TEST(KnownBytesTest, ResponseHeaderVersions) {
  ResponseHeader h;
  h.correlation_id = 0x01020304;
  EXPECT_EQ(Encode(h, 0), Bytes({1, 2, 3, 4}));
  EXPECT_EQ(Encode(h, 1), Bytes({1, 2, 3, 4, 0}));
}

TEST(KnownBytesTest, ApiVersionsRequestV3UsesCompactStrings) {
  ApiVersionsRequest m;
  m.client_software_name = "x";
  m.client_software_version = "1";
  EXPECT_EQ(Encode(m, 3), Bytes({0x02, 'x', 0x02, '1', 0x00}));
  EXPECT_EQ(Encode(m, 2), "");  // both fields are v3+
}

TEST(KnownBytesTest, MetadataRequestNullTopicsMeansAllTopics) {
  MetadataRequest m;
  m.topics = std::nullopt;
  m.allow_auto_topic_creation = true;  // the spec default
  EXPECT_EQ(Encode(m, 4), Bytes({0xff, 0xff, 0xff, 0xff, 0x01}));
  // v9 is flexible: compact null array (0), three bools, tagged-field count.
  EXPECT_EQ(Encode(m, 9), Bytes({0x00, 0x01, 0x00, 0x00, 0x00}));
  // In v0 the array is not nullable: null is written as an empty array.
  EXPECT_EQ(Encode(m, 0), Bytes({0, 0, 0, 0}));
}

TEST(KnownBytesTest, SpecDefaultsAreApplied) {
  MetadataRequest m;
  EXPECT_TRUE(m.allow_auto_topic_creation);
  FetchRequest f;
  EXPECT_EQ(f.replica_id, -1);
  EXPECT_EQ(f.max_bytes, 0x7fffffff);
  EXPECT_EQ(f.session_epoch, -1);
  EXPECT_EQ(f.cluster_id, std::nullopt);
  ProduceRequest p;
  EXPECT_EQ(p.transactional_id, std::nullopt);
  // A nullable field without a "null" default starts out empty, as in Kafka.
  FetchResponse::PartitionData pd;
  ASSERT_TRUE(pd.aborted_transactions.has_value());
  EXPECT_TRUE(pd.aborted_transactions->empty());
  EXPECT_EQ(pd.records, std::nullopt);  // records default to null
  EXPECT_EQ(pd.preferred_read_replica, -1);
}

TEST(KnownBytesTest, ProduceResponseTaggedFieldWrittenOnlyWhenNotDefault) {
  ProduceResponse m;
  auto& topic = m.responses.emplace_back();
  topic.name = "t";
  auto& p = topic.partition_responses.emplace_back();
  p.index = 1;
  const std::string without = Encode(m, 10);
  // responses: 1 topic; name "t"; 1 partition: index, error, base offset, log append
  // time, log start offset, record_errors (empty), error_message (null), no tags;
  // end of topic tags; throttle time; top-level tags.
  const std::string expected_without =
      Bytes({0x02, 0x02, 't', 0x02}) +   // 1 topic named "t", 1 partition
      Bytes({0, 0, 0, 1, 0, 0}) +        // index 1, error_code 0
      std::string(8, '\0') +             // base_offset 0
      std::string(16, '\xff') +          // log_append_time_ms, log_start_offset: -1
      Bytes({0x01, 0x00, 0x00, 0x00}) +  // record_errors, error_message, 2 tag sections
      Bytes({0, 0, 0, 0, 0x00});         // throttle_time_ms, top-level tags
  EXPECT_EQ(without, expected_without);

  p.current_leader.leader_id = 2;
  p.current_leader.leader_epoch = 3;
  const std::string with = Encode(m, 10);
  // The partition's tag section now holds tag 0, 9 bytes: two int32 and an empty section.
  std::string expected_with = expected_without;
  const size_t tags_pos = expected_without.size() - 7;
  expected_with.replace(tags_pos, 1, Bytes({0x01, 0x00, 0x09, 0, 0, 0, 2, 0, 0, 0, 3, 0x00}));
  EXPECT_EQ(with, expected_with);
  EXPECT_TRUE(Decode<ProduceResponse>(with, 10) == m);
}

TEST(KnownBytesTest, UnknownTaggedFieldsAreSkipped) {
  // ApiVersionsRequest v3 with an extra tagged field (tag 5, 2 bytes) at the end.
  const std::string bytes = Bytes({0x02, 'x', 0x02, '1', 0x01, 0x05, 0x02, 0xaa, 0xbb});
  ApiVersionsRequest m = Decode<ApiVersionsRequest>(bytes, 3);
  EXPECT_EQ(m.client_software_name, "x");
  EXPECT_EQ(m.client_software_version, "1");
}

TEST(KnownBytesTest, DecodeErrorNamesMessageVersionAndField) {
  const std::string bytes = Bytes({0x02, 'x'});  // client_software_version missing
  Reader r(bytes);
  ApiVersionsRequest m;
  const absl::Status status = m.Decode(r, 3);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const std::string message(status.message());
  EXPECT_NE(message.find("ApiVersionsRequest v3"), std::string::npos) << message;
  EXPECT_NE(message.find("client_software_version"), std::string::npos) << message;
}

}  // namespace
}  // namespace sluice::kafka

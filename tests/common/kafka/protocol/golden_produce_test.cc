// Produce requests captured from real clients (tests/fixtures/protocol/): the generated
// codec finds the topic, partition and acks, and the record batch inside parses with the
// records module (ParseBatchHeader, VerifyBatch for size and CRC32C, DecodeRecords) into
// the keys and values the capture sent, compressed with the codec it asked for.
//
// Every capture sent three records to partition 0, key "key-<i>" and value
// "value-<i>-<tag>-abcd...abcd" (tests/tools/capture_golden.sh, `records`); the repeated
// tail makes compression pay off, without which librdkafka sends a batch uncompressed.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/kafka/protocol/messages/all.h"
#include "common/kafka/records/batch_header.h"
#include "common/kafka/records/record.h"
#include "tests/common/kafka/protocol/golden_fixtures.h"

namespace sluice::kafka {
namespace {

using golden::DecodeFixture;

constexpr int kRecordsPerCapture = 3;
constexpr size_t kMaxDecompressed = 1 << 20;
constexpr int64_t kYear2020Ms = 1577836800000;  // a create-time timestamp is after this

struct ProduceExpected {
  const char* fixture;
  const char* name;  // test name suffix
  const char* topic;
  const char* value_tag;  // the <tag> in each value
  Compression compression;
  int16_t acks;
  int32_t timeout_ms;
  bool idempotent;  // producer id, epoch and base sequence set
};

std::string ExpectedValue(int i, const std::string& tag) {
  return "value-" + std::to_string(i) + "-" + tag + "-abcdabcdabcdabcdabcdabcdabcdabcd";
}

class GoldenProduceTest : public testing::TestWithParam<ProduceExpected> {};

TEST_P(GoldenProduceTest, BatchCarriesTheRecordsSentWithTheRequestedCodec) {
  const ProduceExpected& want = GetParam();
  const auto d = DecodeFixture<ProduceRequest>(want.fixture);
  ASSERT_TRUE(d.has_value());
  const ProduceRequest& r = d->request;
  EXPECT_FALSE(r.transactional_id.has_value());
  EXPECT_EQ(r.acks, want.acks);
  EXPECT_EQ(r.timeout_ms, want.timeout_ms);
  ASSERT_EQ(r.topic_data.size(), 1u);
  EXPECT_EQ(r.topic_data[0].name, want.topic);
  ASSERT_EQ(r.topic_data[0].partition_data.size(), 1u);
  const auto& partition = r.topic_data[0].partition_data[0];
  EXPECT_EQ(partition.index, 0);
  ASSERT_TRUE(partition.records.has_value());

  // One whole batch, nothing after it.
  const std::string_view batch = *partition.records;
  const absl::StatusOr<BatchHeader> header = ParseBatchHeader(batch);
  ASSERT_TRUE(header.ok()) << header.status();
  const absl::Status verified = VerifyBatch(*header, batch);
  ASSERT_TRUE(verified.ok()) << verified;

  EXPECT_EQ(header->base_offset, 0);
  EXPECT_EQ(header->magic, kMagicV2);
  EXPECT_EQ(header->compression(), want.compression);
  EXPECT_FALSE(header->is_transactional());
  EXPECT_FALSE(header->is_control());
  EXPECT_FALSE(header->log_append_time());
  EXPECT_EQ(header->record_count, kRecordsPerCapture);
  EXPECT_EQ(header->last_offset_delta, kRecordsPerCapture - 1);
  EXPECT_GT(header->base_timestamp, kYear2020Ms);
  EXPECT_GE(header->max_timestamp, header->base_timestamp);
  if (want.idempotent) {
    EXPECT_GE(header->producer_id, 0);
    EXPECT_GE(header->producer_epoch, 0);
    EXPECT_GE(header->base_sequence, 0);
  } else {
    EXPECT_EQ(header->producer_id, -1);
    EXPECT_EQ(header->producer_epoch, -1);
    EXPECT_EQ(header->base_sequence, -1);
  }

  const absl::StatusOr<std::vector<Record>> records =
      DecodeRecords(*header, batch, kMaxDecompressed);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), static_cast<size_t>(kRecordsPerCapture));
  for (int i = 0; i < kRecordsPerCapture; ++i) {
    const Record& record = (*records)[i];
    EXPECT_EQ(record.offset_delta, i);
    EXPECT_GE(record.timestamp_delta, 0);
    EXPECT_LE(header->base_timestamp + record.timestamp_delta, header->max_timestamp);
    EXPECT_EQ(record.key, std::optional<std::string>("key-" + std::to_string(i + 1)));
    EXPECT_EQ(record.value, std::optional<std::string>(ExpectedValue(i + 1, want.value_tag)));
    EXPECT_TRUE(record.headers.empty());
  }
}

// librdkafka: acks=all (-1) and request.timeout.ms 30 s by default. Java console-producer:
// acks=all and its own --request-timeout-ms default of 1500. kafka-python: acks=1 as set.
INSTANTIATE_TEST_SUITE_P(
    Clients, GoldenProduceTest,
    testing::Values(
        ProduceExpected{"librdkafka-2.0.2/produce_v7_none.bin", "LibrdkafkaNone", "golden-rdkafka",
                        "none", Compression::kNone, -1, 30000, false},
        ProduceExpected{"librdkafka-2.0.2/produce_v7_gzip.bin", "LibrdkafkaGzip", "golden-rdkafka",
                        "gzip", Compression::kGzip, -1, 30000, false},
        ProduceExpected{"librdkafka-2.0.2/produce_v7_snappy.bin", "LibrdkafkaSnappy",
                        "golden-rdkafka", "snappy", Compression::kSnappy, -1, 30000, false},
        ProduceExpected{"librdkafka-2.0.2/produce_v7_lz4.bin", "LibrdkafkaLz4", "golden-rdkafka",
                        "lz4", Compression::kLz4, -1, 30000, false},
        ProduceExpected{"librdkafka-2.0.2/produce_v7_zstd.bin", "LibrdkafkaZstd", "golden-rdkafka",
                        "zstd", Compression::kZstd, -1, 30000, false},
        ProduceExpected{"java-4.1.1/produce_v11_idempotent.bin", "JavaIdempotent", "golden-java",
                        "java", Compression::kNone, -1, 1500, true},
        ProduceExpected{"kafka-python-2.0.2/produce_v7_none.bin", "KafkaPythonNone",
                        "golden-python", "python-none", Compression::kNone, 1, 30000, false},
        ProduceExpected{"kafka-python-2.0.2/produce_v7_gzip.bin", "KafkaPythonGzip",
                        "golden-python", "python-gzip", Compression::kGzip, 1, 30000, false}),
    [](const testing::TestParamInfo<ProduceExpected>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace sluice::kafka

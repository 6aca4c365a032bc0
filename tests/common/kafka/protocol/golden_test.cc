// Request frames captured from real clients (tests/fixtures/protocol/README.md) decode
// with the generated codec, leave no byte over, and re-encode to the same bytes. The
// fixtures are listed here one by one, so a missing file fails; a file on disk that is
// not listed fails too, so a new capture cannot go untested. Field-level checks live in
// golden_requests_test.cc and golden_produce_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/kafka/protocol/frame.h"
#include "common/kafka/protocol/messages/all.h"
#include "common/kafka/protocol/messages/dispatch.h"
#include "tests/common/kafka/protocol/golden_fixtures.h"

namespace sluice::kafka {
namespace {

using golden::DecodeFixture;
using golden::ReadFixture;

struct Fixture {
  const char* path;  // relative to the fixtures directory
  int16_t api_key;
  int16_t api_version;
  const char* client_id;
};

// Every fixture, with the header each one must carry. Re-capturing can move a version
// (a client or apis.json change); then rename here and in the field checks.
constexpr Fixture kFixtures[] = {
    // kcat 1.7.1 / librdkafka 2.0.2
    {"librdkafka-2.0.2/api_versions_v3.bin", 18, 3, "rdkafka"},
    {"librdkafka-2.0.2/metadata_v4_brokers.bin", 3, 4, "rdkafka"},
    {"librdkafka-2.0.2/metadata_v4_all.bin", 3, 4, "rdkafka"},
    {"librdkafka-2.0.2/metadata_v4_topic.bin", 3, 4, "rdkafka"},
    {"librdkafka-2.0.2/produce_v7_none.bin", 0, 7, "rdkafka"},
    {"librdkafka-2.0.2/produce_v7_gzip.bin", 0, 7, "rdkafka"},
    {"librdkafka-2.0.2/produce_v7_snappy.bin", 0, 7, "rdkafka"},
    {"librdkafka-2.0.2/produce_v7_lz4.bin", 0, 7, "rdkafka"},
    {"librdkafka-2.0.2/produce_v7_zstd.bin", 0, 7, "rdkafka"},
    {"librdkafka-2.0.2/list_offsets_v2_earliest.bin", 2, 2, "rdkafka"},
    {"librdkafka-2.0.2/fetch_v11.bin", 1, 11, "rdkafka"},
    // Apache Kafka 4.1.1 Java clients and tools
    {"java-4.1.1/api_versions_v4.bin", 18, 4, "admin-1"},
    {"java-4.1.1/create_topics_v7.bin", 19, 7, "adminclient-1"},
    {"java-4.1.1/metadata_v12_topic.bin", 3, 12, "console-producer"},
    {"java-4.1.1/init_producer_id_v4.bin", 22, 4, "console-producer"},
    {"java-4.1.1/produce_v11_idempotent.bin", 0, 11, "console-producer"},
    {"java-4.1.1/list_offsets_v6_earliest.bin", 2, 6, "console-consumer"},
    {"java-4.1.1/list_offsets_v6_latest.bin", 2, 6, "GetOffsetShell"},
    {"java-4.1.1/fetch_v12.bin", 1, 12, "console-consumer"},
    // kafka-python 2.0.2
    {"kafka-python-2.0.2/api_versions_v0.bin", 18, 0, "kafka-python-golden"},
    {"kafka-python-2.0.2/metadata_v1_topic.bin", 3, 1, "kafka-python-golden"},
    {"kafka-python-2.0.2/produce_v7_none.bin", 0, 7, "kafka-python-golden"},
    {"kafka-python-2.0.2/produce_v7_gzip.bin", 0, 7, "kafka-python-golden"},
    {"kafka-python-2.0.2/list_offsets_v1_earliest.bin", 2, 1, "kafka-python-golden"},
    {"kafka-python-2.0.2/fetch_v4.bin", 1, 4, "kafka-python-golden"},
};

void PrintTo(const Fixture& fixture, std::ostream* os) { *os << fixture.path; }

class GoldenFrameTest : public testing::TestWithParam<Fixture> {};

TEST_P(GoldenFrameTest, DecodesWholeFrameAndReencodesIdentically) {
  const Fixture& want = GetParam();
  const std::string frame = ReadFixture(want.path);
  ASSERT_FALSE(frame.empty());

  Reader reader(frame);
  RequestHeader header;
  const absl::Status header_status = DecodeRequestHeader(reader, header);
  ASSERT_TRUE(header_status.ok()) << header_status;
  EXPECT_EQ(header.request_api_key, want.api_key);
  EXPECT_EQ(header.request_api_version, want.api_version);
  EXPECT_EQ(header.client_id, std::optional<std::string>(want.client_id));

  bool visited = false;
  const bool known = VisitApi(header.request_api_key, [&](auto api) {
    visited = true;
    typename decltype(api)::Request request;
    const absl::Status status = request.Decode(reader, header.request_api_version);
    ASSERT_TRUE(status.ok()) << status;
    EXPECT_EQ(reader.remaining(), 0u);

    Writer w;
    header.Encode(w, RequestHeaderVersion(header.request_api_key, header.request_api_version));
    request.Encode(w, header.request_api_version);
    EXPECT_EQ(w.Take(), frame);
  });
  EXPECT_TRUE(known && visited) << "no codec for api key " << header.request_api_key;
}

INSTANTIATE_TEST_SUITE_P(Clients, GoldenFrameTest, testing::ValuesIn(kFixtures),
                         [](const testing::TestParamInfo<Fixture>& info) {
                           std::string name = info.param.path;
                           std::replace_if(
                               name.begin(), name.end(),
                               [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
                               '_');
                           return name;
                         });

TEST(GoldenFixturesTest, EveryFileOnDiskIsListed) {
  namespace fs = std::filesystem;
  const fs::path root(SLUICE_PROTOCOL_FIXTURES_DIR);
  std::vector<std::string> listed;
  for (const Fixture& f : kFixtures) listed.emplace_back(f.path);
  int files = 0;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".bin") continue;
    ++files;
    const std::string rel = entry.path().lexically_relative(root).generic_string();
    EXPECT_NE(std::find(listed.begin(), listed.end(), rel), listed.end())
        << rel << " is not in kFixtures";
  }
  EXPECT_EQ(files, static_cast<int>(std::size(kFixtures)));
}

struct ApiVersionsExpected {
  const char* fixture;
  const char* name;  // test name suffix
  const char* software_name;  // empty before v3
  const char* software_version;
};

class ApiVersionsGoldenTest : public testing::TestWithParam<ApiVersionsExpected> {};

// Each client's very first request on a connection, captured with no broker answering.
TEST_P(ApiVersionsGoldenTest, CarriesClientSoftware) {
  const ApiVersionsExpected& want = GetParam();
  const auto decoded = DecodeFixture<ApiVersionsRequest>(want.fixture);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->header.correlation_id, 1);
  EXPECT_EQ(decoded->request.client_software_name, want.software_name);
  EXPECT_EQ(decoded->request.client_software_version, want.software_version);
}

INSTANTIATE_TEST_SUITE_P(
    Clients, ApiVersionsGoldenTest,
    testing::Values(
        ApiVersionsExpected{"librdkafka-2.0.2/api_versions_v3.bin", "Librdkafka", "librdkafka",
                            "2.0.2"},
        ApiVersionsExpected{"java-4.1.1/api_versions_v4.bin", "Java", "apache-kafka-java",
                            "4.1.1"},
        ApiVersionsExpected{"kafka-python-2.0.2/api_versions_v0.bin", "KafkaPython", "", ""}),
    [](const testing::TestParamInfo<ApiVersionsExpected>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace sluice::kafka

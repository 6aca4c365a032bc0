// Request frames captured from real clients (tests/fixtures/protocol/README.md) decode
// with the generated codec and re-encode to the same bytes.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "common/kafka/protocol/frame.h"
#include "common/kafka/protocol/messages/all.h"

namespace sluice::kafka {
namespace {

std::string ReadFixture(const std::string& name) {
  const std::string path = std::string(SLUICE_PROTOCOL_FIXTURES_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Expected {
  const char* fixture;
  int16_t api_version;
  const char* client_id;
  const char* software_name;
  const char* software_version;
};

class ApiVersionsGoldenTest : public testing::TestWithParam<Expected> {};

TEST_P(ApiVersionsGoldenTest, DecodesAndReencodesIdentically) {
  const Expected& want = GetParam();
  const std::string frame = ReadFixture(want.fixture);
  ASSERT_FALSE(frame.empty());

  Reader reader(frame);
  RequestHeader header;
  ASSERT_TRUE(DecodeRequestHeader(reader, header).ok());
  EXPECT_EQ(header.request_api_key, ApiVersionsRequest::kApiKey);
  EXPECT_EQ(header.request_api_version, want.api_version);
  EXPECT_EQ(header.correlation_id, 1);
  EXPECT_EQ(header.client_id, std::optional<std::string>(want.client_id));

  ApiVersionsRequest request;
  const absl::Status status = request.Decode(reader, header.request_api_version);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(request.client_software_name, want.software_name);
  EXPECT_EQ(request.client_software_version, want.software_version);

  Writer w;
  header.Encode(w, RequestHeaderVersion(header.request_api_key, header.request_api_version));
  request.Encode(w, header.request_api_version);
  EXPECT_EQ(w.Take(), frame);
}

INSTANTIATE_TEST_SUITE_P(Clients, ApiVersionsGoldenTest,
                         testing::Values(Expected{"librdkafka-2.0.2/api_versions_v3.bin", 3,
                                                  "rdkafka", "librdkafka", "2.0.2"},
                                         Expected{"java-4.1.1/api_versions_v4.bin", 4, "admin-1",
                                                  "apache-kafka-java", "4.1.1"}),
                         [](const testing::TestParamInfo<Expected>& info) {
                           return info.index == 0 ? std::string("Librdkafka") : std::string("Java");
                         });

}  // namespace
}  // namespace sluice::kafka

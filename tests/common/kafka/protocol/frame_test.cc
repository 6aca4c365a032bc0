// Framing helpers and the header-version rules of api_keys.h.
#include "common/kafka/protocol/frame.h"

#include <gtest/gtest.h>

#include <string>

#include "common/kafka/protocol/messages/all.h"

namespace sluice::kafka {
namespace {

TEST(ApiKeysTest, TableHoldsSluicesVersionRanges) {
  const ApiSpec* produce = FindApi(0);
  ASSERT_NE(produce, nullptr);
  EXPECT_STREQ(produce->name, "Produce");
  EXPECT_EQ(produce->min_version, 3);
  EXPECT_EQ(produce->max_version, 11);
  EXPECT_EQ(produce->first_flexible_version, 9);
  const ApiSpec* offset_delete = FindApi(47);
  ASSERT_NE(offset_delete, nullptr);
  EXPECT_EQ(offset_delete->first_flexible_version, -1);
  EXPECT_EQ(FindApi(17), nullptr);  // SaslHandshake: not generated
  EXPECT_EQ(GeneratedApis().size(), 29u);
  EXPECT_EQ(static_cast<int16_t>(ApiKey::kDescribeCluster), 60);
}

TEST(ApiKeysTest, HeaderVersionsFollowFlexibility) {
  EXPECT_EQ(RequestHeaderVersion(0, 8), 1);
  EXPECT_EQ(RequestHeaderVersion(0, 9), 2);
  EXPECT_EQ(RequestHeaderVersion(0, 13), 2);  // above Sluice's maximum, still flexible
  EXPECT_EQ(ResponseHeaderVersion(0, 8), 0);
  EXPECT_EQ(ResponseHeaderVersion(0, 9), 1);
  EXPECT_EQ(RequestHeaderVersion(18, 3), 2);
  EXPECT_EQ(ResponseHeaderVersion(18, 3), 0);  // ApiVersions responses: always v0
  EXPECT_EQ(RequestHeaderVersion(47, 0), 1);   // OffsetDelete is never flexible
  EXPECT_EQ(RequestHeaderVersion(999, 0), -1);
  EXPECT_EQ(ResponseHeaderVersion(999, 0), -1);
}

TEST(FrameTest, RequestFrameRoundTrip) {
  RequestHeader header;
  header.request_api_key = MetadataRequest::kApiKey;
  header.request_api_version = 12;
  header.correlation_id = 42;
  header.client_id = "client";
  MetadataRequest request;
  request.topics.emplace().emplace_back().name = "orders";
  Writer w;
  EncodeRequestFrame(header, request, w);
  const std::string frame = w.Take();

  Reader r(frame);
  ASSERT_EQ(r.ReadInt32(), static_cast<int32_t>(frame.size() - kFrameLengthSize));
  RequestHeader decoded_header;
  ASSERT_TRUE(DecodeRequestHeader(r, decoded_header).ok());
  EXPECT_TRUE(decoded_header == header);
  MetadataRequest decoded;
  ASSERT_TRUE(decoded.Decode(r, decoded_header.request_api_version).ok());
  EXPECT_TRUE(decoded == request);
}

TEST(FrameTest, ResponseFrameUsesTheRightHeaderVersion) {
  ApiVersionsResponse response;
  response.error_code = 35;
  Writer w;
  EncodeResponseFrame(9, 3, response, w);
  const std::string frame = w.Take();
  Reader r(frame);
  EXPECT_EQ(r.ReadInt32(), static_cast<int32_t>(frame.size() - kFrameLengthSize));
  EXPECT_EQ(r.ReadInt32(), 9);  // header v0: correlation id only, no tagged fields
  ApiVersionsResponse decoded;
  ASSERT_TRUE(decoded.Decode(r, 3).ok());
  EXPECT_EQ(decoded.error_code, 35);

  MetadataResponse metadata;
  EncodeResponseFrame(10, 9, metadata, w);
  const std::string flexible = w.Take();
  Reader r2(flexible);
  r2.ReadInt32();
  ResponseHeader header;
  ASSERT_TRUE(header.Decode(r2, 1).ok());
  EXPECT_EQ(header.correlation_id, 10);
  ASSERT_TRUE(metadata.Decode(r2, 9).ok());
}

TEST(FrameTest, UnknownApiKeyStillYieldsTheCorrelationId) {
  Writer w;
  w.WriteInt16(999);
  w.WriteInt16(0);
  w.WriteInt32(77);
  w.WriteString("c");
  w.WriteInt8(1);  // body
  const std::string frame = w.Take();
  Reader r(frame);
  RequestHeader header;
  ASSERT_TRUE(DecodeRequestHeader(r, header).ok());
  EXPECT_EQ(header.request_api_key, 999);
  EXPECT_EQ(header.correlation_id, 77);
  EXPECT_EQ(r.remaining(), 1u);
}

TEST(FrameTest, TruncatedHeaderFails) {
  const std::string frame("\x00\x12", 2);
  Reader r(frame);
  RequestHeader header;
  EXPECT_FALSE(DecodeRequestHeader(r, header).ok());
}

}  // namespace
}  // namespace sluice::kafka

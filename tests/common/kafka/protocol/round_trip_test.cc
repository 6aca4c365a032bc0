// Every generated message at every supported version: fill every field, encode, decode,
// compare, re-encode and compare bytes; and every strict prefix of an encoding fails.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "common/kafka/protocol/messages/api_keys.h"
#include "common/kafka/protocol/messages/dispatch.h"
#include "common/kafka/protocol/messages/testing/fill_for_test.h"
#include "common/kafka/protocol/reader.h"
#include "common/kafka/protocol/writer.h"

namespace sluice::kafka {
namespace {

using ::testing::HasSubstr;

constexpr uint32_t kSeeds = 8;

template <typename T>
std::string EncodeToString(const T& message, int16_t version) {
  Writer w;
  message.Encode(w, version);
  return w.Take();
}

template <typename T>
void CheckRoundTrip(const char* type, int16_t version, uint32_t seed) {
  SCOPED_TRACE(testing::Message() << type << " v" << version << " seed " << seed);
  T original;
  FillForTest(original, version, seed);
  const std::string bytes = EncodeToString(original, version);

  Reader reader(bytes);
  T decoded;
  const absl::Status status = decoded.Decode(reader, version);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_TRUE(decoded == original);
  EXPECT_EQ(EncodeToString(decoded, version), bytes);
}

template <typename T>
void CheckEveryVersion(const char* type) {
  bool any_non_default = false;
  for (int16_t v = T::kMinVersion; v <= T::kMaxVersion; ++v) {
    for (uint32_t seed = 1; seed <= kSeeds; ++seed) CheckRoundTrip<T>(type, v, seed);
    T filled;
    FillForTest(filled, v, 1);
    if (!(filled == T())) any_non_default = true;
  }
  // Guards against a FillForTest that fills nothing, which would make the above vacuous.
  EXPECT_TRUE(any_non_default) << type;
}

template <typename T>
void CheckTruncationAndTrailingBytes(const char* type) {
  for (int16_t v = T::kMinVersion; v <= T::kMaxVersion; ++v) {
    SCOPED_TRACE(testing::Message() << type << " v" << v);
    T original;
    FillForTest(original, v, 3);
    const std::string bytes = EncodeToString(original, v);
    for (size_t n = 0; n < bytes.size(); ++n) {
      Reader reader(std::string_view(bytes).substr(0, n));
      T decoded;
      EXPECT_FALSE(decoded.Decode(reader, v).ok()) << "prefix of " << n << " bytes decoded";
    }
    const std::string longer = bytes + '\0';
    Reader reader(longer);
    T decoded;
    const absl::Status status = decoded.Decode(reader, v);
    EXPECT_FALSE(status.ok());
    EXPECT_THAT(std::string(status.message()), HasSubstr("unexpected bytes"));
  }
}

template <typename T>
void CheckVersionRange(const char* type) {
  SCOPED_TRACE(type);
  const std::string empty;
  for (int16_t v :
       {static_cast<int16_t>(T::kMinVersion - 1), static_cast<int16_t>(T::kMaxVersion + 1)}) {
    Reader reader(empty);
    T decoded;
    const absl::Status status = decoded.Decode(reader, v);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(status.message()), HasSubstr("unsupported version"));
  }
}

class RoundTripTest : public testing::TestWithParam<ApiSpec> {};

TEST_P(RoundTripTest, EveryFieldAtEveryVersionSurvivesEncodeDecode) {
  ASSERT_TRUE(VisitApi(GetParam().key, [](auto api) {
    using Api = decltype(api);
    CheckEveryVersion<typename Api::Request>("request");
    CheckEveryVersion<typename Api::Response>("response");
  }));
}

TEST_P(RoundTripTest, TruncatedOrOverlongInputFails) {
  ASSERT_TRUE(VisitApi(GetParam().key, [](auto api) {
    using Api = decltype(api);
    CheckTruncationAndTrailingBytes<typename Api::Request>("request");
    CheckTruncationAndTrailingBytes<typename Api::Response>("response");
  }));
}

TEST_P(RoundTripTest, VersionsOutsideTheSupportedRangeAreRejected) {
  ASSERT_TRUE(VisitApi(GetParam().key, [](auto api) {
    using Api = decltype(api);
    CheckVersionRange<typename Api::Request>("request");
    CheckVersionRange<typename Api::Response>("response");
  }));
}

TEST_P(RoundTripTest, TypesAgreeWithTheApiTable) {
  const ApiSpec& spec = GetParam();
  ASSERT_TRUE(VisitApi(spec.key, [&](auto api) {
    using Req = typename decltype(api)::Request;
    using Resp = typename decltype(api)::Response;
    EXPECT_EQ(Req::kApiKey, spec.key);
    EXPECT_EQ(Resp::kApiKey, spec.key);
    EXPECT_EQ(Req::kMinVersion, spec.min_version);
    EXPECT_EQ(Req::kMaxVersion, spec.max_version);
    EXPECT_EQ(Resp::kMaxVersion, spec.max_version);
    EXPECT_EQ(Req::kFirstFlexibleVersion, spec.first_flexible_version);
  }));
}

INSTANTIATE_TEST_SUITE_P(AllApis, RoundTripTest, testing::ValuesIn(GeneratedApis()),
                         [](const testing::TestParamInfo<ApiSpec>& info) {
                           return std::string(info.param.name);
                         });

TEST(HeaderRoundTripTest, RequestAndResponseHeaders) {
  CheckEveryVersion<RequestHeader>("RequestHeader");
  CheckEveryVersion<ResponseHeader>("ResponseHeader");
  CheckVersionRange<RequestHeader>("RequestHeader");
  CheckVersionRange<ResponseHeader>("ResponseHeader");
}

TEST(FillForTestTest, IsDeterministicPerSeed) {
  FetchResponse a, b, c;
  FillForTest(a, 12, 5);
  FillForTest(b, 12, 5);
  FillForTest(c, 12, 6);
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a == c);
}

TEST(FillForTestTest, LeavesFieldsAbsentAtTheVersionAtTheirDefaults) {
  for (uint32_t seed = 1; seed <= kSeeds; ++seed) {
    ProduceRequest m;
    FillForTest(m, 9, seed);
    ASSERT_FALSE(m.topic_data.empty());
    for (const auto& topic : m.topic_data) EXPECT_TRUE(topic.topic_id.IsZero());  // v13+
  }
}

}  // namespace
}  // namespace sluice::kafka

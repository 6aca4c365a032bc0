#include "common/kafka/records/varint.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace sluice::kafka {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

std::string EncodeVarint(int32_t v) {
  std::string s;
  AppendVarint(v, &s);
  return s;
}

std::string EncodeVarlong(int64_t v) {
  std::string s;
  AppendVarlong(v, &s);
  return s;
}

TEST(VarintTest, EncodesZigzagExamples) {
  EXPECT_EQ(EncodeVarint(0), Bytes({0x00}));
  EXPECT_EQ(EncodeVarint(-1), Bytes({0x01}));
  EXPECT_EQ(EncodeVarint(1), Bytes({0x02}));
  EXPECT_EQ(EncodeVarint(63), Bytes({0x7e}));
  EXPECT_EQ(EncodeVarint(-64), Bytes({0x7f}));
  EXPECT_EQ(EncodeVarint(64), Bytes({0x80, 0x01}));
  EXPECT_EQ(EncodeVarint(300), Bytes({0xd8, 0x04}));
  EXPECT_EQ(EncodeVarint(std::numeric_limits<int32_t>::max()),
            Bytes({0xfe, 0xff, 0xff, 0xff, 0x0f}));
  EXPECT_EQ(EncodeVarint(std::numeric_limits<int32_t>::min()),
            Bytes({0xff, 0xff, 0xff, 0xff, 0x0f}));
  EXPECT_EQ(EncodeVarlong(std::numeric_limits<int64_t>::min()),
            Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
}

TEST(VarintTest, RoundTripsBoundaryValuesAndSizesMatch) {
  for (int32_t v : {0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, 1 << 20, -(1 << 20),
                    std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min()}) {
    std::string s = EncodeVarint(v);
    EXPECT_EQ(s.size(), VarintSize(v)) << v;
    std::string_view in = s;
    int32_t out = 0;
    ASSERT_TRUE(ReadVarint(&in, &out)) << v;
    EXPECT_EQ(out, v);
    EXPECT_TRUE(in.empty());
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1} << 40, -(int64_t{1} << 40),
                    std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}) {
    std::string s = EncodeVarlong(v);
    EXPECT_EQ(s.size(), VarlongSize(v)) << v;
    std::string_view in = s;
    int64_t out = 0;
    ASSERT_TRUE(ReadVarlong(&in, &out)) << v;
    EXPECT_EQ(out, v);
    EXPECT_TRUE(in.empty());
  }
  EXPECT_EQ(VarlongSize(std::numeric_limits<int64_t>::min()), kMaxVarlongBytes);
  EXPECT_EQ(VarintSize(std::numeric_limits<int32_t>::min()), kMaxVarintBytes);
}

TEST(VarintTest, EveryOneAndTwoByteEncodingRoundTrips) {
  // -8192..8191 zigzag to 0..16383: all the encodings the inline short path reads.
  for (int32_t v = -8192; v <= 8191; ++v) {
    const std::string s = EncodeVarint(v);
    ASSERT_LE(s.size(), 2u) << v;
    std::string_view in = s;
    int32_t out32 = 0;
    ASSERT_TRUE(ReadVarint(&in, &out32)) << v;
    ASSERT_EQ(out32, v);
    ASSERT_TRUE(in.empty());
    const std::string l = EncodeVarlong(v);
    ASSERT_EQ(l, s) << v;
    in = l;
    int64_t out64 = 0;
    ASSERT_TRUE(ReadVarlong(&in, &out64)) << v;
    ASSERT_EQ(out64, v);
  }
  EXPECT_EQ(EncodeVarint(8192).size(), 3u);  // the first that takes the byte-by-byte path
}

TEST(VarintTest, ReadConsumesOnlyItsOwnBytes) {
  std::string s = Bytes({0x80, 0x01, 0x02, 0xff});
  std::string_view in = s;
  int32_t v = 0;
  ASSERT_TRUE(ReadVarint(&in, &v));
  EXPECT_EQ(v, 64);
  ASSERT_TRUE(ReadVarint(&in, &v));
  EXPECT_EQ(v, 1);
  EXPECT_EQ(in.size(), 1u);
}

TEST(VarintTest, RejectsTruncationAndLeavesInputUntouched) {
  for (const std::string& s : {std::string(), Bytes({0x80}), Bytes({0xff, 0xff, 0xff, 0xff})}) {
    std::string_view in = s;
    int32_t v = 12345;
    EXPECT_FALSE(ReadVarint(&in, &v));
    EXPECT_EQ(in.size(), s.size());
    EXPECT_EQ(v, 12345);
  }
  std::string nine(9, '\xff');
  std::string_view in = nine;
  int64_t v = 0;
  EXPECT_FALSE(ReadVarlong(&in, &v));
}

TEST(VarintTest, RejectsOverlongEncodings) {
  // A sixth byte for an int32, an eleventh for an int64.
  std::string six = Bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
  std::string_view in = six;
  int32_t v32;
  EXPECT_FALSE(ReadVarint(&in, &v32));
  std::string eleven = std::string(10, '\x80') + Bytes({0x00});
  std::string_view in64 = eleven;
  int64_t v64;
  EXPECT_FALSE(ReadVarlong(&in64, &v64));
}

TEST(VarintTest, RejectsBitsBeyondTheTypeInTheLastByte) {
  std::string s = Bytes({0xff, 0xff, 0xff, 0xff, 0x1f});  // 33 bits
  std::string_view in = s;
  int32_t v32;
  EXPECT_FALSE(ReadVarint(&in, &v32));
  std::string l = std::string(9, '\xff') + Bytes({0x02});  // 65 bits
  std::string_view in64 = l;
  int64_t v64;
  EXPECT_FALSE(ReadVarlong(&in64, &v64));
}

TEST(VarintTest, AcceptsRedundantZeroGroupsLikeKafka) {
  std::string s = Bytes({0x82, 0x80, 0x00});
  std::string_view in = s;
  int32_t v = -7;
  ASSERT_TRUE(ReadVarint(&in, &v));
  EXPECT_EQ(v, 1);
}

TEST(VarintTest, Int32DecodingOfALongValueFails) {
  std::string s = EncodeVarlong(int64_t{1} << 40);
  std::string_view in = s;
  int32_t v;
  EXPECT_FALSE(ReadVarint(&in, &v));
}

}  // namespace
}  // namespace sluice::kafka

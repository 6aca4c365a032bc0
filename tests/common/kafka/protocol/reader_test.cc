// Reader: primitive decoding, sticky errors and hostile input.
#include "common/kafka/protocol/reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "common/kafka/protocol/writer.h"

namespace sluice::kafka {
namespace {

using ::testing::HasSubstr;

std::string Bytes(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) s.push_back(static_cast<char>(v));
  return s;
}

TEST(ReaderTest, ReadsBigEndianFixedWidthValues) {
  const std::string data =
      Bytes({0xff, 0x12, 0x34, 0x80, 0x00, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04, 0x05,
             0x06, 0x07, 0x08, 0xfe, 0xdc, 0xff, 0xff, 0xff, 0xfe, 0x00, 0x02});
  Reader r(data);
  EXPECT_EQ(r.ReadInt8(), -1);
  EXPECT_EQ(r.ReadInt16(), 0x1234);
  EXPECT_EQ(r.ReadInt32(), std::numeric_limits<int32_t>::min() + 1);
  EXPECT_EQ(r.ReadInt64(), 0x0102030405060708);
  EXPECT_EQ(r.ReadUint16(), 0xfedc);
  EXPECT_EQ(r.ReadUint32(), 0xfffffffeu);
  EXPECT_FALSE(r.ReadBool());
  EXPECT_TRUE(r.ReadBool());  // any non-zero byte is true
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(r.position(), data.size());
}

TEST(ReaderTest, ReadsFloat64AndUuid) {
  Writer w;
  w.WriteFloat64(-2.5);
  Uuid id;
  for (size_t i = 0; i < id.bytes.size(); ++i) id.bytes[i] = static_cast<uint8_t>(i * 7);
  w.WriteUuid(id);
  const std::string data = w.Take();
  Reader r(data);
  EXPECT_EQ(r.ReadFloat64(), -2.5);
  EXPECT_EQ(r.ReadUuid(), id);
  EXPECT_TRUE(r.ok());
}

TEST(ReaderTest, UnderflowIsStickyAndNamesTheField) {
  const std::string data = Bytes({0x00, 0x01, 0x02});
  Reader r(data);
  EXPECT_EQ(r.ReadInt32("FooRequest.bar"), 0);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("FooRequest.bar"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("needs 4 bytes"));
  // Later reads return zero values and do not replace the first error, even though a
  // 1-byte read would have had enough input.
  EXPECT_EQ(r.ReadInt8("later"), 0);
  EXPECT_EQ(r.ReadString("later"), "");
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("FooRequest.bar"));
}

TEST(ReaderTest, ClassicStrings) {
  const std::string data = Bytes({0x00, 0x02, 'h', 'i', 0xff, 0xff, 0x00, 0x00});
  Reader r(data);
  EXPECT_EQ(r.ReadString(), "hi");
  EXPECT_EQ(r.ReadNullableString(), std::nullopt);
  EXPECT_EQ(r.ReadNullableString(), std::optional<std::string>(""));
  EXPECT_TRUE(r.ok());
}

TEST(ReaderTest, NullWhereNotNullableFails) {
  const std::string data = Bytes({0xff, 0xff});
  Reader r(data);
  EXPECT_EQ(r.ReadString("topic"), "");
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("null where a value is required"));
}

TEST(ReaderTest, NegativeLengthOtherThanMinusOneFails) {
  const std::string data = Bytes({0xff, 0xfe, 0x00, 0x00});
  Reader r(data);
  EXPECT_EQ(r.ReadNullableString(), std::nullopt);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("invalid length -2"));
}

TEST(ReaderTest, StringLongerThanInputFails) {
  const std::string data = Bytes({0x7f, 0xff, 'a', 'b'});
  Reader r(data);
  EXPECT_EQ(r.ReadString(), "");
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("needs 32767 bytes but only 2"));
}

TEST(ReaderTest, CompactStringsAndBytes) {
  const std::string data = Bytes({0x03, 'a', 'b', 0x00, 0x01, 0x02, 0x7f, 0x00});
  Reader r(data);
  EXPECT_EQ(r.ReadCompactString(), "ab");
  EXPECT_EQ(r.ReadCompactNullableString(), std::nullopt);
  EXPECT_EQ(r.ReadCompactNullableString(), std::optional<std::string>(""));
  EXPECT_EQ(r.ReadCompactBytes(), std::string(1, '\x7f'));
  EXPECT_EQ(r.ReadCompactNullableBytes(), std::nullopt);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ReaderTest, CompactStringOverKafkaLimitFails) {
  Writer w;
  w.WriteUnsignedVarint(0x8000 + 1);  // length 0x8000
  w.WriteRaw(std::string(0x8000, 'x'));
  const std::string data = w.Take();
  Reader r(data);
  r.ReadCompactString("name");
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("exceeds the limit of 32767"));
}

TEST(ReaderTest, HugeCompactLengthFails) {
  // uvarint 0xffffffff: claimed length 2^32 - 2.
  const std::string data = Bytes({0xff, 0xff, 0xff, 0xff, 0x0f, 'a'});
  Reader r(data);
  EXPECT_EQ(r.ReadCompactNullableBytes(), std::nullopt);
  EXPECT_FALSE(r.ok());
}

TEST(ReaderTest, ClassicBytes) {
  const std::string data = Bytes({0x00, 0x00, 0x00, 0x01, 0x09, 0xff, 0xff, 0xff, 0xff});
  Reader r(data);
  EXPECT_EQ(r.ReadBytes(), std::string(1, '\x09'));
  EXPECT_EQ(r.ReadNullableBytes(), std::nullopt);
  EXPECT_TRUE(r.ok());
}

TEST(ReaderTest, UnsignedVarintBoundaries) {
  for (uint32_t v :
       {0u, 1u, 127u, 128u, 16383u, 16384u, (1u << 21) - 1, 1u << 21, 1u << 28, 0xffffffffu}) {
    Writer w;
    w.WriteUnsignedVarint(v);
    const std::string data = w.Take();
    Reader r(data);
    EXPECT_EQ(r.ReadUnsignedVarint(), v);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.remaining(), 0u) << v;
  }
}

TEST(ReaderTest, VarintLongerThanFiveBytesFails) {
  const std::string data = Bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
  Reader r(data);
  EXPECT_EQ(r.ReadUnsignedVarint("count"), 0u);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("longer than 5 bytes"));
}

TEST(ReaderTest, VarintOverflowingThirtyTwoBitsFails) {
  const std::string data = Bytes({0xff, 0xff, 0xff, 0xff, 0x10});
  Reader r(data);
  r.ReadUnsignedVarint();
  EXPECT_FALSE(r.ok());
}

TEST(ReaderTest, TruncatedVarintFails) {
  const std::string data = Bytes({0x80, 0x80});
  Reader r(data);
  r.ReadUnsignedVarint();
  EXPECT_FALSE(r.ok());
}

TEST(ReaderTest, ZigZagVarintsRoundTrip) {
  for (int32_t v : {0, -1, 1, -64, 64, std::numeric_limits<int32_t>::min(),
                    std::numeric_limits<int32_t>::max()}) {
    Writer w;
    w.WriteVarint(v);
    const std::string data = w.Take();
    Reader r(data);
    EXPECT_EQ(r.ReadVarint(), v);
    EXPECT_EQ(r.remaining(), 0u);
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1} << 40, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    Writer w;
    w.WriteVarlong(v);
    const std::string data = w.Take();
    Reader r(data);
    EXPECT_EQ(r.ReadVarlong(), v);
    EXPECT_EQ(r.remaining(), 0u);
  }
  // Kafka's encodings: -1 -> 0x01, 1 -> 0x02.
  Writer w;
  w.WriteVarint(-1);
  w.WriteVarint(1);
  EXPECT_EQ(w.Take(), Bytes({0x01, 0x02}));
}

TEST(ReaderTest, ArrayLengths) {
  const std::string data =
      Bytes({0x00, 0x00, 0x00, 0x02, 0xff, 0xff, 0xff, 0xff, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00});
  Reader r(data);
  EXPECT_EQ(r.ReadArrayLength(false, 1), 2);
  EXPECT_EQ(r.ReadArrayLength(true, 1), -1);
  EXPECT_EQ(r.ReadCompactArrayLength(true, 1), -1);
  EXPECT_EQ(r.ReadCompactArrayLength(false, 2), 2);
  EXPECT_TRUE(r.ok());
}

TEST(ReaderTest, NullArrayWhereNotNullableFails) {
  const std::string data = Bytes({0xff, 0xff, 0xff, 0xff});
  Reader r(data);
  EXPECT_EQ(r.ReadArrayLength(false, 4, "topics"), 0);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("null array"));
}

TEST(ReaderTest, ArrayCountLargerThanRemainingBytesFails) {
  // Claims 2^31 - 1 elements with 4 bytes left.
  const std::string data = Bytes({0x7f, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00});
  Reader r(data);
  EXPECT_EQ(r.ReadArrayLength(false, 1, "partitions"), 0);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("array count 2147483647"));
}

TEST(ReaderTest, ArrayCountIsCheckedAgainstMinimumElementSize) {
  // 2 elements of at least 4 bytes each cannot fit in 7 bytes.
  const std::string data = Bytes({0x03, 0, 0, 0, 0, 0, 0, 0});
  Reader r(data);
  EXPECT_EQ(r.ReadCompactArrayLength(false, 4), 0);
  EXPECT_FALSE(r.ok());
}

TEST(ReaderTest, TaggedFieldsSkipUnknownAndDecodeKnown) {
  Writer w;
  w.WriteUnsignedVarint(2);
  w.WriteUnsignedVarint(0);  // tag 0: int32
  w.WriteUnsignedVarint(4);
  w.WriteInt32(77);
  w.WriteUnsignedVarint(9);  // tag 9: unknown, 3 bytes
  w.WriteUnsignedVarint(3);
  w.WriteRaw("xyz");
  w.WriteInt8(5);  // after the section
  const std::string data = w.Take();
  Reader r(data);
  int32_t value = 0;
  std::vector<uint32_t> seen;
  r.ReadTaggedFields([&](uint32_t tag, Reader& field) {
    seen.push_back(tag);
    if (tag != 0) return false;
    value = field.ReadInt32();
    return true;
  });
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(value, 77);
  EXPECT_EQ(seen, (std::vector<uint32_t>{0, 9}));
  EXPECT_EQ(r.ReadInt8(), 5);
}

TEST(ReaderTest, TaggedFieldWithBytesLeftOverFails) {
  Writer w;
  w.WriteUnsignedVarint(1);
  w.WriteUnsignedVarint(0);
  w.WriteUnsignedVarint(5);  // 5 bytes, but the decoder reads only 4
  w.WriteInt32(1);
  w.WriteInt8(0);
  const std::string data = w.Take();
  Reader r(data);
  r.ReadTaggedFields([](uint32_t, Reader& field) {
    field.ReadInt32();
    return true;
  });
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("1 bytes left unread"));
}

TEST(ReaderTest, TaggedFieldErrorsPropagate) {
  Writer w;
  w.WriteUnsignedVarint(1);
  w.WriteUnsignedVarint(3);
  w.WriteUnsignedVarint(2);  // 2 bytes, decoder wants 4
  w.WriteInt16(1);
  const std::string data = w.Take();
  Reader r(data);
  r.ReadTaggedFields([](uint32_t, Reader& field) {
    field.ReadInt32("Inner.value");
    return true;
  });
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("tag 3"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("Inner.value"));
}

TEST(ReaderTest, HostileTaggedSectionsFail) {
  {
    // Count far beyond the input.
    const std::string data = Bytes({0xff, 0xff, 0xff, 0xff, 0x0f, 0x00});
    Reader r(data);
    r.SkipTaggedFields();
    EXPECT_FALSE(r.ok());
  }
  {
    // Field size beyond the input.
    const std::string data = Bytes({0x01, 0x00, 0x7f, 0x00});
    Reader r(data);
    r.SkipTaggedFields();
    EXPECT_FALSE(r.ok());
  }
}

TEST(ReaderTest, ReadRawReturnsAViewIntoTheInput) {
  const std::string data = "abcdef";
  Reader r(data);
  std::string_view v = r.ReadRaw(3);
  EXPECT_EQ(v, "abc");
  EXPECT_EQ(v.data(), data.data());
  EXPECT_EQ(r.ReadRaw(4), "");
  EXPECT_FALSE(r.ok());
}

TEST(ReaderTest, BytesViewsPointIntoTheInputAndKeepNullAndErrorRules) {
  const std::string data = Bytes({0x00, 0x00, 0x00, 0x02, 'x',  'y', 0xff, 0xff, 0xff, 0xff,
                                  0x03, 'a',  'b',  0x00, 0x02, 'c', 0x00, 0x00, 0x00, 0x09});
  Reader r(data);
  const std::optional<std::string_view> classic = r.ReadNullableBytesView();
  ASSERT_TRUE(classic.has_value());
  EXPECT_EQ(*classic, "xy");
  EXPECT_EQ(classic->data(), data.data() + 4);  // not a copy
  EXPECT_EQ(r.ReadNullableBytesView(), std::nullopt);
  const std::string_view compact = r.ReadCompactBytesView();
  EXPECT_EQ(compact, "ab");
  EXPECT_EQ(compact.data(), data.data() + 11);
  EXPECT_EQ(r.ReadCompactNullableBytesView(), std::nullopt);
  EXPECT_EQ(r.ReadCompactNullableBytesView(), std::optional<std::string_view>("c"));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.ReadBytesView("records"), "");  // claims 9 bytes, none left
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("records"));
}

TEST(ReaderTest, FailKeepsTheFirstError) {
  Reader r("");
  r.Fail("a", "first");
  r.Fail("b", "second");
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("first"));
}

}  // namespace
}  // namespace sluice::kafka

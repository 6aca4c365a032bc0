// Writer: encodings, length patching and buffer ownership.
#include "common/kafka/protocol/writer.h"

#include <gtest/gtest.h>

#include <string>

#include "common/kafka/protocol/reader.h"

namespace sluice::kafka {
namespace {

std::string Bytes(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) s.push_back(static_cast<char>(v));
  return s;
}

TEST(WriterTest, FixedWidthValuesAreBigEndian) {
  Writer w;
  w.WriteInt8(-2);
  w.WriteInt16(0x0102);
  w.WriteInt32(-1);
  w.WriteInt64(0x0102030405060708);
  w.WriteUint16(0xabcd);
  w.WriteUint32(0x01020304);
  w.WriteBool(true);
  EXPECT_EQ(w.Take(), Bytes({0xfe, 0x01, 0x02, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03, 0x04,
                             0x05, 0x06, 0x07, 0x08, 0xab, 0xcd, 0x01, 0x02, 0x03, 0x04, 0x01}));
}

TEST(WriterTest, StringsAndBytesInBothForms) {
  Writer w;
  w.WriteString("ab");
  w.WriteNullableString(std::nullopt);
  w.WriteCompactString("ab");
  w.WriteCompactNullableString(std::nullopt);
  w.WriteBytes("z");
  w.WriteNullableBytes(std::nullopt);
  w.WriteCompactBytes("");
  w.WriteCompactNullableBytes(std::nullopt);
  EXPECT_EQ(w.Take(), Bytes({0x00, 0x02, 'a',  'b', 0xff, 0xff, 0x03, 'a',  'b',  0x00, 0x00,
                             0x00, 0x00, 0x01, 'z', 0xff, 0xff, 0xff, 0xff, 0x01, 0x00}));
}

TEST(WriterTest, ArrayLengths) {
  Writer w;
  w.WriteArrayLength(3);
  w.WriteArrayLength(-1);
  w.WriteCompactArrayLength(3);
  w.WriteCompactArrayLength(-1);
  EXPECT_EQ(w.Take(), Bytes({0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0x04, 0x00}));
}

TEST(WriterTest, UnsignedVarintEncoding) {
  Writer w;
  w.WriteUnsignedVarint(300);
  w.WriteUnsignedVarint(0xffffffffu);
  EXPECT_EQ(w.Take(), Bytes({0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f}));
}

TEST(WriterTest, ReserveAndPatchLength) {
  Writer w;
  w.WriteInt8(9);
  const size_t pos = w.ReserveInt32();
  w.WriteString("hello");
  w.PatchInt32(pos, static_cast<int32_t>(w.size() - pos - 4));
  const std::string data = w.Take();
  Reader r(data);
  EXPECT_EQ(r.ReadInt8(), 9);
  EXPECT_EQ(r.ReadInt32(), 7);
  EXPECT_EQ(r.ReadString(), "hello");
  EXPECT_TRUE(r.ok());
}

TEST(WriterTest, TakeLeavesTheWriterEmpty) {
  Writer w;
  w.WriteInt32(1);
  EXPECT_EQ(w.size(), 4u);
  EXPECT_EQ(w.view().size(), 4u);
  EXPECT_EQ(w.Take().size(), 4u);
  EXPECT_EQ(w.size(), 0u);
  w.WriteInt8(1);
  EXPECT_EQ(w.Take(), Bytes({1}));
}

}  // namespace
}  // namespace sluice::kafka

// Uuid: base64 text form and random generation.
#include "common/kafka/protocol/uuid.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace sluice::kafka {
namespace {

TEST(UuidTest, ZeroIdPrintsAsKafkaDoes) {
  EXPECT_EQ(Uuid().ToBase64(), "AAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_TRUE(Uuid().IsZero());
}

TEST(UuidTest, Base64UsesTheUrlSafeAlphabetWithoutPadding) {
  Uuid id;
  id.bytes.fill(0xff);
  EXPECT_EQ(id.ToBase64(), "_____________________w");
  Uuid one;
  one.bytes[15] = 1;
  EXPECT_EQ(one.ToBase64(), "AAAAAAAAAAAAAAAAAAAAAQ");
}

TEST(UuidTest, FromBase64InvertsToBase64) {
  for (int i = 0; i < 50; ++i) {
    const Uuid id = Uuid::Random();
    auto parsed = Uuid::FromBase64(id.ToBase64());
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, id);
  }
}

TEST(UuidTest, FromBase64RejectsMalformedText) {
  EXPECT_FALSE(Uuid::FromBase64("").ok());
  EXPECT_FALSE(Uuid::FromBase64("AAAAAAAAAAAAAAAAAAAAA").ok());   // 21 chars
  EXPECT_FALSE(Uuid::FromBase64("AAAAAAAAAAAAAAAAAAAAA=").ok());  // padding
  EXPECT_FALSE(Uuid::FromBase64("AAAAAAAAAAAAAAAAAAAAA+").ok());  // not URL-safe
  EXPECT_FALSE(Uuid::FromBase64("AAAAAAAAAAAAAAAAAAAAAB").ok());  // stray low bits
}

TEST(UuidTest, RandomIdsAreVersion4AndNeverReserved) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const Uuid id = Uuid::Random();
    EXPECT_EQ(id.bytes[6] >> 4, 4);
    EXPECT_EQ(id.bytes[8] >> 6, 2);
    const std::string text = id.ToBase64();
    EXPECT_NE(text[0], '-');
    EXPECT_FALSE(id.IsZero());
    seen.insert(text);
  }
  EXPECT_EQ(seen.size(), 200u);
}

}  // namespace
}  // namespace sluice::kafka

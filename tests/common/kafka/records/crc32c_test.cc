#include "common/kafka/records/crc32c.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/kafka/records/crc32c_internal.h"
#include "gtest/gtest.h"

namespace sluice::kafka {
namespace {

TEST(Crc32cTest, MatchesPublishedCheckValue) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(internal::Crc32cSoftware(0, "123456789", 9), 0xE3069283u);
}

TEST(Crc32cTest, MatchesRfc3720Vectors) {
  // iSCSI (RFC 3720 B.4) test patterns.
  std::string zeros(32, '\0');
  std::string ones(32, '\xff');
  std::string ascending;
  std::string descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(Crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(ones), 0x62A8AB43u);
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(descending), 0x113FDB5Cu);
}

TEST(Crc32cTest, EmptyInputLeavesCrcUnchanged) {
  EXPECT_EQ(Crc32c(""), 0u);
  EXPECT_EQ(Crc32c(0x12345678u, "", 0), 0x12345678u);
}

TEST(Crc32cTest, ExtendingInPiecesEqualsOneShot) {
  const std::string data = "The quick brown fox jumps over the lazy dog, repeatedly.";
  for (size_t split = 0; split <= data.size(); ++split) {
    uint32_t crc = Crc32c(0, data.data(), split);
    crc = Crc32c(crc, data.data() + split, data.size() - split);
    EXPECT_EQ(crc, Crc32c(data)) << "split at " << split;
  }
}

TEST(Crc32cTest, HardwareAndSoftwareAgreeOnRandomBuffersOfManySizesAndAlignments) {
  if (!Crc32cIsHardwareAccelerated()) {
    GTEST_SKIP() << "no SSE4.2 on this CPU; only the software path is in use";
  }
  std::mt19937 rng(20240611);
  std::vector<char> buffer(3 * 6144 + 64);
  for (char& c : buffer) c = static_cast<char>(rng());
  for (size_t size = 0; size <= 300; ++size) {
    for (size_t align = 0; align < 16; ++align) {
      const uint32_t seed = size % 3 == 0 ? 0 : static_cast<uint32_t>(rng());
      ASSERT_EQ(internal::Crc32cHardware(seed, buffer.data() + align, size),
                internal::Crc32cSoftware(seed, buffer.data() + align, size))
          << "size " << size << " align " << align;
    }
  }
  // Around the sizes where the three-stream blocks start (3 x 128 and 3 x 2048 bytes).
  for (size_t size : {383u, 384u, 385u, 767u, 768u, 1024u, 1031u, 4095u, 4096u, 6143u, 6144u, 6145u,
                      6144u + 384u + 7u, 12288u, 18432u}) {
    for (size_t align = 0; align < 64; align += 7) {
      const uint32_t seed = align % 2 == 0 ? 0 : static_cast<uint32_t>(rng());
      ASSERT_EQ(internal::Crc32cHardware(seed, buffer.data() + align, size),
                internal::Crc32cSoftware(seed, buffer.data() + align, size))
          << "size " << size << " align " << align;
    }
  }
}

}  // namespace
}  // namespace sluice::kafka

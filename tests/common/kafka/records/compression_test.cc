#include "common/kafka/records/compression.h"

#include <snappy.h>

#include <cstdint>
#include <random>
#include <string>

#include "common/byte_order.h"
#include "gtest/gtest.h"
#include "tests/common/kafka/records/test_batches.h"

namespace sluice::kafka {
namespace {

using testing::kAllCodecs;

constexpr size_t kUnbounded = SIZE_MAX;

std::string FromBytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

// 1 MiB that compresses somewhat: random words from a small vocabulary.
std::string MiBOfText() {
  static const char* const kWords[] = {"kafka ",  "broker ", "record ",    "batch ",
                                       "offset ", "sluice ", "partition ", "\n"};
  std::mt19937 rng(7);
  std::string s;
  while (s.size() < (1 << 20)) s += kWords[rng() % 8];
  s.resize(1 << 20);
  return s;
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

class CodecTest : public ::testing::TestWithParam<Compression> {};
// The codecs that actually compress.
class CompressedCodecTest : public ::testing::TestWithParam<Compression> {};

TEST_P(CodecTest, RoundTripsEmptySmallLargeAndIncompressibleInputs) {
  for (const std::string& raw :
       {std::string(), std::string("x"), std::string("hello, kafka"), MiBOfText(),
        RandomBytes(200'000, 3), std::string(1 << 20, '\0')}) {
    auto compressed = Compress(GetParam(), raw);
    ASSERT_TRUE(compressed.ok()) << compressed.status();
    auto back = Decompress(GetParam(), *compressed, raw.size());
    ASSERT_TRUE(back.ok()) << back.status() << " for " << raw.size() << " bytes";
    EXPECT_TRUE(*back == raw) << "mismatch for " << raw.size() << " bytes";
  }
}

TEST_P(CodecTest, OutputOneByteOverTheBoundIsResourceExhausted) {
  const std::string raw = MiBOfText();
  auto compressed = Compress(GetParam(), raw);
  ASSERT_TRUE(compressed.ok());
  auto result = Decompress(GetParam(), *compressed, raw.size() - 1);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kResourceExhausted) << result.status();
  EXPECT_TRUE(Decompress(GetParam(), *compressed, raw.size()).ok());
}

TEST_P(CompressedCodecTest, DecompressionBombIsStoppedAtTheBound) {
  // 32 MiB of zeros compress to little; decoding must stop at the 1 MiB bound.
  std::string bomb;
  {
    const std::string raw(32u << 20, '\0');
    auto compressed = Compress(GetParam(), raw);
    ASSERT_TRUE(compressed.ok());
    bomb = *std::move(compressed);
  }
  ASSERT_LT(bomb.size(), 4u << 20);  // snappy tops out near 21:1
  auto result = Decompress(GetParam(), bomb, 1 << 20);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kResourceExhausted) << result.status();
}

TEST_P(CompressedCodecTest, TruncatedInputIsInvalidArgument) {
  const std::string raw = MiBOfText().substr(0, 100'000);
  auto compressed = Compress(GetParam(), raw);
  ASSERT_TRUE(compressed.ok());
  for (size_t keep :
       {size_t{0}, size_t{1}, size_t{5}, compressed->size() / 2, compressed->size() - 1}) {
    auto result = Decompress(GetParam(), compressed->substr(0, keep), kUnbounded);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument)
        << "kept " << keep << " of " << compressed->size() << ": " << result.status();
  }
}

TEST_P(CompressedCodecTest, TrailingGarbageIsInvalidArgument) {
  auto compressed = Compress(GetParam(), "some records");
  ASSERT_TRUE(compressed.ok());
  auto result = Decompress(GetParam(), *compressed + "garbage!", kUnbounded);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();
}

TEST_P(CodecTest, RandomBytesNeverCrash) {
  std::mt19937 rng(99);
  for (int i = 0; i < 300; ++i) {
    const std::string junk = RandomBytes(rng() % 200, static_cast<uint32_t>(i));
    auto result = Decompress(GetParam(), junk, 1 << 16);
    if (!result.ok()) {
      EXPECT_TRUE(absl::IsInvalidArgument(result.status()) ||
                  absl::IsResourceExhausted(result.status()))
          << result.status();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Compressed, CompressedCodecTest,
                         ::testing::Values(Compression::kGzip, Compression::kSnappy,
                                           Compression::kLz4, Compression::kZstd),
                         [](const auto& info) { return std::string(CompressionName(info.param)); });
INSTANTIATE_TEST_SUITE_P(AllCodecs, CodecTest, ::testing::ValuesIn(kAllCodecs),
                         [](const auto& info) { return std::string(CompressionName(info.param)); });

// Golden inputs made by the reference command-line tools (gzip -n 1.12, lz4 1.9.4, zstd
// 1.5.4 reading a pipe) from this text.
constexpr std::string_view kGoldenText =
    "Sluice golden vector: hello, kafka! hello, kafka! hello, kafka!";

TEST(CompressionGoldenTest, DecodesGzipFromTheGzipTool) {
  const std::string gz = FromBytes(
      {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x0b, 0xce, 0x29, 0xcd, 0x4c,
       0x4e, 0x55, 0x48, 0xcf, 0xcf, 0x49, 0x49, 0xcd, 0x53, 0x28, 0x4b, 0x4d, 0x2e, 0xc9, 0x2f,
       0xb2, 0x52, 0xc8, 0x48, 0xcd, 0xc9, 0xc9, 0xd7, 0x51, 0xc8, 0x4e, 0x4c, 0xcb, 0x4e, 0x54,
       0xc4, 0xc7, 0x03, 0x00, 0x2d, 0xc1, 0xcd, 0x28, 0x3f, 0x00, 0x00, 0x00});
  auto raw = Decompress(Compression::kGzip, gz, 1024);
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(*raw, kGoldenText);
  // Two concatenated members decode to the concatenation (RFC 1952 2.2).
  auto twice = Decompress(Compression::kGzip, gz + gz, 1024);
  ASSERT_TRUE(twice.ok()) << twice.status();
  EXPECT_EQ(*twice, std::string(kGoldenText) + std::string(kGoldenText));
  // A flipped bit in the deflate data or the CRC-32 trailer is caught.
  std::string bad = gz;
  bad[bad.size() - 6] ^= 0x01;
  EXPECT_EQ(Decompress(Compression::kGzip, bad, 1024).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CompressionGoldenTest, DecodesLz4FrameWithContentChecksumFromTheLz4Tool) {
  const std::string lz4 =
      FromBytes({0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, 0xa7, 0x2e, 0x00, 0x00, 0x00, 0xff, 0x14,
                 0x53, 0x6c, 0x75, 0x69, 0x63, 0x65, 0x20, 0x67, 0x6f, 0x6c, 0x64, 0x65, 0x6e,
                 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x3a, 0x20, 0x68, 0x65, 0x6c, 0x6c,
                 0x6f, 0x2c, 0x20, 0x6b, 0x61, 0x66, 0x6b, 0x61, 0x21, 0x0e, 0x00, 0x04, 0x50,
                 0x61, 0x66, 0x6b, 0x61, 0x21, 0x00, 0x00, 0x00, 0x00, 0x5a, 0x69, 0x0b, 0x1f});
  auto raw = Decompress(Compression::kLz4, lz4, 1024);
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(*raw, kGoldenText);
  std::string bad = lz4;
  bad[bad.size() - 1] ^= 0x01;  // content checksum
  EXPECT_EQ(Decompress(Compression::kLz4, bad, 1024).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CompressionGoldenTest, DecodesZstdFrameWithoutContentSizeFromTheZstdTool) {
  const std::string zst = FromBytes(
      {0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x5d, 0x01, 0x00, 0x34, 0x02, 0x53, 0x6c, 0x75,
       0x69, 0x63, 0x65, 0x20, 0x67, 0x6f, 0x6c, 0x64, 0x65, 0x6e, 0x20, 0x76, 0x65, 0x63,
       0x74, 0x6f, 0x72, 0x3a, 0x20, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x2c, 0x20, 0x6b, 0x61,
       0x66, 0x6b, 0x61, 0x21, 0x01, 0x00, 0x0b, 0x66, 0x3e, 0x01, 0xff, 0xe6, 0x21, 0x1e});
  auto raw = Decompress(Compression::kZstd, zst, 1024);
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(*raw, kGoldenText);
  // With no content size in the frame, the bound is still enforced while streaming.
  EXPECT_EQ(Decompress(Compression::kZstd, zst, 10).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(CompressionGoldenTest, DecodesAHandWrittenRawSnappyBlock) {
  // Uncompressed length 5, then one literal of 5 bytes (tag (5 - 1) << 2).
  auto raw = Decompress(Compression::kSnappy, FromBytes({0x05, 0x10, 'h', 'e', 'l', 'l', 'o'}), 5);
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(*raw, "hello");
}

// The snappy-java stream: magic, version 1, compatible version 1, then chunks.
std::string Xerial(const std::vector<std::string>& chunks) {
  std::string out = FromBytes({0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1});
  for (const std::string& chunk : chunks) {
    std::string block;
    snappy::Compress(chunk.data(), chunk.size(), &block);
    char length[4];
    StoreBigEndian<int32_t>(length, static_cast<int32_t>(block.size()));
    out.append(length, 4);
    out += block;
  }
  return out;
}

TEST(SnappyXerialTest, DecodesChunkedStreamAsTheJavaClientWritesIt) {
  const std::string text = MiBOfText();
  // snappy-java cuts the stream into 32 KiB chunks by default.
  std::vector<std::string> chunks;
  for (size_t i = 0; i < text.size(); i += 32 << 10) chunks.push_back(text.substr(i, 32 << 10));
  auto raw = Decompress(Compression::kSnappy, Xerial(chunks), text.size());
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_TRUE(*raw == text);
  EXPECT_EQ(Decompress(Compression::kSnappy, Xerial(chunks), text.size() - 1).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(SnappyXerialTest, HeaderWithoutChunksIsEmpty) {
  auto raw = Decompress(Compression::kSnappy, Xerial({}), 0);
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(*raw, "");
}

TEST(SnappyXerialTest, RejectsBadChunkFraming) {
  const std::string good = Xerial({"first chunk", "second chunk"});
  EXPECT_EQ(Decompress(Compression::kSnappy, good.substr(0, 12), kUnbounded).status().code(),
            absl::StatusCode::kInvalidArgument);                 // header cut short
  const size_t chunk_boundary = Xerial({"first chunk"}).size();  // a valid prefix
  for (size_t cut = 17; cut < good.size(); ++cut) {
    if (cut == chunk_boundary) continue;
    EXPECT_EQ(Decompress(Compression::kSnappy, good.substr(0, cut), kUnbounded).status().code(),
              absl::StatusCode::kInvalidArgument)
        << "cut at " << cut;
  }
  std::string negative = good;
  StoreBigEndian<int32_t>(negative.data() + 16, -5);
  EXPECT_EQ(Decompress(Compression::kSnappy, negative, kUnbounded).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string huge = good;
  StoreBigEndian<int32_t>(huge.data() + 16, 1 << 30);
  EXPECT_EQ(Decompress(Compression::kSnappy, huge, kUnbounded).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SnappyRawTest, BlockClaimingAHugeLengthIsRejectedBeforeAllocating) {
  // Preamble says 2^32 - 1 bytes; the bound fails it before any allocation.
  const std::string block = FromBytes({0xff, 0xff, 0xff, 0xff, 0x0f, 0x00});
  EXPECT_EQ(Decompress(Compression::kSnappy, block, 1 << 20).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(CompressionTest, UnknownCodecsAreInvalidArgument) {
  for (int codec : {5, 6, 7}) {
    EXPECT_FALSE(IsKnownCompression(codec));
    const auto c = static_cast<Compression>(codec);
    EXPECT_EQ(Compress(c, "x").status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(Decompress(c, "x", 10).status().code(), absl::StatusCode::kInvalidArgument);
  }
  for (int codec = 0; codec <= 4; ++codec) EXPECT_TRUE(IsKnownCompression(codec));
}

TEST(CompressionTest, NoneHonoursTheBoundToo) {
  EXPECT_EQ(Decompress(Compression::kNone, "12345", 4).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(*Decompress(Compression::kNone, "12345", 5), "12345");
}

}  // namespace
}  // namespace sluice::kafka

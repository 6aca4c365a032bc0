// Damaged batches: validation and decoding must fail cleanly (or, where the damage
// is invisible to Kafka's rules, succeed consistently), never crash or hang.
#include <random>
#include <string>

#include "common/kafka/records/compression.h"
#include "common/kafka/records/record.h"
#include "common/kafka/records/validate.h"
#include "gtest/gtest.h"
#include "tests/common/kafka/records/test_batches.h"

namespace sluice::kafka {
namespace {

using testing::kAllCodecs;
using testing::Reseal;
using testing::TypicalBatch;

// partitionLeaderEpoch is neither covered by the CRC nor checked for produced batches
// (the broker overwrites it), so flips there are the only ones that go unnoticed.
bool InLeaderEpochField(size_t byte) { return byte >= 12 && byte < 16; }

ProduceValidationOptions SmallLimits() {
  ProduceValidationOptions options;
  options.max_decompressed_bytes = 1 << 20;
  return options;
}

class CorruptionTest : public ::testing::TestWithParam<Compression> {};

TEST_P(CorruptionTest, RandomBitFlipsAreRejected) {
  const std::string good = TypicalBatch(GetParam(), 20);
  ASSERT_TRUE(ValidateProducedRecords(good, SmallLimits()).ok());
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bad = good;
    const int flips = 1 + static_cast<int>(rng() % 3);
    bool touched_checked_byte = false;
    for (int f = 0; f < flips; ++f) {
      const size_t byte = rng() % bad.size();
      bad[byte] = static_cast<char>(bad[byte] ^ (1 << (rng() % 8)));
      touched_checked_byte |= !InLeaderEpochField(byte);
    }
    if (bad == good) continue;  // two flips cancelled out
    auto result = ValidateProducedRecords(bad, SmallLimits());
    if (touched_checked_byte) {
      EXPECT_FALSE(result.ok()) << "trial " << trial;
    } else {
      EXPECT_TRUE(result.ok()) << "trial " << trial << ": " << result.status();
    }
  }
}

TEST_P(CorruptionTest, BitFlipsBehindAValidCrcNeverCrashTheDecoder) {
  // Resealing after each flip gets the damage past the CRC into the record decoder
  // (or the decompressor). Some flips leave a valid batch (a changed value byte); all
  // others must be rejected with one of the documented codes.
  const std::string good = TypicalBatch(GetParam(), 20);
  std::mt19937 rng(777);
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string bad = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      const size_t byte = kBatchHeaderSize + rng() % (bad.size() - kBatchHeaderSize);
      bad[byte] = static_cast<char>(bad[byte] ^ (1 << (rng() % 8)));
    }
    Reseal(&bad);
    auto result = ValidateProducedRecords(bad, SmallLimits());
    if (result.ok()) {
      auto records = DecodeRecords(result->header, bad, 1 << 20);
      EXPECT_TRUE(records.ok()) << records.status();
      if (records.ok()) {
        EXPECT_EQ(records->size(), 20u);
      }
      continue;
    }
    ++rejected;
    const absl::StatusCode code = result.status().code();
    EXPECT_TRUE(code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kOutOfRange)
        << "trial " << trial << ": " << result.status();
  }
  EXPECT_GT(rejected, 0);
}

TEST_P(CorruptionTest, EveryTruncationIsRejected) {
  const std::string good = TypicalBatch(GetParam(), 20);
  for (size_t keep = 0; keep < good.size(); ++keep) {
    std::string cut = good.substr(0, keep);
    EXPECT_FALSE(ValidateProducedRecords(cut, SmallLimits()).ok()) << "kept " << keep;
    if (keep < kBatchHeaderSize) continue;
    // With the length and CRC fixed up, the records section itself is short.
    Reseal(&cut);
    EXPECT_FALSE(ValidateProducedRecords(cut, SmallLimits()).ok())
        << "kept " << keep << " of " << good.size() << " and resealed";
  }
}

TEST_P(CorruptionTest, RandomRecordsSectionsNeverCrash) {
  std::string shell = TypicalBatch(GetParam(), 1);
  std::mt19937 rng(4242);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string junk(rng() % 64, '\0');
    for (char& c : junk) c = static_cast<char>(rng() % 4 == 0 ? rng() : rng() % 8);
    std::string bad = testing::WithRecordsSection(shell, junk);
    auto result = ValidateProducedRecords(bad, SmallLimits());
    if (!result.ok()) {
      EXPECT_TRUE(absl::IsInvalidArgument(result.status()) || absl::IsOutOfRange(result.status()))
          << result.status();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, CorruptionTest, ::testing::ValuesIn(kAllCodecs),
                         [](const auto& info) { return std::string(CompressionName(info.param)); });

}  // namespace
}  // namespace sluice::kafka

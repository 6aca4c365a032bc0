// Crash recovery: the log is reopened after damage to its files and must hold exactly
// the batches before the damage and accept appends at the right offset.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>

#include "broker/log/partition_log.h"
#include "broker/log/segment.h"
#include "tests/broker/log/log_fixture.h"

namespace sluice::log {
namespace {

using testing::BatchSpec;
using testing::ReadFileBytes;
using testing::WriteFileBytes;

using DirSnapshot = std::map<std::string, std::string>;

DirSnapshot TakeSnapshot(const std::string& dir) {
  DirSnapshot snap;
  for (const std::string& name : testing::ListNames(dir)) {
    snap[name] = ReadFileBytes(dir + "/" + name);
  }
  return snap;
}

// Puts `dir` back into the snapshot's state, rewriting only what differs.
void RestoreSnapshot(const std::string& dir, const DirSnapshot& snap) {
  std::filesystem::create_directories(dir);
  for (const std::string& name : testing::ListNames(dir)) {
    if (!snap.contains(name)) std::filesystem::remove(dir + "/" + name);
  }
  for (const auto& [name, bytes] : snap) {
    const std::string file = dir + "/" + name;
    if (!std::filesystem::exists(file) || ReadFileBytes(file) != bytes) WriteFileBytes(file, bytes);
  }
}

class RecoveryTest : public testing::LogFixture {
 protected:
  // Builds a log of several segments, the active one holding many batches, and leaves
  // it as a crash would (no checkpoint) unless `clean`.
  void BuildLog(bool clean) {
    config_.segment_bytes = 3000;
    config_.index_interval_bytes = 200;
    auto log = OpenLog();
    AppendMany(*log, 60);
    if (clean) {
      ASSERT_TRUE(log->Close().ok());
    }
    active_base_ = stored_.back().base_offset;
    // Find the base offset of the active segment: the greatest .log name.
    for (const std::string& name : testing::ListNames(path())) {
      if (std::optional<int64_t> base = ParseSegmentFileName(name, ".log")) active_base_ = *base;
    }
    first_active_ = 0;
    while (stored_[first_active_].base_offset < active_base_) ++first_active_;
    ASSERT_GT(stored_.size() - first_active_, 5u);
    pristine_ = TakeSnapshot(path());
    pristine_model_ = stored_;
  }

  std::string ActiveLogPath() const { return path() + "/" + SegmentFileName(active_base_, ".log"); }

  // Position of model batch i inside the active segment.
  int64_t PositionInActive(size_t i) const {
    int64_t pos = 0;
    for (size_t k = first_active_; k < i; ++k) pos += static_cast<int64_t>(stored_[k].bytes.size());
    return pos;
  }

  // Number of model batches that lie wholly before byte `pos` of the active segment.
  size_t BatchesBefore(int64_t pos) const {
    size_t n = first_active_;
    int64_t end = 0;
    while (n < pristine_model_.size()) {
      end += static_cast<int64_t>(pristine_model_[n].bytes.size());
      if (end > pos) break;
      ++n;
    }
    return n;
  }

  // Opens the damaged log, expects exactly `keep` model batches, appends one batch.
  void ExpectRecoversTo(size_t keep, const std::string& what) {
    SCOPED_TRACE(what);
    stored_ = pristine_model_;
    ForgetFrom(keep);
    auto log = OpenLog();
    ASSERT_NE(log, nullptr);
    ASSERT_EQ(log->log_end_offset(), keep == 0 ? 0 : stored_.back().last_offset + 1);
    ASSERT_EQ(ReadAll(*log), Expected());
    AppendResult r = AppendOk(*log, BatchSpec{.seed = 999});
    ASSERT_EQ(r.base_offset, stored_[keep].base_offset);
    ASSERT_EQ(ReadAll(*log), Expected());
  }

  int64_t active_base_ = 0;
  size_t first_active_ = 0;
  DirSnapshot pristine_;
  std::vector<testing::StoredBatch> pristine_model_;
};

TEST_F(RecoveryTest, TruncationAtEveryByteOfTheLastTwoBatches) {
  BuildLog(/*clean=*/false);
  const size_t n = pristine_model_.size();
  const int64_t from = PositionInActive(n - 2);
  const int64_t to = PositionInActive(n);
  for (int64_t cut = from; cut <= to; ++cut) {
    RestoreSnapshot(path(), pristine_);
    std::filesystem::resize_file(ActiveLogPath(), static_cast<uintmax_t>(cut));
    ExpectRecoversTo(BatchesBefore(cut), "cut at " + std::to_string(cut));
    if (HasFatalFailure()) return;
  }
}

TEST_F(RecoveryTest, TruncationAtRandomPositionsWithAndWithoutCheckpoint) {
  for (bool clean : {false, true}) {
    stored_.clear();
    std::filesystem::remove_all(path());
    BuildLog(clean);
    std::mt19937 rng(clean ? 1234 : 4321);
    const int64_t size = PositionInActive(pristine_model_.size());
    for (int i = 0; i < 200; ++i) {
      const int64_t cut = std::uniform_int_distribution<int64_t>(0, size)(rng);
      RestoreSnapshot(path(), pristine_);
      std::filesystem::resize_file(ActiveLogPath(), static_cast<uintmax_t>(cut));
      ExpectRecoversTo(BatchesBefore(cut),
                       (clean ? "clean, cut at " : "crash, cut at ") + std::to_string(cut));
      if (HasFatalFailure()) return;
    }
  }
}

// Bytes 12..15 of a batch (partitionLeaderEpoch) are not covered by the CRC, so damage
// there cannot be detected; every other byte of the tail can.
bool InEpochField(const std::vector<testing::StoredBatch>& model, size_t first, int64_t pos) {
  int64_t start = 0;
  for (size_t i = first; i < model.size(); ++i) {
    int64_t end = start + static_cast<int64_t>(model[i].bytes.size());
    if (pos < end) return pos - start >= 12 && pos - start < 16;
    start = end;
  }
  return false;
}

// With a clean-shutdown checkpoint too: a .log rewritten in place after the clean stop
// (same size, other bytes) must not be trusted.
TEST_F(RecoveryTest, RandomByteCorruptionInTheActiveSegment) {
  for (bool clean : {false, true}) {
    stored_.clear();
    std::filesystem::remove_all(path());
    BuildLog(clean);
    std::mt19937 rng(clean ? 98 : 99);
    const int64_t size = PositionInActive(pristine_model_.size());
    int tried = 0;
    for (int i = 0; i < 400 && tried < 250; ++i) {
      const int64_t pos = std::uniform_int_distribution<int64_t>(0, size - 1)(rng);
      if (InEpochField(pristine_model_, first_active_, pos)) continue;
      ++tried;
      const int flip = std::uniform_int_distribution<int>(1, 255)(rng);
      RestoreSnapshot(path(), pristine_);
      std::string bytes = ReadFileBytes(ActiveLogPath());
      bytes[static_cast<size_t>(pos)] ^= static_cast<char>(flip);
      WriteFileBytes(ActiveLogPath(), bytes);
      ExpectRecoversTo(BatchesBefore(pos),
                       (clean ? "clean, flip at " : "crash, flip at ") + std::to_string(pos));
      if (HasFatalFailure()) return;
    }
    EXPECT_GE(tried, 200);
  }
}

TEST_F(RecoveryTest, RandomIndexCorruptionNeverChangesTheContent) {
  for (bool clean : {false, true}) {
    stored_.clear();
    std::filesystem::remove_all(path());
    BuildLog(clean);
    std::vector<std::string> index_files;
    for (const auto& [name, bytes] : pristine_) {
      bool is_index = name.ends_with(".index") || name.ends_with(".timeindex");
      if (is_index && !bytes.empty()) index_files.push_back(name);
    }
    ASSERT_GT(index_files.size(), 4u);
    std::mt19937 rng(clean ? 7 : 8);
    for (int i = 0; i < 120; ++i) {
      const std::string& name = index_files[rng() % index_files.size()];
      RestoreSnapshot(path(), pristine_);
      std::string bytes = pristine_.at(name);
      const int kind = static_cast<int>(rng() % 4);
      if (kind == 0) {
        bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
      } else if (kind == 1) {
        bytes.resize(rng() % bytes.size());
      } else if (kind == 2) {
        bytes += std::string(1 + rng() % 40, static_cast<char>(rng()));
      } else {
        // Damage that keeps entries increasing: nudge one position by one byte.
        size_t entry_size = name.ends_with(".index") ? 8 : 12;
        size_t entry = rng() % (bytes.size() / entry_size);
        bytes[entry * entry_size + entry_size - 1] ^= 1;
      }
      WriteFileBytes(path() + "/" + name, bytes);
      stored_ = pristine_model_;
      auto log = OpenLog();
      ASSERT_NE(log, nullptr);
      ExpectLogMatchesModel(*log);
      if (HasFatalFailure()) return;
      for (int64_t ts = 9'900; ts <= 10'800; ts += 50) {
        absl::StatusOr<std::optional<TimestampLookup>> found = log->FindByTimestamp(ts);
        ASSERT_TRUE(found.ok());
        size_t want = 0;
        while (want < stored_.size() && stored_[want].max_timestamp < ts) ++want;
        ASSERT_EQ(found->has_value(), want < stored_.size());
        if (want < stored_.size()) {
          ASSERT_EQ((*found)->base_offset, stored_[want].base_offset);
        }
      }
    }
  }
}

TEST_F(RecoveryTest, MissingIndexFilesAreRebuilt) {
  BuildLog(/*clean=*/true);
  for (const auto& [name, bytes] : pristine_) {
    if (name.ends_with("index")) std::filesystem::remove(path() + "/" + name);
  }
  auto log = OpenLog();
  ExpectLogMatchesModel(*log);
  log.reset();
  for (const auto& [name, bytes] : pristine_) {
    if (name.ends_with("index")) {
      EXPECT_EQ(ReadFileBytes(path() + "/" + name), bytes) << name;
    }
  }
}

TEST_F(RecoveryTest, DamagedCheckpointFallsBackToFullRecovery) {
  BuildLog(/*clean=*/true);
  std::string checkpoint = pristine_.at(".clean-shutdown");
  for (size_t pos : {size_t{0}, size_t{10}, checkpoint.size() / 2, checkpoint.size() - 1}) {
    RestoreSnapshot(path(), pristine_);
    std::string bytes = checkpoint;
    bytes[pos] ^= 0x40;
    WriteFileBytes(path() + "/.clean-shutdown", bytes);
    ExpectRecoversTo(pristine_model_.size(), "checkpoint flip at " + std::to_string(pos));
  }
}

TEST_F(RecoveryTest, StrayFilesAreHandled) {
  BuildLog(/*clean=*/false);
  WriteFileBytes(path() + "/" + SegmentFileName(999999, ".index"), "12345678");
  WriteFileBytes(path() + "/" + SegmentFileName(999999, ".timeindex"), "");
  WriteFileBytes(path() + "/.clean-shutdown.tmp", "half-written");
  WriteFileBytes(path() + "/leader-epoch-checkpoint", "0\n");
  ExpectRecoversTo(pristine_model_.size(), "stray files");
  std::vector<std::string> names = testing::ListNames(path());
  auto has = [&](const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  EXPECT_FALSE(has(SegmentFileName(999999, ".index")));
  EXPECT_FALSE(has(SegmentFileName(999999, ".timeindex")));
  EXPECT_FALSE(has(".clean-shutdown.tmp"));
  EXPECT_TRUE(has("leader-epoch-checkpoint"));  // Unknown files are left alone.
}

TEST_F(RecoveryTest, DamagedHeaderInAnOlderSegmentCutsTheLogThere) {
  BuildLog(/*clean=*/false);
  // The second batch of the first segment: corrupt its magic byte.
  const std::string first = path() + "/" + SegmentFileName(0, ".log");
  std::string bytes = ReadFileBytes(first);
  const size_t pos = pristine_model_[0].bytes.size() + 16;
  bytes[pos] = 7;
  WriteFileBytes(first, bytes);
  ExpectRecoversTo(1, "older segment header");
  // The later segments are gone; the only other .log is the one the new append rolled to.
  for (const std::string& name : testing::ListNames(path())) {
    std::optional<int64_t> base = ParseSegmentFileName(name, ".log");
    if (base) {
      EXPECT_TRUE(*base == 0 || *base == stored_[1].base_offset) << name;
    }
  }
}

TEST_F(RecoveryTest, MissingMiddleSegmentDropsEverythingAfterTheGap) {
  BuildLog(/*clean=*/false);
  std::vector<int64_t> bases;
  for (const auto& [name, bytes] : pristine_) {
    if (std::optional<int64_t> base = ParseSegmentFileName(name, ".log")) bases.push_back(*base);
  }
  ASSERT_GE(bases.size(), 3u);
  std::filesystem::remove(path() + "/" + SegmentFileName(bases[1], ".log"));
  size_t keep = 0;
  while (pristine_model_[keep].base_offset < bases[1]) ++keep;
  ExpectRecoversTo(keep, "gap");
}

TEST_F(RecoveryTest, EmptyActiveSegmentAfterARollIsKept) {
  BuildLog(/*clean=*/false);
  const int64_t end = pristine_model_.back().last_offset + 1;
  WriteFileBytes(path() + "/" + SegmentFileName(end, ".log"), "");
  ExpectRecoversTo(pristine_model_.size(), "empty active segment");
}

}  // namespace
}  // namespace sluice::log

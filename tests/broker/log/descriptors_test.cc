// Descriptors per segment: a closed segment keeps only its .log open, and its index
// files reopen when a truncation cuts them and it becomes the active segment again.
#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <map>
#include <string>

#include "broker/log/partition_log.h"
#include "broker/log/segment.h"
#include "common/byte_order.h"
#include "tests/broker/log/log_fixture.h"

namespace sluice::log {
namespace {

using testing::BatchSpec;
using testing::MakeBatch;

// Descriptors of this process open on files under `dir`.
int OpenFilesUnder(const std::string& dir) {
  int count = 0;
  DIR* fds = ::opendir("/proc/self/fd");
  if (fds == nullptr) return -1;
  while (dirent* entry = ::readdir(fds)) {
    char target[PATH_MAX];
    const std::string link = std::string("/proc/self/fd/") + entry->d_name;
    ssize_t n = ::readlink(link.c_str(), target, sizeof(target) - 1);
    if (n > 0 && std::string(target, static_cast<size_t>(n)).rfind(dir + "/", 0) == 0) ++count;
  }
  ::closedir(fds);
  return count;
}

class DescriptorsTest : public testing::LogFixture {};

TEST_F(DescriptorsTest, ClosedSegmentsHoldOnlyTheirLog) {
  const size_t batch_size = MakeBatch(BatchSpec{}).size();
  config_.segment_bytes = static_cast<int64_t>(2 * batch_size);
  auto log = OpenLog();
  for (uint32_t i = 0; i < 10; ++i) AppendOk(*log, BatchSpec{.seed = i});
  ASSERT_EQ(log->segment_count(), 5u);
  // Four closed segments with one descriptor each, the active one with three.
  EXPECT_EQ(OpenFilesUnder(path()), 4 + 3);

  log.reset();  // a crash: recovery opens every segment
  log = OpenLog();
  EXPECT_EQ(OpenFilesUnder(path()), 4 + 3);
  ExpectLogMatchesModel(*log);
  ASSERT_TRUE(log->Close().ok());
  EXPECT_EQ(OpenFilesUnder(path()), 0);

  log = OpenLog();  // from the clean-shutdown checkpoint
  EXPECT_EQ(OpenFilesUnder(path()), 4 + 3);
  ExpectLogMatchesModel(*log);
}

// Reads `<base>.index` and checks that every entry names a batch start of the model.
void ExpectIndexMatches(const std::string& dir, int64_t base,
                        const std::vector<testing::StoredBatch>& stored, size_t min_entries) {
  std::map<int64_t, int64_t> starts;  // position -> base offset, for the segment's batches
  int64_t position = 0;
  for (const testing::StoredBatch& b : stored) {
    if (b.base_offset < base) continue;
    starts[position] = b.base_offset;
    position += static_cast<int64_t>(b.bytes.size());
  }
  const std::string bytes = testing::ReadFileBytes(dir + "/" + SegmentFileName(base, kIndexSuffix));
  ASSERT_EQ(bytes.size() % OffsetIndex::kEntrySize, 0u);
  ASSERT_GE(bytes.size() / OffsetIndex::kEntrySize, min_entries);
  for (size_t i = 0; i < bytes.size(); i += OffsetIndex::kEntrySize) {
    const int32_t relative = LoadBigEndian<int32_t>(&bytes[i]);
    const int32_t at = LoadBigEndian<int32_t>(&bytes[i + 4]);
    auto it = starts.find(at);
    ASSERT_NE(it, starts.end()) << "entry " << i / 8 << " points inside a batch";
    EXPECT_EQ(it->second, base + relative) << "entry " << i / 8;
  }
}

TEST_F(DescriptorsTest, TruncationIntoAClosedSegmentReopensItsIndexes) {
  config_.segment_bytes = 4000;
  config_.index_interval_bytes = 100;
  auto log = OpenLog();
  AppendMany(*log, 60);
  ASSERT_GE(log->segment_count(), 3u);
  // Cut in the middle of the first segment: it becomes the active one again.
  const int64_t cut = stored_[5].base_offset;
  ASSERT_TRUE(log->Truncate(cut).ok());
  ForgetFrom(5);
  ASSERT_EQ(log->segment_count(), 1u);
  EXPECT_EQ(OpenFilesUnder(path()), 3);  // cutting the indexes reopened them
  AppendMany(*log, 8);
  ExpectLogMatchesModel(*log);
  ASSERT_TRUE(log->Close().ok());
  ExpectIndexMatches(path(), 0, stored_, 5);
  log = OpenLog();
  ExpectLogMatchesModel(*log);
}

}  // namespace
}  // namespace sluice::log

#include "broker/log/write_behind.h"

#include <gtest/gtest.h>

#include <memory>

#include "tests/broker/log/log_fixture.h"

namespace sluice::log {
namespace {

using testing::BatchSpec;

constexpr size_t kHeader = 61;  // MakeBatch: record batch header, then the payload

BatchSpec OfTotalSize(size_t bytes) { return BatchSpec{.payload_bytes = bytes - kHeader}; }

std::shared_ptr<File> OpenFile(const std::string& path) {
  auto file = File::OpenReadWrite(path);
  EXPECT_TRUE(file.ok()) << file.status();
  return std::make_shared<File>(std::move(*file));
}

TEST(WriteBehind, StartsWriteOutOfEveryQueuedRange) {
  testing::TempDir dir;
  auto file = OpenFile(dir.path() + "/f");
  ASSERT_TRUE(file->PWrite(0, std::string(3 * 4096, 'x')).ok());
  WriteBehind write_behind;
  write_behind.Start();
  write_behind.Submit(file, 0, 8192);
  write_behind.Submit(file, 8192, 3 * 4096);
  write_behind.Submit(file, 100, 100);  // empty: ignored
  write_behind.Drain();
  WriteBehind::Stats stats = write_behind.stats();
  EXPECT_EQ(stats.requests, 2);
  EXPECT_EQ(stats.bytes, 3 * 4096);
  EXPECT_EQ(stats.dropped, 0);
  EXPECT_EQ(stats.errors, 0);
}

TEST(WriteBehind, DropsRangesBeyondTheQueueLimitInsteadOfBlocking) {
  testing::TempDir dir;
  auto file = OpenFile(dir.path() + "/f");
  WriteBehind write_behind(2);  // Not started yet: the queue only fills.
  for (int i = 0; i < 5; ++i) write_behind.Submit(file, i * 4096, (i + 1) * 4096);
  EXPECT_EQ(write_behind.stats().dropped, 3);
  write_behind.Start();
  write_behind.Drain();
  EXPECT_EQ(write_behind.stats().requests, 2);
}

TEST(WriteBehind, StopDropsWhatIsQueuedAndRefusesMore) {
  testing::TempDir dir;
  auto file = OpenFile(dir.path() + "/f");
  WriteBehind write_behind;
  write_behind.Submit(file, 0, 4096);
  write_behind.Stop();
  write_behind.Submit(file, 4096, 8192);
  write_behind.Drain();  // Returns at once: nothing runs any more.
  EXPECT_EQ(write_behind.stats().dropped, 2);
  EXPECT_EQ(write_behind.stats().requests, 0);
  EXPECT_EQ(file.use_count(), 1);  // The queue let go of the file.
}

TEST(WriteBehind, CountsAFailedWriteOutAndGoesOn) {
  testing::TempDir dir;
  auto good = OpenFile(dir.path() + "/f");
  WriteBehind write_behind;
  write_behind.Start();
  write_behind.Submit(std::make_shared<File>(), 0, 4096);  // closed: EBADF
  write_behind.Submit(good, 0, 4096);
  write_behind.Drain();
  EXPECT_EQ(write_behind.stats().errors, 1);
  EXPECT_EQ(write_behind.stats().requests, 1);
}

class PartitionWriteBehindTest : public testing::LogFixture {
 protected:
  void SetUp() override {
    write_behind_ = std::make_shared<WriteBehind>();
    write_behind_->Start();
    config_.write_behind = write_behind_;
  }
  WriteBehind::Stats Drained() {
    write_behind_->Drain();
    return write_behind_->stats();
  }
  std::shared_ptr<WriteBehind> write_behind_;
};

TEST_F(PartitionWriteBehindTest, HandsOverWholePagesOnceEnoughHaveAccumulated) {
  config_.write_behind_bytes = 8192;
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  AppendOk(*log, OfTotalSize(5000));  // 5000 bytes: one whole page, under the threshold
  EXPECT_EQ(Drained().requests, 0);
  AppendOk(*log, OfTotalSize(5000));  // 10000 bytes: two whole pages
  WriteBehind::Stats stats = Drained();
  EXPECT_EQ(stats.requests, 1);
  EXPECT_EQ(stats.bytes, 8192);       // The partial third page stays for the next append.
  AppendOk(*log, OfTotalSize(5000));  // 15000: only one more whole page since 8192
  EXPECT_EQ(Drained().requests, 1);
  AppendOk(*log, OfTotalSize(5000));  // 20000: pages up to 16384, two more
  stats = Drained();
  EXPECT_EQ(stats.requests, 2);
  EXPECT_EQ(stats.bytes, 16384);
  ExpectLogMatchesModel(*log);
}

TEST_F(PartitionWriteBehindTest, ARolledSegmentHandsOverAllItsBytes) {
  config_.segment_bytes = 12000;                  // Two 5000-byte batches per segment.
  config_.write_behind_bytes = int64_t{1} << 20;  // Never reached by the active segment.
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 5; ++i) AppendOk(*log, OfTotalSize(5000));
  WriteBehind::Stats stats = Drained();
  EXPECT_EQ(log->segment_count(), 3);
  EXPECT_EQ(stats.requests, 2);  // The two rolled segments, partial last pages included.
  EXPECT_EQ(stats.bytes, 2 * 10000);
  ExpectLogMatchesModel(*log);
}

TEST_F(PartitionWriteBehindTest, BytesPresentAtOpenAreNotHandedOverAgain) {
  config_.write_behind_bytes = int64_t{1} << 20;
  {
    auto log = OpenLog();
    ASSERT_NE(log, nullptr);
    for (int i = 0; i < 3; ++i) AppendOk(*log, OfTotalSize(5000));  // 15000 bytes
    ASSERT_TRUE(log->Close().ok());
  }
  EXPECT_EQ(Drained().requests, 0);
  config_.write_behind_bytes = 8192;
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  AppendOk(*log, OfTotalSize(5000));  // 20000: from the page of 15000 (12288) to 16384
  EXPECT_EQ(Drained().requests, 0);
  AppendOk(*log, OfTotalSize(5000));  // 25000: pages [12288, 24576)
  WriteBehind::Stats stats = Drained();
  EXPECT_EQ(stats.requests, 1);
  EXPECT_EQ(stats.bytes, 24576 - 12288);
  ExpectLogMatchesModel(*log);
}

TEST_F(PartitionWriteBehindTest, ALogSyncedPerAppendHandsNothingOver) {
  config_.segment_bytes = 12000;
  config_.write_behind_bytes = 4096;
  config_.synced_per_append = true;  // flush.messages=1: its fdatasyncs write every page
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 5; ++i) AppendOk(*log, OfTotalSize(5000));  // rolls twice
  EXPECT_EQ(log->segment_count(), 3);
  EXPECT_EQ(Drained().requests, 0);
  ExpectLogMatchesModel(*log);
}

TEST(LogConfig, WriteBehindBytesMustBeAtLeastOnePage) {
  LogConfig config;
  config.write_behind_bytes = 4095;
  EXPECT_EQ(ValidateLogConfig(config).code(), absl::StatusCode::kInvalidArgument);
  config.write_behind_bytes = 4096;
  EXPECT_TRUE(ValidateLogConfig(config).ok());
}

}  // namespace
}  // namespace sluice::log

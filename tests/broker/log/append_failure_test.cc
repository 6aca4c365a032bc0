// A write error during Append (simulated with RLIMIT_FSIZE, which makes write(2) fail
// with EFBIG like a full disk fails with ENOSPC) must leave the log as it was.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>

#include "broker/log/partition_log.h"
#include "broker/log/segment.h"
#include "tests/broker/log/log_fixture.h"

namespace sluice::log {
namespace {

using testing::BatchSpec;
using testing::MakeBatch;

// Lowers the file-size limit for its lifetime; SIGXFSZ is ignored so that the write
// fails with EFBIG instead of killing the process.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    ::getrlimit(RLIMIT_FSIZE, &old_);
    struct rlimit lowered = old_;
    lowered.rlim_cur = bytes;
    ok_ = ::setrlimit(RLIMIT_FSIZE, &lowered) == 0;
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &old_);
    std::signal(SIGXFSZ, old_handler_);
  }
  bool ok() const { return ok_; }

 private:
  struct rlimit old_ {};
  void (*old_handler_)(int) = SIG_DFL;
  bool ok_ = false;
};

class AppendFailureTest : public testing::LogFixture {};

TEST_F(AppendFailureTest, PartialWriteIsUndoneAndTheLogStaysUsable) {
  auto log = OpenLog();
  for (uint32_t i = 0; i < 5; ++i) AppendOk(*log, BatchSpec{.seed = i});
  const std::string log_file = path() + "/" + SegmentFileName(0, ".log");
  const auto size_before = std::filesystem::file_size(log_file);
  {
    // Room for 30 more bytes: the next batch is written partially, then fails.
    FileSizeLimit limit(size_before + 30);
    ASSERT_TRUE(limit.ok());
    absl::StatusOr<AppendResult> r = log->Append(MakeBatch(BatchSpec{.payload_bytes = 100}), 0);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(absl::IsResourceExhausted(r.status())) << r.status();
  }
  EXPECT_EQ(std::filesystem::file_size(log_file), size_before);
  EXPECT_EQ(log->log_end_offset(), 5);
  ExpectLogMatchesModel(*log);
  AppendOk(*log, BatchSpec{.seed = 77});
  ExpectLogMatchesModel(*log);
  log.reset();
  log = OpenLog();
  ExpectLogMatchesModel(*log);
}

TEST_F(AppendFailureTest, FailedRollLeavesTheLogUnchanged) {
  config_.segment_bytes = 200;
  auto log = OpenLog();
  AppendOk(*log, BatchSpec{.payload_bytes = 100});
  {
    // Creating the new segment works, but its first write does not.
    FileSizeLimit limit(10);
    ASSERT_TRUE(limit.ok());
    absl::StatusOr<AppendResult> r = log->Append(MakeBatch(BatchSpec{.payload_bytes = 100}), 0);
    EXPECT_TRUE(absl::IsResourceExhausted(r.status())) << r.status();
  }
  EXPECT_EQ(log->log_end_offset(), 1);
  AppendOk(*log, BatchSpec{.payload_bytes = 100, .seed = 3});
  ExpectLogMatchesModel(*log);
  log.reset();
  log = OpenLog();
  ExpectLogMatchesModel(*log);
}

}  // namespace
}  // namespace sluice::log

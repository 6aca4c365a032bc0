// ReadSlices (the zero-copy read behind Fetch): the same bytes as Read for every bound,
// across segments, and slices that outlive retention, compaction-style removal and Close.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <limits>
#include <string>

#include "broker/log/partition_log.h"
#include "tests/broker/log/log_fixture.h"

namespace sluice::log {
namespace {

#define ASSERT_OK(expr)                   \
  do {                                    \
    const absl::Status status_ = (expr);  \
    ASSERT_TRUE(status_.ok()) << status_; \
  } while (false)

constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

// The bytes a slice names, read with pread from its descriptor.
std::string SliceBytes(const FileSlice& slice) {
  std::string out(static_cast<size_t>(slice.length), '\0');
  size_t done = 0;
  for (int i = 0; i < 1000 && done < out.size(); ++i) {
    ssize_t n = ::pread(slice.fd, out.data() + done, out.size() - done,
                        static_cast<off_t>(slice.offset + static_cast<int64_t>(done)));
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return out;
}

std::string Materialize(const ReadResult& r) {
  std::string out;
  for (const FileSlice& s : r.slices) out += SliceBytes(s);
  return out;
}

class SliceReadTest : public testing::LogFixture {};

TEST_F(SliceReadTest, SlicesHoldTheBytesReadReturnsForManyOffsetsAndLimits) {
  config_.segment_bytes = 700;  // a few batches per segment: reads span segments
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  AppendMany(*log, 120);
  ASSERT_GT(log->segment_count(), 10u);
  ASSERT_OK(log->SetHighWatermark(log->log_end_offset() - 7));
  const size_t limits[] = {0, 1, 100, 250, 699, 700, 1500, 5000, 1 << 20};
  size_t multi_segment_reads = 0;
  for (int64_t offset = log->log_start_offset(); offset <= log->log_end_offset(); offset += 3) {
    for (size_t max_bytes : limits) {
      for (int64_t max_offset : {log->high_watermark(), kNoLimit}) {
        for (bool min_one : {false, true}) {
          SCOPED_TRACE(::testing::Message()
                       << "offset " << offset << " max_bytes " << max_bytes << " max_offset "
                       << max_offset << " min_one " << min_one);
          absl::StatusOr<ReadResult> copied = log->Read(offset, max_bytes, max_offset, min_one);
          absl::StatusOr<ReadResult> sliced =
              log->ReadSlices(offset, max_bytes, max_offset, min_one);
          ASSERT_OK(copied.status());
          ASSERT_OK(sliced.status());
          EXPECT_TRUE(sliced->records.empty());
          EXPECT_EQ(Materialize(*sliced), copied->records);
          EXPECT_EQ(sliced->next_offset, copied->next_offset);
          EXPECT_EQ(sliced->high_watermark, copied->high_watermark);
          EXPECT_EQ(sliced->log_start_offset, copied->log_start_offset);
          EXPECT_EQ(sliced->log_end_offset, copied->log_end_offset);
          for (const FileSlice& s : sliced->slices) EXPECT_GT(s.length, 0);
          if (sliced->slices.size() > 1) ++multi_segment_reads;
        }
      }
    }
  }
  EXPECT_GT(multi_segment_reads, 100u);
  // Out of range is the same error as Read's.
  EXPECT_EQ(log->ReadSlices(log->log_end_offset() + 1, 100, kNoLimit, true).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST_F(SliceReadTest, SliceStaysReadableAfterRetentionRemovedItsSegmentAndTheLogClosed) {
  config_.segment_bytes = 700;
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  AppendMany(*log, 40);
  absl::StatusOr<ReadResult> sliced = log->ReadSlices(0, 1 << 20, kNoLimit, true);
  ASSERT_OK(sliced.status());
  ASSERT_GT(sliced->slices.size(), 3u);
  const std::string expected = Expected();
  ASSERT_EQ(Materialize(*sliced), expected);

  // Everything but the active segment goes; its files are unlinked.
  absl::StatusOr<RetentionResult> removed = log->ApplyRetention({.retention_bytes = 0});
  ASSERT_OK(removed.status());
  ASSERT_GT(removed->segments_deleted, 2u);
  ASSERT_OK(log->Close());
  log.reset();
  EXPECT_EQ(Materialize(*sliced), expected);

  // Dropping the last slice closes the descriptors.
  const int fd = sliced->slices.front().fd;
  sliced->slices.clear();
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1);
}

TEST_F(SliceReadTest, TruncationUnderASliceMakesItReadShort) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  AppendMany(*log, 10);
  absl::StatusOr<ReadResult> sliced = log->ReadSlices(0, 1 << 20, kNoLimit, true);
  ASSERT_OK(sliced.status());
  ASSERT_EQ(sliced->slices.size(), 1u);
  ASSERT_OK(log->Truncate(3));
  EXPECT_LT(Materialize(*sliced).size(), static_cast<size_t>(sliced->slices[0].length));
}

}  // namespace
}  // namespace sluice::log

#include <gtest/gtest.h>

#include <limits>

#include "broker/log/file.h"
#include "broker/log/index_policy.h"
#include "broker/log/offset_index.h"
#include "broker/log/segment.h"
#include "broker/log/time_index.h"
#include "tests/broker/log/test_util.h"

namespace sluice::log {
namespace {

using testing::TempDir;

OffsetIndex OpenOffsetIndex(const std::string& path) {
  return OffsetIndex(*File::OpenReadWrite(path));
}

TEST(SegmentFileName, IsTwentyDigitsAndParsesBack) {
  EXPECT_EQ(SegmentFileName(42, ".log"), "00000000000000000042.log");
  EXPECT_EQ(ParseSegmentFileName("00000000000000000042.log", ".log"), 42);
  EXPECT_EQ(ParseSegmentFileName("00000000000000000042.index", ".log"), std::nullopt);
  EXPECT_EQ(ParseSegmentFileName("0000000000000000042.log", ".log"), std::nullopt);
  EXPECT_EQ(ParseSegmentFileName("0000000000000000004x.log", ".log"), std::nullopt);
  EXPECT_EQ(ParseSegmentFileName("99999999999999999999.log", ".log"), std::nullopt);
}

TEST(OffsetIndex, LookupFindsGreatestEntryAtOrBelow) {
  TempDir dir;
  OffsetIndex index = OpenOffsetIndex(dir.path() + "/a.index");
  ASSERT_TRUE(index.Append({10, 100}).ok());
  ASSERT_TRUE(index.Append({20, 200}).ok());
  EXPECT_EQ(index.Lookup(5), std::nullopt);
  EXPECT_EQ(index.Lookup(10), (OffsetIndexEntry{10, 100}));
  EXPECT_EQ(index.Lookup(19), (OffsetIndexEntry{10, 100}));
  EXPECT_EQ(index.Lookup(1000), (OffsetIndexEntry{20, 200}));
}

TEST(OffsetIndex, LoadAcceptsWhatWasWrittenAndRejectsDamage) {
  TempDir dir;
  const std::string path = dir.path() + "/a.index";
  {
    OffsetIndex index = OpenOffsetIndex(path);
    ASSERT_TRUE(index.Reset({{1, 10}, {5, 50}, {9, 90}}).ok());
  }
  OffsetIndex ok = OpenOffsetIndex(path);
  ASSERT_TRUE(ok.Load(100, 10).ok());
  EXPECT_EQ(ok.entries().size(), 3u);

  EXPECT_TRUE(absl::IsDataLoss(OpenOffsetIndex(path).Load(90, 10)));  // Position beyond log.
  EXPECT_TRUE(absl::IsDataLoss(OpenOffsetIndex(path).Load(100, 2)));  // Too many entries.
  std::string bytes = testing::ReadFileBytes(path);
  testing::WriteFileBytes(path, bytes.substr(0, 20));  // Torn entry.
  EXPECT_TRUE(absl::IsDataLoss(OpenOffsetIndex(path).Load(100, 10)));
  std::swap(bytes[11], bytes[19]);  // Offsets 1, 9, 5: out of order.
  testing::WriteFileBytes(path, bytes);
  OffsetIndex bad = OpenOffsetIndex(path);
  EXPECT_TRUE(absl::IsDataLoss(bad.Load(100, 10)));
  EXPECT_TRUE(bad.entries().empty());
}

TEST(OffsetIndex, TruncateToPositionDropsLaterEntries) {
  TempDir dir;
  const std::string path = dir.path() + "/a.index";
  OffsetIndex index = OpenOffsetIndex(path);
  ASSERT_TRUE(index.Reset({{1, 10}, {5, 50}, {9, 90}}).ok());
  ASSERT_TRUE(index.TruncateToPosition(50).ok());
  EXPECT_EQ(index.entries(), (std::vector<OffsetIndexEntry>{{1, 10}}));
  EXPECT_EQ(testing::ReadFileBytes(path).size(), OffsetIndex::kEntrySize);
}

TEST(TimeIndex, LastBeforeAndTruncate) {
  TempDir dir;
  const std::string path = dir.path() + "/a.timeindex";
  TimeIndex index(*File::OpenReadWrite(path));
  ASSERT_TRUE(index.Reset({{100, 1}, {200, 5}, {300, 9}}).ok());
  EXPECT_EQ(index.LastBefore(100), std::nullopt);
  EXPECT_EQ(index.LastBefore(101), (TimeIndexEntry{100, 1}));
  EXPECT_EQ(index.LastBefore(300), (TimeIndexEntry{200, 5}));
  TimeIndex loaded(*File::OpenReadWrite(path));
  EXPECT_TRUE(loaded.Load(10, 10).ok());
  EXPECT_TRUE(absl::IsDataLoss(TimeIndex(*File::OpenReadWrite(path)).Load(9, 10)));
  ASSERT_TRUE(index.TruncateToRelativeOffset(5).ok());
  EXPECT_EQ(index.entries(), (std::vector<TimeIndexEntry>{{100, 1}}));
}

TEST(IndexPolicy, EntryOnlyAfterMoreThanIntervalBytes) {
  IndexCursor cursor;
  IndexStep first = PlanIndexStep(cursor, 100, 0, 0, 60, 5);
  EXPECT_FALSE(first.offset_entry);  // The first batch never gets an entry.
  IndexStep second = PlanIndexStep(first.next, 100, 60, 1, 60, 3);
  EXPECT_FALSE(second.offset_entry);  // 60 bytes since: not more than 100.
  IndexStep third = PlanIndexStep(second.next, 100, 120, 2, 60, 4);
  ASSERT_TRUE(third.offset_entry);
  EXPECT_EQ(*third.offset_entry, (OffsetIndexEntry{2, 120}));
  ASSERT_TRUE(third.time_entry);
  EXPECT_EQ(*third.time_entry, (TimeIndexEntry{5, 2}));  // Running max, not this batch's.
  EXPECT_EQ(third.next.bytes_since_entry, 60);
}

TEST(IndexPolicy, NoTimeEntryWithoutTimestampsOrGrowth) {
  IndexCursor cursor;
  cursor.bytes_since_entry = 1000;
  IndexStep no_ts = PlanIndexStep(cursor, 100, 500, 7, 60, -1);
  EXPECT_TRUE(no_ts.offset_entry);
  EXPECT_FALSE(no_ts.time_entry);
  cursor.max_timestamp = 50;
  cursor.last_time_entry = 50;
  IndexStep no_growth = PlanIndexStep(cursor, 100, 500, 7, 60, 40);
  EXPECT_TRUE(no_growth.offset_entry);
  EXPECT_FALSE(no_growth.time_entry);
}

}  // namespace
}  // namespace sluice::log

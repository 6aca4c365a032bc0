#include "broker/log/log_manager.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/broker/log/test_util.h"

namespace sluice::log {
namespace {

using testing::BatchSpec;
using testing::MakeBatch;

TEST(PartitionDirName, ParsesAtTheLastDash) {
  EXPECT_EQ(ParsePartitionDirName("orders-3"), (TopicPartition{"orders", 3}));
  EXPECT_EQ(ParsePartitionDirName("my.topic_v2-with-dashes-12"),
            (TopicPartition{"my.topic_v2-with-dashes", 12}));
  EXPECT_EQ(ParsePartitionDirName("a-delete-0"), (TopicPartition{"a-delete", 0}));
  EXPECT_EQ(ParsePartitionDirName("x-2147483647"), (TopicPartition{"x", 2147483647}));
  for (const char* bad : {"orders", "orders-", "-3", "orders-x", "orders-01", "orders-+1",
                          "x-2147483648", "bad/name-0", "..-0", "t-0.5-delete"}) {
    EXPECT_EQ(ParsePartitionDirName(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(PartitionDirName({"a.b", 7}), "a.b-7");
}

TEST(TopicName, FollowsKafkaRules) {
  EXPECT_TRUE(IsValidTopicName("a.b_c-D9"));
  EXPECT_FALSE(IsValidTopicName(""));
  EXPECT_FALSE(IsValidTopicName("."));
  EXPECT_FALSE(IsValidTopicName(".."));
  EXPECT_FALSE(IsValidTopicName("a b"));
  EXPECT_FALSE(IsValidTopicName(std::string(250, 'a')));
  EXPECT_TRUE(IsValidTopicName(std::string(249, 'a')));
}

class LogManagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<LogManager> OpenManager() {
    absl::StatusOr<std::unique_ptr<LogManager>> m =
        LogManager::Open(dir_.path() + "/data", config_);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? std::move(*m) : nullptr;
  }
  std::string DataDir() const { return dir_.path() + "/data"; }

  testing::TempDir dir_;
  LogConfig config_;
};

TEST_F(LogManagerTest, CreatesAndReopensPartitions) {
  auto manager = OpenManager();
  for (const auto& [topic, partition] : std::vector<std::pair<std::string, int32_t>>{
           {"orders", 0}, {"orders", 1}, {"a.b-c_d", 12}}) {
    absl::StatusOr<std::shared_ptr<PartitionLog>> log = manager->GetOrCreate(topic, partition);
    ASSERT_TRUE(log.ok()) << log.status();
    ASSERT_TRUE((*log)->Append(MakeBatch(BatchSpec{.records = partition + 1}), 0).ok());
  }
  EXPECT_EQ(manager->GetOrCreate("orders", 0)->get(), manager->Get("orders", 0).get());
  EXPECT_EQ(manager->Get("orders", 5), nullptr);
  EXPECT_TRUE(absl::IsInvalidArgument(manager->GetOrCreate("bad/name", 0).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(manager->GetOrCreate("ok", -1).status()));
  ASSERT_TRUE(manager->FlushAll().ok());
  ASSERT_TRUE(manager->CloseAll().ok());
  manager.reset();

  testing::WriteFileBytes(DataDir() + "/meta.properties", "x");  // Not a directory: ignored.
  std::filesystem::create_directories(DataDir() + "/not_a_partition");
  manager = OpenManager();
  std::vector<TopicPartition> want = {{"a.b-c_d", 12}, {"orders", 0}, {"orders", 1}};
  EXPECT_EQ(manager->List(), want);
  EXPECT_EQ(manager->Get("a.b-c_d", 12)->log_end_offset(), 13);
  EXPECT_EQ(manager->Get("orders", 1)->log_end_offset(), 2);
}

TEST_F(LogManagerTest, DeleteRemovesEveryPartitionOfTheTopic) {
  auto manager = OpenManager();
  std::shared_ptr<PartitionLog> held = *manager->GetOrCreate("t", 0);
  ASSERT_TRUE(manager->GetOrCreate("t", 1).ok());
  ASSERT_TRUE(manager->GetOrCreate("t-x", 0).ok());
  ASSERT_TRUE(held->Append(MakeBatch(BatchSpec{}), 0).ok());

  ASSERT_TRUE(manager->Delete("t").ok());
  EXPECT_EQ(manager->Get("t", 0), nullptr);
  EXPECT_TRUE(absl::IsFailedPrecondition(held->Append(MakeBatch(BatchSpec{}), 0).status()));
  EXPECT_TRUE(absl::IsNotFound(manager->Delete("t")));
  EXPECT_EQ(testing::ListNames(DataDir()), std::vector<std::string>{"t-x-0"});

  // Re-creating the topic starts from an empty log.
  std::shared_ptr<PartitionLog> again = *manager->GetOrCreate("t", 0);
  EXPECT_EQ(again->log_end_offset(), 0);
}

TEST_F(LogManagerTest, CrashMidDeleteIsCleanedAtNextOpen) {
  {
    auto manager = OpenManager();
    ASSERT_TRUE(manager->GetOrCreate("keep", 0).ok());
    ASSERT_TRUE(manager->CloseAll().ok());
  }
  // What a crash between the rename and the removal leaves behind.
  const std::string doomed = DataDir() + "/gone-0.1700000000000.0-delete";
  std::filesystem::create_directories(doomed);
  testing::WriteFileBytes(doomed + "/00000000000000000000.log", MakeBatch(BatchSpec{}));
  auto manager = OpenManager();
  EXPECT_EQ(manager->List(), (std::vector<TopicPartition>{{"keep", 0}}));
  EXPECT_FALSE(std::filesystem::exists(doomed));
}

TEST_F(LogManagerTest, AnUnreadablePartitionGoesOfflineAndTheOthersOpen) {
  auto manager = OpenManager();
  for (const char* topic : {"good", "bad"}) {
    ASSERT_TRUE((*manager->GetOrCreate(topic, 0))->Append(MakeBatch(BatchSpec{.records = 3}), 0).ok());
  }
  ASSERT_TRUE(manager->CloseAll().ok());
  manager.reset();
  // A segment that cannot be read: the file is replaced by a directory.
  const std::string segment = DataDir() + "/bad-0/00000000000000000000.log";
  std::filesystem::remove(segment);
  std::filesystem::create_directories(segment + "/kept");

  manager = OpenManager();
  ASSERT_NE(manager, nullptr);
  EXPECT_EQ(manager->List(), (std::vector<TopicPartition>{{"good", 0}}));
  EXPECT_EQ(manager->Get("good", 0)->log_end_offset(), 3);
  auto offline = manager->Offline();
  ASSERT_EQ(offline.size(), 1u);
  EXPECT_FALSE(offline.at(TopicPartition{"bad", 0}).ok());
  // Never recreated empty over the damaged files.
  absl::StatusOr<std::shared_ptr<PartitionLog>> again = manager->GetOrCreate("bad", 0);
  EXPECT_TRUE(absl::IsUnavailable(again.status())) << again.status();
  EXPECT_TRUE(std::filesystem::exists(segment + "/kept"));

  // Deleting the topic removes the damaged directory; the name can then be used again.
  ASSERT_TRUE(manager->Delete("bad").ok());
  EXPECT_TRUE(manager->Offline().empty());
  EXPECT_FALSE(std::filesystem::exists(DataDir() + "/bad-0"));
  absl::StatusOr<std::shared_ptr<PartitionLog>> fresh = manager->GetOrCreate("bad", 0);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ((*fresh)->log_end_offset(), 0);
}

}  // namespace
}  // namespace sluice::log

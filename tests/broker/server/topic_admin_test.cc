// TopicTable administration (AlterConfigs, AddPartitions, DeleteRecordsBefore) and the
// retention and cleaner tasks, over real logs in a temporary directory, the in-memory metadata
// store and injected clocks. "Restart" builds a new LogManager and TopicTable over the same
// directory and store.
#include <gtest/gtest.h>

#include "broker/log/log_manager.h"
#include "broker/server/cleaner_task.h"
#include "broker/server/log_settings.h"
#include "broker/server/retention_task.h"
#include "broker/server/topic_config.h"
#include "broker/server/topic_table.h"
#include "common/kafka/records/record_batch_builder.h"
#include "prometheus/registry.h"
#include "tests/broker/log/test_util.h"
#include "tests/mocks/in_memory_metadata_store.h"

namespace sluice::server {
namespace {

using log::testing::BatchSpec;
using log::testing::MakeBatch;

class TopicAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = fakes::NewInMemoryMetadataStore();
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    Restart();
  }

  void Restart() {
    topics_.reset();
    if (logs_) {
      ASSERT_TRUE(logs_->CloseAll().ok());
    }
    logs_.reset();
    auto logs = log::LogManager::Open(dir_.path(), log::LogConfig{}, clock_.AsClock());
    ASSERT_TRUE(logs.ok()) << logs.status();
    logs_ = std::move(*logs);
    topics_ = std::make_unique<TopicTable>(*store_, *logs_, 0);
    ASSERT_TRUE(topics_->Load().ok());
  }

  void Create(const std::string& name, int32_t partitions,
              std::map<std::string, std::string> configs) {
    ASSERT_TRUE(topics_->Create(NewTopic{name, partitions, 1, std::move(configs)}).ok());
  }

  std::shared_ptr<log::PartitionLog> Log(const std::string& name, int32_t partition = 0) {
    return topics_->Find(name)->partitions.at(partition).log;
  }

  // Appends `n` batches of ~160 bytes stamped with the fake clock's time.
  void Produce(const std::string& name, int n, int32_t partition = 0) {
    for (int i = 0; i < n; ++i) {
      BatchSpec spec{.base_timestamp = clock_.Now(),
                     .max_timestamp = clock_.Now(),
                     .payload_bytes = 100,
                     .seed = seed_++};
      ASSERT_TRUE(Log(name, partition)->Append(MakeBatch(spec), 0).ok());
    }
  }

  log::testing::TempDir dir_;
  log::testing::FakeClock clock_;
  std::unique_ptr<metadata::MetadataStore> store_;
  std::unique_ptr<log::LogManager> logs_;
  std::unique_ptr<TopicTable> topics_;
  uint32_t seed_ = 1;
};

TEST_F(TopicAdminTest, TopicSettingsApplyToLogsAtCreateAndAfterRestart) {
  Create("t", 1, {{"segment.bytes", "500"}});
  EXPECT_EQ(Log("t")->config().segment_bytes, 500);
  Restart();
  EXPECT_EQ(Log("t")->config().segment_bytes, 500);
}

TEST_F(TopicAdminTest, AlterConfigsPersistsAndChangesRunningLogs) {
  Create("t", 2, {});
  ASSERT_TRUE(topics_->AlterConfigs("t", {{"segment.bytes", "400"}, {"retention.ms", "5"}}).ok());
  EXPECT_EQ(Log("t", 1)->config().segment_bytes, 400);
  EXPECT_EQ(topics_->Find("t")->record.configs.at("retention.ms"), "5");
  Produce("t", 6);
  EXPECT_GE(Log("t")->segment_count(), 3u);
  // Back to the default (removing the key), kept across a restart.
  ASSERT_TRUE(topics_->AlterConfigs("t", {{"segment.bytes", std::nullopt}}).ok());
  EXPECT_EQ(Log("t")->config().segment_bytes, int64_t{1} << 30);
  Restart();
  EXPECT_EQ(topics_->Find("t")->record.configs,
            (std::map<std::string, std::string>{{"retention.ms", "5"}}));
  EXPECT_EQ(Log("t")->config().segment_bytes, int64_t{1} << 30);
}

TEST_F(TopicAdminTest, AlterConfigsRefusesUnusableLogSettingsAndWritesNothing) {
  Create("t", 1, {});
  EXPECT_TRUE(absl::IsInvalidArgument(topics_->AlterConfigs("t", {{"segment.bytes", "20"}})));
  EXPECT_TRUE(topics_->Find("t")->record.configs.empty());
  EXPECT_TRUE(absl::IsNotFound(topics_->AlterConfigs("nope", {{"retention.ms", "1"}})));
}

TEST_F(TopicAdminTest, AddPartitionsGrowsOnlyAndNewPartitionsSurviveARestart) {
  Create("t", 2, {{"segment.bytes", "700"}});
  EXPECT_TRUE(absl::IsInvalidArgument(topics_->AddPartitions("t", 2).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(topics_->AddPartitions("t", 1).status()));
  auto grown = topics_->AddPartitions("t", 5);
  ASSERT_TRUE(grown.ok()) << grown.status();
  EXPECT_EQ((*grown)->partitions.size(), 5u);
  EXPECT_EQ(Log("t", 4)->config().segment_bytes, 700);
  Produce("t", 2, 4);
  Restart();
  ASSERT_EQ(topics_->Find("t")->partitions.size(), 5u);
  EXPECT_EQ(topics_->Find("t")->record.partition_count, 5);
  EXPECT_EQ(Log("t", 4)->log_end_offset(), 2);
}

TEST_F(TopicAdminTest, DeleteRecordsMovesTheStartPersistentlyAndDeletesWholeSegments) {
  Create("t", 1, {{"segment.bytes", "400"}});  // two batches per segment
  Produce("t", 10);
  const size_t segments = Log("t")->segment_count();
  auto r = topics_->DeleteRecordsBefore("t", 0, 5);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->log_start_offset, 5);
  EXPECT_EQ(r->segments_deleted, 2u);
  EXPECT_EQ(Log("t")->segment_count(), segments - 2);
  EXPECT_TRUE(absl::IsOutOfRange(topics_->DeleteRecordsBefore("t", 0, 11).status()));
  EXPECT_TRUE(absl::IsOutOfRange(topics_->DeleteRecordsBefore("t", 0, -2).status()));
  EXPECT_TRUE(absl::IsNotFound(topics_->DeleteRecordsBefore("t", 1, 0).status()));
  Restart();
  EXPECT_EQ(Log("t")->log_start_offset(), 5);
  // -1 means the high watermark.
  r = topics_->DeleteRecordsBefore("t", 0, -1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->log_start_offset, 10);
  Restart();
  EXPECT_EQ(Log("t")->log_start_offset(), 10);
  EXPECT_EQ(Log("t")->log_end_offset(), 10);
}

TEST_F(TopicAdminTest, RetentionTaskRunsOnScheduleAndAppliesSizeAndTimeRetention) {
  Create("by-size", 1, {{"segment.bytes", "400"}, {"retention.bytes", "800"}});
  Create("by-time", 1, {{"segment.bytes", "400"}, {"retention.ms", "60000"}});
  Create("compacted", 1,
         {{"segment.bytes", "400"}, {"retention.bytes", "0"}, {"cleanup.policy", "compact"}});
  Create("forever", 1, {{"segment.bytes", "400"}, {"retention.ms", "-1"}});
  for (const char* t : {"by-size", "by-time", "compacted", "forever"}) Produce(t, 10);
  prometheus::Registry registry;
  int64_t interval = 1000;
  RetentionTask task(
      *topics_, registry, [&] { return interval; }, [this] { return clock_.Now(); });

  // Not due yet: nothing deleted.
  const int64_t start = clock_.Now();
  EXPECT_EQ(task.Tick(start + 999), start + 1000);
  EXPECT_EQ(Log("by-size")->log_start_offset(), 0);

  // Due: size retention keeps at least 800 bytes, whole segments only.
  EXPECT_EQ(task.Tick(start + 1000), start + 2000);
  EXPECT_GT(Log("by-size")->log_start_offset(), 0);
  EXPECT_GE(Log("by-size")->size_bytes(), 800);
  EXPECT_LT(Log("by-size")->size_bytes(), 800 + 400);
  EXPECT_EQ(Log("by-time")->log_start_offset(), 0);  // nothing is a minute old yet
  EXPECT_EQ(Log("compacted")->log_start_offset(), 0);

  // A minute later every closed segment of by-time has expired; the active one stays.
  clock_.Advance(61'000);
  RetentionPassResult pass = task.RunOnce();
  EXPECT_GT(pass.segments_deleted, 0u);
  EXPECT_EQ(Log("by-time")->segment_count(), 1u);
  EXPECT_EQ(Log("by-time")->log_start_offset(), 8);  // the active segment holds 8 and 9
  EXPECT_EQ(Log("forever")->log_start_offset(), 0);
  EXPECT_EQ(Log("compacted")->log_start_offset(), 0);

  // The counters saw both passes.
  double segments = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name != "sluice_log_deleted_segments_total") continue;
    for (const auto& metric : family.metric) {
      if (metric.label.at(0).value == "retention") segments = metric.counter.value;
    }
  }
  EXPECT_GE(segments, static_cast<double>(pass.segments_deleted + 1));
}

double CounterValue(prometheus::Registry& registry, const std::string& name) {
  for (const auto& family : registry.Collect()) {
    if (family.name == name && !family.metric.empty()) return family.metric[0].counter.value;
  }
  return -1;
}

TEST_F(TopicAdminTest, CleanerTaskCompactsOnlyCompactedTopicsOnSchedule) {
  const std::map<std::string, std::string> compact = {{"segment.bytes", "400"},
                                                      {"cleanup.policy", "compact"},
                                                      {"min.cleanable.dirty.ratio", "0.01"}};
  Create("compacted", 1, compact);
  auto both = compact;
  both["cleanup.policy"] = "compact,delete";
  Create("both", 1, both);
  Create("plain", 1, {{"segment.bytes", "400"}});
  EXPECT_FALSE(TopicCompactionPolicy(topics_->Find("plain")->record.configs).has_value());
  ASSERT_TRUE(TopicCompactionPolicy(topics_->Find("both")->record.configs).has_value());
  EXPECT_DOUBLE_EQ(
      TopicCompactionPolicy(topics_->Find("both")->record.configs)->min_cleanable_dirty_ratio,
      0.01);
  EXPECT_GE(TopicRetentionPolicy(topics_->Find("both")->record.configs).retention_ms, 0);
  for (const char* t : {"compacted", "both", "plain"}) {
    for (int i = 0; i < 40; ++i) {
      kafka::RecordBatchBuilder b;
      b.Add(clock_.Now(), "key" + std::to_string(i % 3), std::string(60, 'v'));
      ASSERT_TRUE(Log(t)->Append(*b.Build(), 0).ok());
    }
  }
  std::map<std::string, int64_t> sizes;
  for (const char* t : {"compacted", "both", "plain"}) sizes[t] = Log(t)->size_bytes();
  prometheus::Registry registry;
  bool enabled = true;
  CleanerTask task(
      *topics_, registry, [] { return int64_t{1000}; }, [&] { return enabled; },
      [] { return int64_t{1} << 20; }, [this] { return clock_.Now(); });
  const int64_t start = clock_.Now();
  EXPECT_EQ(task.Tick(start + 999), start + 1000);
  EXPECT_EQ(Log("compacted")->size_bytes(), sizes["compacted"]);
  EXPECT_EQ(task.Tick(start + 1000), start + 2000);
  EXPECT_LT(Log("compacted")->size_bytes(), sizes["compacted"]);
  EXPECT_LT(Log("both")->size_bytes(), sizes["both"]);
  EXPECT_EQ(Log("plain")->size_bytes(), sizes["plain"]);
  EXPECT_EQ(CounterValue(registry, "sluice_log_cleaner_runs_total"), 1);
  EXPECT_EQ(CounterValue(registry, "sluice_log_cleaner_compactions_total"), 2);
  EXPECT_GT(CounterValue(registry, "sluice_log_cleaner_removed_records_total"), 0);
  EXPECT_EQ(CounterValue(registry, "sluice_log_cleaner_removed_bytes_total"),
            static_cast<double>(sizes["compacted"] - Log("compacted")->size_bytes() +
                                sizes["both"] - Log("both")->size_bytes()));
  // Nothing new is dirty: the next pass compacts nothing; a disabled cleaner does not run.
  CleanerPassResult again = task.RunOnce();
  EXPECT_EQ(again.partitions, 2u);
  EXPECT_EQ(again.compacted, 0u);
  enabled = false;
  task.Tick(start + 5000);
  EXPECT_EQ(CounterValue(registry, "sluice_log_cleaner_runs_total"), 2);
}

TEST_F(TopicAdminTest, BrokerDefaultsApplyToTopicsWithoutTheirOwnValue) {
  Create("t", 1, {});
  SetBrokerTopicDefaults({{"segment.bytes", "600"}});
  topics_->RefreshLogSettings();
  EXPECT_EQ(Log("t")->config().segment_bytes, 600);
  SetBrokerTopicDefaults({});
  topics_->RefreshLogSettings();
  EXPECT_EQ(Log("t")->config().segment_bytes, int64_t{1} << 30);
}

}  // namespace
}  // namespace sluice::server

// Dynamic broker configs: which keys may change, precedence of the levels, persistence
// through the metadata store, and the topic defaults they imply.
#include "broker/server/dynamic_config.h"

#include <gtest/gtest.h>

#include "tests/mocks/in_memory_metadata_store.h"

namespace sluice::server {
namespace {

class DynamicConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = fakes::NewInMemoryMetadataStore();
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    static_.node_id = 3;
    static_.log_retention_hours = 24;  // as if from the config file
  }
  void TearDown() override { SetBrokerTopicDefaults({}); }

  std::unique_ptr<DynamicBrokerConfig> Make() {
    auto config = std::make_unique<DynamicBrokerConfig>(static_, *store_);
    EXPECT_TRUE(config->Load().ok());
    return config;
  }

  std::unique_ptr<metadata::MetadataStore> store_;
  BrokerConfig static_;
};

TEST_F(DynamicConfigTest, ReadOnlyKeysAreRefusedWithKafkasMessageAndNothingChanges) {
  auto config = Make();
  absl::Status s =
      config->Alter(BrokerScope::kThisBroker,
                    {{"listeners", "127.0.0.1:1"}, {"log.retention.ms", "5"}}, false, false);
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_EQ(s.message(), "Cannot update these configs dynamically: Set(listeners)");
  EXPECT_FALSE(config->Current().log_retention_ms.has_value());
  EXPECT_TRUE(store_->GetBrokerConfigs()->empty());
  EXPECT_TRUE(absl::IsInvalidArgument(
      config->Alter(BrokerScope::kThisBroker, {{"no.such.key", "1"}}, false, false)));
}

TEST_F(DynamicConfigTest, BadValuesAreRefused) {
  auto config = Make();
  absl::Status s =
      config->Alter(BrokerScope::kClusterDefault, {{"log.retention.bytes", "lots"}}, false, false);
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(s.message().find("Invalid value lots for configuration log.retention.bytes"),
            std::string::npos);
  EXPECT_EQ(config->Current().log_retention_bytes, -1);
}

TEST_F(DynamicConfigTest, SegmentSizesNoLogCanUseAreRefused) {
  auto config = Make();
  absl::Status s =
      config->Alter(BrokerScope::kThisBroker, {{"log.segment.bytes", "20"}}, false, false);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_EQ(config->Current().segment_bytes, BrokerConfig{}.segment_bytes);
}

TEST_F(DynamicConfigTest, ValidateOnlyChangesNothing) {
  auto config = Make();
  ASSERT_TRUE(
      config->Alter(BrokerScope::kThisBroker, {{"log.retention.ms", "5"}}, false, true).ok());
  EXPECT_FALSE(config->Current().log_retention_ms.has_value());
  EXPECT_TRUE(store_->GetBrokerConfigs()->empty());
}

TEST_F(DynamicConfigTest, PerBrokerBeatsClusterDefaultBeatsStaticBeatsBuiltIn) {
  auto config = Make();
  int listener_calls = 0;
  config->SetChangeListener([&] { ++listener_calls; });
  std::vector<ConfigLevel> levels = config->Levels("log.retention.hours");
  ASSERT_EQ(levels.size(), 2u);
  EXPECT_EQ(levels[0].source, ConfigSource::kStaticBrokerConfig);
  EXPECT_EQ(levels[0].value, "24");
  EXPECT_EQ(levels[1].source, ConfigSource::kDefaultConfig);
  EXPECT_EQ(levels[1].value, "168");

  ASSERT_TRUE(
      config->Alter(BrokerScope::kClusterDefault, {{"log.retention.hours", "12"}}, false, false)
          .ok());
  ASSERT_TRUE(
      config->Alter(BrokerScope::kThisBroker, {{"log.retention.hours", "6"}}, false, false).ok());
  EXPECT_EQ(listener_calls, 2);
  EXPECT_EQ(config->Current().log_retention_hours, 6);
  levels = config->Levels("log.retention.hours");
  ASSERT_EQ(levels.size(), 4u);
  EXPECT_EQ(levels[0].source, ConfigSource::kDynamicBrokerConfig);
  EXPECT_EQ(levels[1].source, ConfigSource::kDynamicDefaultBrokerConfig);
  EXPECT_EQ(levels[1].value, "12");
  // Topic defaults follow: retention.ms = 6 hours.
  EXPECT_EQ(TopicConfigDefault("retention.ms"), std::to_string(6 * 3600 * 1000));

  // Removing the per-broker value falls back to the cluster default.
  ASSERT_TRUE(
      config->Alter(BrokerScope::kThisBroker, {{"log.retention.hours", std::nullopt}}, false, false)
          .ok());
  EXPECT_EQ(config->Current().log_retention_hours, 12);
}

TEST_F(DynamicConfigTest, ValuesSurviveARestartThroughTheStore) {
  {
    auto config = Make();
    ASSERT_TRUE(config
                    ->Alter(BrokerScope::kThisBroker,
                            {{"message.max.bytes", "2000"}, {"log.segment.bytes", "5000"}}, false,
                            false)
                    .ok());
    ASSERT_TRUE(
        config->Alter(BrokerScope::kClusterDefault, {{"log.retention.bytes", "777"}}, false, false)
            .ok());
  }
  SetBrokerTopicDefaults({});
  auto config = Make();
  BrokerConfig current = config->Current();
  EXPECT_EQ(current.message_max_bytes, 2000);
  EXPECT_EQ(current.segment_bytes, 5000);
  EXPECT_EQ(current.log_retention_bytes, 777);
  EXPECT_EQ(TopicConfigDefault("max.message.bytes"), "2000");
  EXPECT_EQ(TopicConfigDefault("retention.bytes"), "777");
  EXPECT_EQ(config->Overrides(BrokerScope::kClusterDefault),
            (std::map<std::string, std::string>{{"log.retention.bytes", "777"}}));
}

TEST_F(DynamicConfigTest, ReplaceAllRemovesKeysNotGiven) {
  auto config = Make();
  ASSERT_TRUE(config
                  ->Alter(BrokerScope::kThisBroker,
                          {{"message.max.bytes", "2000"}, {"log.retention.ms", "9"}}, false, false)
                  .ok());
  ASSERT_TRUE(
      config->Alter(BrokerScope::kThisBroker, {{"log.retention.ms", "10"}}, true, false).ok());
  EXPECT_EQ(config->Overrides(BrokerScope::kThisBroker),
            (std::map<std::string, std::string>{{"log.retention.ms", "10"}}));
  EXPECT_EQ(config->Current().message_max_bytes, BrokerConfig{}.message_max_bytes);
}

TEST(TopicDefaultsTest, RetentionMsThenMinutesThenHoursAsKafka) {
  BrokerConfig c;
  EXPECT_EQ(TopicDefaultsFrom(c)["retention.ms"], "604800000");
  c.log_retention_minutes = 2;
  EXPECT_EQ(TopicDefaultsFrom(c)["retention.ms"], "120000");
  c.log_retention_ms = 5;
  EXPECT_EQ(TopicDefaultsFrom(c)["retention.ms"], "5");
  c.log_retention_ms = -1;
  EXPECT_EQ(TopicDefaultsFrom(c)["retention.ms"], "-1");
  EXPECT_EQ(BrokerSynonymsOfTopicConfig("retention.ms").front(), "log.retention.ms");
  EXPECT_TRUE(BrokerSynonymsOfTopicConfig("cleanup.policy").empty());
}

}  // namespace
}  // namespace sluice::server

#include "broker/server/topic_config.h"

#include <gtest/gtest.h>

#include "broker/server/log_settings.h"

namespace sluice::server {
namespace {

TEST(TopicConfig, AcceptsValidValues) {
  EXPECT_TRUE(ValidateTopicConfig("retention.ms", "-1").ok());
  EXPECT_TRUE(ValidateTopicConfig("cleanup.policy", "compact,delete").ok());
  EXPECT_TRUE(ValidateTopicConfig("compression.type", "zstd").ok());
  EXPECT_TRUE(ValidateTopicConfig("min.cleanable.dirty.ratio", "0.1").ok());
  EXPECT_TRUE(ValidateTopicConfig("preallocate", "true").ok());
}

TEST(TopicConfig, OnlyFlushMessagesOneMarksALogSyncedPerAppend) {
  EXPECT_TRUE(TopicLogConfig({{"flush.messages", "1"}}).synced_per_append);
  EXPECT_FALSE(TopicLogConfig({{"flush.messages", "2"}}).synced_per_append);
  EXPECT_FALSE(TopicLogConfig({}).synced_per_append);
  log::LogConfig was_synced;
  was_synced.synced_per_append = true;  // the topic's flush.messages changed back
  EXPECT_FALSE(TopicLogConfig({{"flush.messages", "1000"}}, was_synced).synced_per_append);
}

TEST(TopicConfig, RefusesUnknownKeysAndBadValues) {
  EXPECT_FALSE(ValidateTopicConfig("retention.mss", "1").ok());
  EXPECT_FALSE(ValidateTopicConfig("retention.ms", "soon").ok());
  EXPECT_FALSE(ValidateTopicConfig("retention.ms", "-2").ok());
  EXPECT_FALSE(ValidateTopicConfig("segment.bytes", "13").ok());
  EXPECT_FALSE(ValidateTopicConfig("max.message.bytes", "99999999999").ok());
  EXPECT_FALSE(ValidateTopicConfig("cleanup.policy", "compact,shred").ok());
  EXPECT_FALSE(ValidateTopicConfig("compression.type", "brotli").ok());
  EXPECT_FALSE(ValidateTopicConfig("preallocate", "yes").ok());
  EXPECT_FALSE(ValidateTopicConfig("min.cleanable.dirty.ratio", "2").ok());
}

TEST(TopicConfig, EffectiveValueFallsBackToDefault) {
  std::map<std::string, std::string> set = {{"retention.ms", "1000"}};
  EXPECT_EQ(EffectiveTopicConfig(set, "retention.ms"), "1000");
  EXPECT_EQ(EffectiveTopicConfig(set, "cleanup.policy"), "delete");
  EXPECT_EQ(TopicConfigInt(set, "max.message.bytes"), 1048588);
}

TEST(TopicConfig, DefinitionsAreSortedAndFindable) {
  const auto& defs = TopicConfigDefs();
  for (size_t i = 1; i < defs.size(); ++i) EXPECT_LT(defs[i - 1].name, defs[i].name);
  for (const auto& d : defs) {
    EXPECT_EQ(FindTopicConfig(d.name), &d);
    EXPECT_TRUE(ValidateTopicConfig(d.name, d.default_value).ok()) << d.name;
  }
}

}  // namespace
}  // namespace sluice::server

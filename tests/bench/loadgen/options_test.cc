#include "bench/loadgen/options.h"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

TEST(ParseOptionsTest, RateInMegabytesBecomesRecordsPerSecond) {
  auto o = ParseOptions(
      {"--bootstrap", "127.0.0.1:1", "--topic=t", "--record-size", "1000", "--rate-mbps", "50"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_DOUBLE_EQ(o->rate_records, 50'000);
}

TEST(ParseOptionsTest, PacedProducersWakeOncePerQuantumUnlessToldOtherwise) {
  auto defaults = ParseOptions({"--bootstrap", "b:1", "--topic", "t"});
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_DOUBLE_EQ(defaults->pace_quantum_us, 100);
  auto per_record = ParseOptions({"--bootstrap", "b:1", "--topic", "t", "--pace-quantum-us", "0"});
  ASSERT_TRUE(per_record.ok()) << per_record.status();
  EXPECT_DOUBLE_EQ(per_record->pace_quantum_us, 0);
  EXPECT_FALSE(ParseOptions({"--bootstrap", "b:1", "--topic", "t", "--pace-quantum-us", "-1"}).ok());
}

TEST(ParseOptionsTest, KeyValueFlagsAccumulate) {
  auto o = ParseOptions({"--bootstrap", "b:1", "--topic", "t", "--producer-prop", "a=1",
                         "--producer-prop=b=2=3", "--keyed", "--create-topic", "--topic-config",
                         "flush.messages=1"});
  ASSERT_TRUE(o.ok()) << o.status();
  ASSERT_EQ(o->producer_props.size(), 2u);
  EXPECT_EQ(o->producer_props[1].second, "2=3");
  EXPECT_TRUE(o->keyed);
  EXPECT_EQ(o->topic_configs[0].first, "flush.messages");
}

TEST(ParseOptionsTest, AlterTopicNeedsNoLoad) {
  auto o = ParseOptions({"--bootstrap", "b:1", "--topic", "t", "--producers", "0", "--alter-topic",
                         "--topic-config", "min.compaction.lag.ms=0"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_TRUE(o->alter_topic);
  EXPECT_FALSE(o->create_topic);
  EXPECT_EQ(o->topic_configs[0].second, "0");
}

TEST(ParseOptionsTest, RejectsUnknownFlagsBadNumbersAndUnboundedRuns) {
  EXPECT_FALSE(ParseOptions({"--bootstrap", "b:1", "--topic", "t", "--nope", "1"}).ok());
  EXPECT_FALSE(ParseOptions({"--bootstrap", "b:1", "--topic", "t", "--producers", "x"}).ok());
  EXPECT_FALSE(ParseOptions({"--bootstrap", "b:1", "--topic", "t", "--record-size", "10"}).ok());
  EXPECT_FALSE(ParseOptions({"--bootstrap", "b:1", "--topic", "t", "--duration", "0"}).ok());
  EXPECT_FALSE(ParseOptions({"--topic", "t"}).ok());
  EXPECT_FALSE(ParseOptions({"--bootstrap", "b:1", "--topic", "t", "--consume-existing"}).ok());
}

}  // namespace
}  // namespace sluice::bench

#include "common/kafka/client/topic_diff.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::kafka::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ObservedConfig Set(std::string value) {
  return ObservedConfig{std::move(value), true, ConfigSource::kTopic, false, false};
}
ObservedConfig Default(std::string value) {
  return ObservedConfig{std::move(value), false, ConfigSource::kDefault, false, false};
}
ObservedConfig FromBroker(std::string value) {
  return ObservedConfig{std::move(value), false, ConfigSource::kStaticBroker, false, false};
}

DesiredTopic Desired(int32_t partitions, int32_t rf,
                     std::map<std::string, std::string> configs = {}) {
  return DesiredTopic{"orders", partitions, rf, std::move(configs)};
}

ObservedTopic Observed(int32_t partitions, int32_t rf,
                       std::map<std::string, ObservedConfig> configs = {}) {
  return ObservedTopic{partitions, rf, std::move(configs)};
}

TEST(TopicDiffTest, AbsentTopicIsCreatedWithEverythingDeclared) {
  TopicPlan plan = PlanTopicSync(Desired(6, 3, {{"retention.ms", "1000"}}), std::nullopt);
  EXPECT_TRUE(plan.create);
  EXPECT_TRUE(plan.has_actions());
  EXPECT_FALSE(plan.in_sync());
  EXPECT_FALSE(plan.grow_partitions_to.has_value());
  EXPECT_THAT(plan.configs_to_set, IsEmpty());  // configs go into CreateTopic
  EXPECT_THAT(plan.refusals, IsEmpty());
  EXPECT_THAT(plan.drift, ElementsAre("topic does not exist on the broker"));

  NewTopic topic = ToNewTopic(Desired(6, 3, {{"retention.ms", "1000"}}));
  EXPECT_EQ(topic.name, "orders");
  EXPECT_EQ(topic.partitions, 6);
  EXPECT_EQ(topic.replication_factor, 3);
  EXPECT_EQ(topic.configs.at("retention.ms"), "1000");
}

TEST(TopicDiffTest, UnsetPartitionsAndReplicationFactorMeanBrokerDefaults) {
  DesiredTopic desired{"orders", std::nullopt, std::nullopt, {}};
  NewTopic topic = ToNewTopic(desired);
  EXPECT_EQ(topic.partitions, -1);
  EXPECT_EQ(topic.replication_factor, -1);
  // And they are never compared afterwards.
  EXPECT_TRUE(PlanTopicSync(desired, Observed(12, 3)).in_sync());
}

TEST(TopicDiffTest, MatchingTopicIsInSync) {
  TopicPlan plan = PlanTopicSync(
      Desired(3, 1, {{"retention.ms", "1000"}}),
      Observed(3, 1, {{"retention.ms", Set("1000")}, {"segment.bytes", Default("1073741824")}}));
  EXPECT_TRUE(plan.in_sync());
  EXPECT_FALSE(plan.has_actions());
  EXPECT_THAT(plan.drift, IsEmpty());
  EXPECT_EQ(plan.DriftSummary(), "");
  EXPECT_THAT(plan.ConfigChanges(), IsEmpty());
}

TEST(TopicDiffTest, MorePartitionsAreGrown) {
  TopicPlan plan = PlanTopicSync(Desired(8, 1), Observed(3, 1));
  EXPECT_EQ(plan.grow_partitions_to, 8);
  EXPECT_FALSE(plan.create);
  EXPECT_THAT(plan.refusals, IsEmpty());
  EXPECT_THAT(plan.drift, ElementsAre("partitions: 3 on the broker, desired 8"));
}

TEST(TopicDiffTest, FewerPartitionsAreRefusedWithAReason) {
  TopicPlan plan = PlanTopicSync(Desired(2, 1), Observed(6, 1));
  EXPECT_FALSE(plan.grow_partitions_to.has_value());
  EXPECT_FALSE(plan.has_actions());
  EXPECT_FALSE(plan.in_sync());
  ASSERT_EQ(plan.refusals.size(), 1u);
  EXPECT_EQ(plan.refusals[0].kind, RefusalKind::kShrinkPartitions);
  EXPECT_THAT(plan.refusals[0].reason, HasSubstr("cannot reduce partitions from 6 to 2"));
  EXPECT_THAT(plan.drift, ElementsAre("partitions: 6 on the broker, desired 2"));
}

TEST(TopicDiffTest, ReplicationFactorChangeIsRefused) {
  TopicPlan plan = PlanTopicSync(Desired(3, 3), Observed(3, 1));
  ASSERT_EQ(plan.refusals.size(), 1u);
  EXPECT_EQ(plan.refusals[0].kind, RefusalKind::kChangeReplicationFactor);
  EXPECT_THAT(plan.refusals[0].reason,
              HasSubstr("cannot change the replication factor from 1 to 3"));
  EXPECT_THAT(plan.drift, ElementsAre("replication factor: 1 on the broker, desired 3"));
  EXPECT_FALSE(plan.has_actions());
}

TEST(TopicDiffTest, ChangedAndMissingConfigsAreSet) {
  TopicPlan plan = PlanTopicSync(Desired(3, 1,
                                         {{"retention.ms", "1000"},
                                          {"cleanup.policy", "compact"},
                                          {"max.message.bytes", "2000000"}}),
                                 Observed(3, 1,
                                          {{"retention.ms", Set("2000")},
                                           {"cleanup.policy", Default("delete")},
                                           {"max.message.bytes", FromBroker("1048588")}}));
  EXPECT_THAT(plan.configs_to_set,
              ::testing::UnorderedElementsAre(::testing::Pair("retention.ms", "1000"),
                                              ::testing::Pair("cleanup.policy", "compact"),
                                              ::testing::Pair("max.message.bytes", "2000000")));
  EXPECT_THAT(plan.configs_to_delete, IsEmpty());
  EXPECT_THAT(plan.drift,
              ElementsAre("config cleanup.policy: delete (DEFAULT_CONFIG) on the broker, "
                          "desired compact",
                          "config max.message.bytes: 1048588 (STATIC_BROKER_CONFIG) on the "
                          "broker, desired 2000000",
                          "config retention.ms: 2000 (TOPIC_CONFIG) on the broker, desired 1000"));
}

TEST(TopicDiffTest, DeclaredValueEqualToTheDefaultIsInSync) {
  TopicPlan plan = PlanTopicSync(Desired(1, 1, {{"cleanup.policy", "delete"}}),
                                 Observed(1, 1, {{"cleanup.policy", Default("delete")}}));
  EXPECT_TRUE(plan.in_sync());
}

TEST(TopicDiffTest, UndeclaredExplicitConfigsAreDeletedButDefaultsAreNot) {
  TopicPlan plan =
      PlanTopicSync(Desired(1, 1), Observed(1, 1,
                                            {{"retention.ms", Set("5")},
                                             {"cleanup.policy", Set("compact")},
                                             {"segment.bytes", Default("1073741824")},
                                             {"max.message.bytes", FromBroker("1048588")}}));
  EXPECT_THAT(plan.configs_to_delete, ElementsAre("cleanup.policy", "retention.ms"));
  EXPECT_THAT(plan.configs_to_set, IsEmpty());
  EXPECT_THAT(plan.drift,
              ElementsAre("config cleanup.policy: compact set on the topic but not declared",
                          "config retention.ms: 5 set on the topic but not declared"));
  EXPECT_THAT(plan.ConfigChanges(),
              ElementsAre(ConfigChange{"cleanup.policy", ConfigOp::kDelete, std::nullopt},
                          ConfigChange{"retention.ms", ConfigOp::kDelete, std::nullopt}));
}

TEST(TopicDiffTest, UndeclaredConfigsCanBeKeptAndOnlyReported) {
  TopicDiffOptions options;
  options.delete_undeclared_configs = false;
  TopicPlan plan =
      PlanTopicSync(Desired(1, 1), Observed(1, 1, {{"retention.ms", Set("5")}}), options);
  EXPECT_THAT(plan.configs_to_delete, IsEmpty());
  EXPECT_TRUE(plan.in_sync());  // nothing to do...
  EXPECT_THAT(plan.drift,       // ...but the difference is reported
              ElementsAre("config retention.ms: 5 set on the topic but not declared (kept)"));
}

TEST(TopicDiffTest, ConfigUnknownToTheBrokerIsSet) {
  TopicPlan plan = PlanTopicSync(Desired(1, 1, {{"new.key", "v"}}), Observed(1, 1));
  EXPECT_EQ(plan.configs_to_set.at("new.key"), "v");
  EXPECT_THAT(plan.drift, ElementsAre("config new.key: not reported by the broker, desired v"));
}

TEST(TopicDiffTest, SensitiveValuesSetOnTheTopicAreTrusted) {
  ObservedConfig hidden{std::nullopt, true, ConfigSource::kTopic, false, true};
  EXPECT_TRUE(
      PlanTopicSync(Desired(1, 1, {{"k", "v"}}), Observed(1, 1, {{"k", hidden}})).in_sync());
  hidden.explicitly_set = false;
  hidden.source = ConfigSource::kStaticBroker;
  TopicPlan plan = PlanTopicSync(Desired(1, 1, {{"k", "v"}}), Observed(1, 1, {{"k", hidden}}));
  EXPECT_EQ(plan.configs_to_set.at("k"), "v");
  EXPECT_THAT(plan.drift[0], HasSubstr("hidden"));
  EXPECT_THAT(plan.drift[0], ::testing::Not(HasSubstr(": v")));  // never print secrets
}

TEST(TopicDiffTest, ReadOnlyConfigChangeIsRefused) {
  ObservedConfig ro = Default("x");
  ro.read_only = true;
  TopicPlan plan = PlanTopicSync(Desired(1, 1, {{"k", "y"}}), Observed(1, 1, {{"k", ro}}));
  EXPECT_THAT(plan.configs_to_set, IsEmpty());
  ASSERT_EQ(plan.refusals.size(), 1u);
  EXPECT_EQ(plan.refusals[0].kind, RefusalKind::kReadOnlyConfig);
}

TEST(TopicDiffTest, RefusalsDoNotBlockSafeActions) {
  TopicPlan plan = PlanTopicSync(
      Desired(2, 3, {{"retention.ms", "1"}}),
      Observed(4, 1, {{"retention.ms", Default("604800000")}, {"cleanup.policy", Set("compact")}}));
  ASSERT_EQ(plan.refusals.size(), 2u);
  EXPECT_EQ(plan.refusals[0].kind, RefusalKind::kShrinkPartitions);
  EXPECT_EQ(plan.refusals[1].kind, RefusalKind::kChangeReplicationFactor);
  EXPECT_EQ(plan.configs_to_set.at("retention.ms"), "1");
  EXPECT_THAT(plan.configs_to_delete, ElementsAre("cleanup.policy"));
  EXPECT_EQ(plan.drift.size(), 4u);
  EXPECT_EQ(plan.DriftSummary(),
            "partitions: 4 on the broker, desired 2; replication factor: 1 on the broker, "
            "desired 3; config cleanup.policy: compact set on the topic but not declared; "
            "config retention.ms: 604800000 (DEFAULT_CONFIG) on the broker, desired 1");
  EXPECT_THAT(plan.ConfigChanges(),
              ElementsAre(ConfigChange{"retention.ms", ConfigOp::kSet, "1"},
                          ConfigChange{"cleanup.policy", ConfigOp::kDelete, std::nullopt}));
}

TEST(TopicDiffTest, InvalidDeclarationsAreRefusedAndNeverCreated) {
  for (auto [partitions, rf] :
       std::vector<std::pair<int32_t, int32_t>>{{0, 1}, {-1, 1}, {1, 0}, {1, -3}, {1, 40000}}) {
    SCOPED_TRACE(::testing::Message() << partitions << "/" << rf);
    TopicPlan absent = PlanTopicSync(Desired(partitions, rf), std::nullopt);
    EXPECT_FALSE(absent.create);
    ASSERT_FALSE(absent.refusals.empty());
    EXPECT_EQ(absent.refusals[0].kind, RefusalKind::kInvalidSpec);
    // The valid half matches, so the only refusals are about the invalid half.
    TopicPlan present = PlanTopicSync(Desired(partitions, rf), Observed(1, 1));
    EXPECT_FALSE(present.grow_partitions_to.has_value());
    ASSERT_EQ(present.refusals.size(), 1u);
    EXPECT_EQ(present.refusals[0].kind, RefusalKind::kInvalidSpec);
  }
  TopicPlan empty_key = PlanTopicSync(Desired(1, 1, {{"", "v"}}), Observed(1, 1));
  ASSERT_EQ(empty_key.refusals.size(), 1u);
  EXPECT_THAT(empty_key.refusals[0].reason, HasSubstr("config key is empty"));
  EXPECT_THAT(empty_key.configs_to_set, IsEmpty());
  TopicPlan no_name = PlanTopicSync(DesiredTopic{"", 1, 1, {}}, std::nullopt);
  EXPECT_FALSE(no_name.create);
}

TEST(TopicDiffTest, ObserveTopicReadsAdminResults) {
  TopicDescription d;
  d.name = "orders";
  d.partitions.resize(4);
  d.replication_factor = 3;
  TopicConfigs configs;
  configs["retention.ms"] = ConfigEntry{"1000", ConfigSource::kTopic, false, false};
  configs["segment.bytes"] = ConfigEntry{"1", ConfigSource::kDefault, true, false};
  ObservedTopic o = ObserveTopic(d, configs);
  EXPECT_EQ(o.partitions, 4);
  EXPECT_EQ(o.replication_factor, 3);
  EXPECT_TRUE(o.configs.at("retention.ms").explicitly_set);
  EXPECT_FALSE(o.configs.at("segment.bytes").explicitly_set);
  EXPECT_TRUE(o.configs.at("segment.bytes").read_only);
  EXPECT_EQ(o.configs.at("segment.bytes").source, ConfigSource::kDefault);
}

TEST(TopicDiffTest, PlanningTwiceGivesTheSamePlan) {
  const DesiredTopic desired = Desired(5, 1, {{"a", "1"}, {"b", "2"}});
  const ObservedTopic observed = Observed(3, 1, {{"a", Set("0")}, {"c", Set("3")}});
  TopicPlan one = PlanTopicSync(desired, observed);
  TopicPlan two = PlanTopicSync(desired, observed);
  EXPECT_EQ(one.drift, two.drift);
  EXPECT_EQ(one.ConfigChanges(), two.ConfigChanges());
  EXPECT_EQ(one.grow_partitions_to, two.grow_partitions_to);
}

}  // namespace
}  // namespace sluice::kafka::client

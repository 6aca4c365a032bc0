#include "operator/reconcilers/topic/topic_status.h"

#include <gtest/gtest.h>

#include "common/kafka/client/kafka_error.h"

namespace sluice::operator_topic {
namespace {

namespace kc = kafka::client;
using operator_api::Condition;
using operator_api::FindCondition;
using operator_api::SluiceTopic;

constexpr char kNow[] = "2026-11-26T09:00:00Z";
constexpr char kLater[] = "2026-11-26T09:05:00Z";

SluiceTopic Topic() {
  SluiceTopic t;
  t.meta.name = "orders";
  t.meta.namespace_ = "ns";
  t.meta.generation = 3;
  t.spec.cluster_name = "demo";
  t.spec.partitions = 6;
  t.spec.replication_factor = 1;
  t.spec.config = {{"retention.ms", "1000"}};
  return t;
}

LiveTopic Live(int32_t partitions, std::map<std::string, std::string> set) {
  LiveTopic l;
  l.topic_id = "abc";
  l.observed.partitions = partitions;
  l.observed.replication_factor = 1;
  for (auto& [k, v] : set) {
    l.observed.configs[k] = {v, true, kc::ConfigSource::kTopic, false, false};
  }
  l.observed.configs["segment.bytes"] = {"1073741824", false, kc::ConfigSource::kDefault};
  return l;
}

// The topic after a successful sync at its generation.
SluiceTopic Synced() {
  SluiceTopic t = Topic();
  t.status = BuildTopicStatus(t, Live(6, {{"retention.ms", "1000"}}), {}, kNow);
  return t;
}

TEST(TopicStatusTest, BootstrapIsTheClustersBootstrapService) {
  operator_api::SluiceCluster c;
  c.meta.name = "demo";
  c.meta.namespace_ = "team-a";
  c.spec.kafka_port = 9094;
  EXPECT_EQ(BootstrapAddress(c).ToString(), "demo-bootstrap.team-a.svc:9094");
}

TEST(TopicStatusTest, AddressMapFlagsBecomeAMapperForBootstrapAndBrokerNames) {
  auto mapper = MapperFromFlags({{"demo-bootstrap.ns.svc:9092", "127.0.0.1:19092"},
                                 {"demo-0.demo-brokers.ns.svc:9092", "127.0.0.1:19093"}});
  ASSERT_TRUE(mapper.ok());
  EXPECT_EQ((*mapper)({"demo-bootstrap.ns.svc", 9092}).ToString(), "127.0.0.1:19092");
  EXPECT_EQ((*mapper)({"demo-0.demo-brokers.ns.svc", 9092}).ToString(), "127.0.0.1:19093");
  EXPECT_EQ((*mapper)({"other", 1}).ToString(), "other:1");
  EXPECT_FALSE(MapperFromFlags({{"a:1", "b"}}).ok());
}

TEST(TopicStatusTest, TransportErrorsAreTransientAndBrokerRefusalsAreNot) {
  EXPECT_TRUE(IsTransient(absl::UnavailableError("refused")));
  EXPECT_TRUE(IsTransient(absl::DeadlineExceededError("slow")));
  EXPECT_TRUE(IsTransient(kc::KafkaErrorStatus(41, "not controller", "x")));  // NOT_CONTROLLER
  EXPECT_FALSE(IsTransient(kc::KafkaErrorStatus(40, "bad key", "x")));        // INVALID_CONFIG
  EXPECT_FALSE(IsTransient(kc::KafkaErrorStatus(37, "fewer", "x")));          // INVALID_PARTITIONS
  EXPECT_FALSE(IsTransient(absl::OkStatus()));
}

TEST(TopicStatusTest, DesiredTopicUsesTheKafkaNameAndTheDriftPolicyDecidesDeletes) {
  SluiceTopic t = Topic();
  t.spec.topic_name = "web.clicks";
  kc::DesiredTopic d = DesiredTopicOf(t);
  EXPECT_EQ(d.name, "web.clicks");
  EXPECT_EQ(d.partitions, 6);
  EXPECT_EQ(d.configs.at("retention.ms"), "1000");
  EXPECT_TRUE(DiffOptionsOf(t.spec).delete_undeclared_configs);
  t.spec.drift_policy = "Report";
  EXPECT_FALSE(DiffOptionsOf(t.spec).delete_undeclared_configs);
}

TEST(TopicStatusTest, SyncedStatusShowsTheLiveTopicWithOnlyExplicitConfigs) {
  SluiceTopic t = Synced();
  EXPECT_EQ(t.status.observed_generation, 3);
  EXPECT_EQ(t.status.topic_name, "orders");
  EXPECT_EQ(t.status.topic_id, "abc");
  EXPECT_EQ(t.status.partitions, 6);
  EXPECT_EQ(t.status.replication_factor, 1);
  EXPECT_EQ(t.status.config, (std::map<std::string, std::string>{{"retention.ms", "1000"}}));
  const Condition* ready = FindCondition(t.status.conditions, "Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, "True");
  EXPECT_EQ(ready->reason, kReasonSynced);
  EXPECT_EQ(ready->observed_generation, 3);
  const Condition* drifted = FindCondition(t.status.conditions, kDrifted);
  ASSERT_NE(drifted, nullptr);
  EXPECT_EQ(drifted->status, "False");
  EXPECT_EQ(drifted->reason, kReasonInSync);
}

TEST(TopicStatusTest, ASpecChangeIsNotDrift) {
  SluiceTopic t = Synced();
  t.meta.generation = 4;  // the user asked for 8 partitions
  t.spec.partitions = 8;
  kc::TopicPlan plan =
      kc::PlanTopicSync(DesiredTopicOf(t), Live(6, {{"retention.ms", "1000"}}).observed);
  ASSERT_FALSE(plan.drift.empty());
  EXPECT_FALSE(IsDrift(t, plan));
  t.spec.drift_policy = "Report";
  EXPECT_TRUE(ShouldApply(t, IsDrift(t, plan)));  // even Report applies a new spec
}

TEST(TopicStatusTest, AChangeOutsideKubernetesIsDrift) {
  SluiceTopic t = Synced();
  kc::TopicPlan plan =
      kc::PlanTopicSync(DesiredTopicOf(t), Live(6, {{"retention.ms", "5"}}).observed);
  ASSERT_TRUE(IsDrift(t, plan));
  EXPECT_TRUE(ShouldApply(t, true));
  t.spec.drift_policy = "Report";
  EXPECT_FALSE(ShouldApply(t, true));
}

TEST(TopicStatusTest, NothingDiffersNoDrift) {
  SluiceTopic t = Synced();
  kc::TopicPlan plan =
      kc::PlanTopicSync(DesiredTopicOf(t), Live(6, {{"retention.ms", "1000"}}).observed);
  EXPECT_FALSE(IsDrift(t, plan));
}

TEST(TopicStatusTest, CorrectedDriftIsShownAndStaysUntilTheSpecChanges) {
  SluiceTopic t = Synced();
  SyncOutcome o;
  o.drift = true;
  o.corrected = true;
  o.drift_summary = "config retention.ms: 5 (TOPIC_CONFIG) on the broker, desired 1000";
  t.status = BuildTopicStatus(t, Live(6, {{"retention.ms", "1000"}}), o, kLater);
  const Condition* d = FindCondition(t.status.conditions, kDrifted);
  EXPECT_EQ(d->status, "True");
  EXPECT_EQ(d->reason, kReasonDriftCorrected);
  EXPECT_NE(d->message.find("retention.ms"), std::string::npos);
  EXPECT_EQ(d->last_transition_time, kLater);
  EXPECT_EQ(FindCondition(t.status.conditions, "Ready")->status, "True");

  // The next pass finds no difference: still shown as corrected at this generation.
  t.status = BuildTopicStatus(t, Live(6, {{"retention.ms", "1000"}}), {}, "2026-11-26T09:06:00Z");
  EXPECT_EQ(FindCondition(t.status.conditions, kDrifted)->reason, kReasonDriftCorrected);
  // A new spec: in sync again.
  t.meta.generation = 4;
  t.status = BuildTopicStatus(t, Live(6, {{"retention.ms", "1000"}}), {}, "2026-11-26T09:07:00Z");
  EXPECT_EQ(FindCondition(t.status.conditions, kDrifted)->reason, kReasonInSync);
  EXPECT_EQ(FindCondition(t.status.conditions, kDrifted)->status, "False");
}

TEST(TopicStatusTest, ReportedDriftKeepsReadyTrueAndClearsWhenFixedByHand) {
  SluiceTopic t = Synced();
  t.spec.drift_policy = "Report";
  SyncOutcome o;
  o.drift = true;
  o.drift_summary = "partitions: 9 on the broker, desired 6";
  t.status = BuildTopicStatus(t, Live(9, {{"retention.ms", "1000"}}), o, kLater);
  const Condition* ready = FindCondition(t.status.conditions, "Ready");
  EXPECT_EQ(ready->status, "True");
  EXPECT_EQ(ready->reason, kReasonDriftReported);
  EXPECT_EQ(FindCondition(t.status.conditions, kDrifted)->reason, kReasonDriftReported);
  EXPECT_EQ(t.status.partitions, 9);  // status shows what the broker has
  t.status = BuildTopicStatus(t, Live(6, {{"retention.ms", "1000"}}), {}, kLater);
  EXPECT_EQ(FindCondition(t.status.conditions, kDrifted)->status, "False");
}

TEST(TopicStatusTest, RefusalsBecomeInvalidChangeWithThePlannersSentence) {
  SluiceTopic t = Synced();
  t.meta.generation = 4;
  t.spec.partitions = 2;  // fewer than the 6 the topic has
  kc::TopicPlan plan =
      kc::PlanTopicSync(DesiredTopicOf(t), Live(6, {{"retention.ms", "1000"}}).observed);
  std::string message = RefusalMessage(plan);
  EXPECT_NE(message.find("cannot reduce partitions from 6 to 2"), std::string::npos);
  SyncOutcome o;
  o.ready_reason = kReasonInvalidChange;
  o.ready_message = message;
  t.status = BuildTopicStatus(t, Live(6, {{"retention.ms", "1000"}}), o, kLater);
  const Condition* ready = FindCondition(t.status.conditions, "Ready");
  EXPECT_EQ(ready->status, "False");
  EXPECT_EQ(ready->reason, kReasonInvalidChange);
  EXPECT_EQ(ready->message, message);
  EXPECT_EQ(ready->observed_generation, 4);
  // Not drift: the spec changed, not the topic.
  EXPECT_EQ(FindCondition(t.status.conditions, kDrifted)->status, "False");
}

TEST(TopicStatusTest, FailureKeepsTheLastSeenTopicAndDriftCondition) {
  SluiceTopic t = Synced();
  auto s = FailedTopicStatus(t, kReasonClusterUnreachable, "connection refused", kLater);
  EXPECT_EQ(s.partitions, 6);
  EXPECT_EQ(s.topic_id, "abc");
  const Condition* ready = FindCondition(s.conditions, "Ready");
  EXPECT_EQ(ready->status, "False");
  EXPECT_EQ(ready->reason, kReasonClusterUnreachable);
  EXPECT_EQ(ready->last_transition_time, kLater);
  EXPECT_EQ(*FindCondition(s.conditions, kDrifted), *FindCondition(t.status.conditions, kDrifted));
}

TEST(TopicStatusTest, MissingTopicWithReportIsNotReady) {
  SluiceTopic t = Synced();
  t.spec.drift_policy = "Report";
  SyncOutcome o;
  o.drift = true;
  o.drift_summary = "topic does not exist on the broker";
  auto s = BuildTopicStatus(t, std::nullopt, o, kLater);
  EXPECT_EQ(FindCondition(s.conditions, "Ready")->reason, kReasonTopicMissing);
  EXPECT_EQ(FindCondition(s.conditions, "Ready")->status, "False");
  EXPECT_TRUE(s.topic_id.empty());
  EXPECT_EQ(s.partitions, 0);
}

}  // namespace
}  // namespace sluice::operator_topic

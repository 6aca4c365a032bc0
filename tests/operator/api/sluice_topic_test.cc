#include "operator/api/sluice_topic.h"

#include <gtest/gtest.h>

namespace sluice::operator_api {
namespace {

nlohmann::json Sample() {
  return nlohmann::json::parse(R"({
    "apiVersion": "sluice.dev/v1alpha1", "kind": "SluiceTopic",
    "metadata": {"name": "orders", "namespace": "ns"},
    "spec": {"clusterRef": {"name": "demo"}, "partitions": 6, "replicationFactor": 3,
             "config": {"retention.ms": "604800000"}, "deletionPolicy": "Retain",
             "driftPolicy": "Correct"}
  })");
}

TEST(SluiceTopicTest, ParsesAndRoundTrips) {
  auto t = ParseSluiceTopic(Sample());
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->spec.cluster_name, "demo");
  EXPECT_EQ(t->spec.partitions, 6);
  EXPECT_EQ(t->KafkaName(), "orders");
  EXPECT_TRUE(ValidateSluiceTopicSpec(*t).ok());
  EXPECT_EQ(SluiceTopicToJson(*t)["spec"], Sample()["spec"]);
}

TEST(SluiceTopicTest, TopicNameDefaultsToTheResourceName) {
  nlohmann::json j = Sample();
  j["spec"]["topicName"] = "web.clickstream.v1";
  auto t = ParseSluiceTopic(j);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->KafkaName(), "web.clickstream.v1");
}

TEST(SluiceTopicTest, DefaultsAreTheCrds) {
  auto t = ParseSluiceTopic(
      {{"metadata", {{"name", "t"}}}, {"spec", {{"clusterRef", {{"name", "c"}}}}}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->spec.partitions, 1);
  EXPECT_EQ(t->spec.replication_factor, 1);
  EXPECT_EQ(t->spec.deletion_policy, "Retain");
  EXPECT_EQ(t->spec.drift_policy, "Correct");
}

TEST(SluiceTopicTest, ValidationRefusesBadSpecs) {
  auto t = ParseSluiceTopic(Sample());
  ASSERT_TRUE(t.ok());
  auto refused = [&](auto mutate) {
    SluiceTopic copy = *t;
    mutate(copy);
    return !ValidateSluiceTopicSpec(copy).ok();
  };
  EXPECT_TRUE(refused([](SluiceTopic& x) { x.spec.cluster_name.clear(); }));
  EXPECT_TRUE(refused([](SluiceTopic& x) { x.spec.topic_name = "has space"; }));
  EXPECT_TRUE(refused([](SluiceTopic& x) { x.spec.topic_name = ".."; }));
  EXPECT_TRUE(refused([](SluiceTopic& x) { x.spec.topic_name = std::string(250, 'a'); }));
  EXPECT_TRUE(refused([](SluiceTopic& x) { x.spec.partitions = 0; }));
  EXPECT_TRUE(refused([](SluiceTopic& x) { x.spec.replication_factor = 33; }));
  EXPECT_TRUE(refused([](SluiceTopic& x) { x.spec.deletion_policy = "Nope"; }));
  EXPECT_TRUE(refused([](SluiceTopic& x) { x.spec.drift_policy = "Ignore"; }));
}

TEST(SluiceTopicTest, PartitionsMayOnlyGrowAndIdentityIsImmutable) {
  SluiceTopicSpec old_spec = ParseSluiceTopic(Sample())->spec;
  SluiceTopicSpec grown = old_spec;
  grown.partitions = 12;
  EXPECT_TRUE(ValidateSluiceTopicUpdate(old_spec, grown).ok());
  SluiceTopicSpec shrunk = old_spec;
  shrunk.partitions = 2;
  absl::Status s = ValidateSluiceTopicUpdate(old_spec, shrunk);
  EXPECT_TRUE(absl::IsFailedPrecondition(s));
  EXPECT_NE(s.message().find("may only grow"), std::string::npos);
  SluiceTopicSpec rf = old_spec;
  rf.replication_factor = 1;
  EXPECT_FALSE(ValidateSluiceTopicUpdate(old_spec, rf).ok());
  SluiceTopicSpec renamed = old_spec;
  renamed.topic_name = "other";
  EXPECT_FALSE(ValidateSluiceTopicUpdate(old_spec, renamed).ok());
}

TEST(SluiceTopicTest, StatusRoundTrips) {
  SluiceTopicStatus status;
  status.observed_generation = 3;
  status.topic_name = "orders";
  status.topic_id = "AAAAAAAAAAAAAAAAAAAAAA";
  status.partitions = 6;
  status.replication_factor = 3;
  status.config = {{"retention.ms", "1"}};
  SetCondition(status.conditions, {"Ready", kConditionTrue, "Created", "", 3, ""}, "T");
  nlohmann::json j = Sample();
  j["status"] = SluiceTopicStatusToJson(status);
  auto t = ParseSluiceTopic(j);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->status, status);
}

}  // namespace
}  // namespace sluice::operator_api

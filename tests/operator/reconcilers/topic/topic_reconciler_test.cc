#include "operator/reconcilers/topic/topic_reconciler.h"

#include <gtest/gtest.h>

#include "operator/api/sluice_cluster.h"
#include "tests/operator/fake_kube_client.h"
#include "tests/operator/reconcilers/topic/fake_topic_admin.h"

namespace sluice::operator_topic {
namespace {

using sluice::testing::FakeBroker;
using sluice::testing::FakeKubeClient;

class TopicReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    operator_api::SluiceCluster c;
    c.meta.name = "demo";
    c.meta.namespace_ = "ns";
    nlohmann::json cluster = operator_api::SluiceClusterToJson(c);
    cluster.erase("status");
    client_.Put(k8s::SluiceClusters(), "ns", cluster);
    PutTopic(Spec());
  }

  static nlohmann::json Spec() {
    return {{"clusterRef", {{"name", "demo"}}}, {"partitions", 3},
            {"replicationFactor", 1},           {"config", {{"retention.ms", "1000"}}},
            {"deletionPolicy", "Delete"},       {"driftPolicy", "Correct"}};
  }
  // Stores the SluiceTopic with `spec`, bumping its generation when the spec changes.
  void PutTopic(const nlohmann::json& spec) {
    auto existing = client_.Find(k8s::SluiceTopics(), "ns", "orders");
    nlohmann::json object = existing.value_or(nlohmann::json{
        {"apiVersion", "sluice.dev/v1alpha1"},
        {"kind", "SluiceTopic"},
        {"metadata", {{"name", "orders"}, {"namespace", "ns"}, {"uid", "u1"}, {"generation", 0}}}});
    if (object.value("spec", nlohmann::json()) != spec) {
      object["metadata"]["generation"] = object["metadata"]["generation"].get<int>() + 1;
      object["spec"] = spec;
    }
    client_.Put(k8s::SluiceTopics(), "ns", object);
  }
  void MarkDeleted() {
    auto object = *client_.Find(k8s::SluiceTopics(), "ns", "orders");
    object["metadata"]["deletionTimestamp"] = "2026-11-26T09:00:00Z";
    client_.Put(k8s::SluiceTopics(), "ns", object);
  }
  nlohmann::json Object() { return *client_.Find(k8s::SluiceTopics(), "ns", "orders"); }
  nlohmann::json Condition(const std::string& type) {
    const nlohmann::json object = Object();
    if (!object.contains("status")) return nullptr;
    for (const auto& c : object["status"]["conditions"]) {
      if (c["type"] == type) return c;
    }
    return nullptr;
  }
  std::vector<std::string> EventReasons() {
    std::vector<std::string> reasons;
    const nlohmann::json list = *client_.List(k8s::Events(), "ns", {});
    for (const auto& e : list["items"]) reasons.push_back(e.value("reason", ""));
    return reasons;
  }
  bool HasEvent(const std::string& reason) {
    auto r = EventReasons();
    return std::find(r.begin(), r.end(), reason) != r.end();
  }

  FakeKubeClient client_;
  FakeBroker broker_;
  k8s::EventRecorder events_{&client_, "sluice-operator"};
  TopicReconciler reconciler_{&client_, &events_, broker_.Factory()};
};

TEST_F(TopicReconcilerTest, AddsTheFinalizerThenCreatesTheTopicAndReportsIt) {
  auto result = reconciler_.Reconcile("ns/orders");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(HasFinalizer(Object()));
  ASSERT_EQ(broker_.dialled.size(), 1u);
  EXPECT_EQ(broker_.dialled[0].ToString(), "demo-bootstrap.ns.svc:9092");
  ASSERT_TRUE(broker_.topics.count("orders"));
  EXPECT_EQ(broker_.topics["orders"].partitions, 3);
  EXPECT_EQ(broker_.topics["orders"].configs.at("retention.ms"), "1000");
  nlohmann::json status = Object()["status"];
  EXPECT_EQ(status["observedGeneration"], 1);
  EXPECT_EQ(status["topicId"], "id-1");
  EXPECT_EQ(status["partitions"], 3);
  EXPECT_EQ(status["config"], (nlohmann::json{{"retention.ms", "1000"}}));
  EXPECT_EQ(Condition("Ready")["status"], "True");
  EXPECT_EQ(Condition("Ready")["reason"], "Synced");
  EXPECT_EQ(Condition("Drifted")["status"], "False");
  EXPECT_TRUE(HasEvent("TopicCreated"));
  EXPECT_EQ(result->requeue_after, std::chrono::seconds(60));  // drift detection
}

TEST_F(TopicReconcilerTest, SecondPassChangesNothing) {
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  size_t writes = client_.StatusWrites().size();
  broker_.calls.clear();
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_EQ(client_.StatusWrites().size(), writes);
  EXPECT_EQ(broker_.calls, std::vector<std::string>{"observe orders"});
  EXPECT_EQ(client_.CountCalls("REPLACE"), 1);  // the finalizer, once
}

TEST_F(TopicReconcilerTest, AdoptsAnExistingTopicOfTheSameName) {
  broker_.topics["orders"] = {"old-id", 3, 1, {{"retention.ms", "1000"}}};
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_EQ(Object()["status"]["topicId"], "old-id");
  EXPECT_EQ(Condition("Ready")["status"], "True");
  EXPECT_TRUE(HasEvent("TopicAdopted"));
  for (const auto& c : broker_.calls) EXPECT_EQ(c.rfind("create", 0), std::string::npos) << c;
}

TEST_F(TopicReconcilerTest, CreateRacingAnotherCreatorAdopts) {
  broker_.created_concurrently["orders"] = {"theirs", 3, 1, {}};
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_EQ(Object()["status"]["topicId"], "theirs");
  EXPECT_EQ(broker_.topics["orders"].configs.at("retention.ms"), "1000");  // then synced
  EXPECT_TRUE(HasEvent("TopicAdopted"));
}

TEST_F(TopicReconcilerTest, GrowsPartitionsAndChangesConfigWhenTheSpecChanges) {
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  nlohmann::json spec = Spec();
  spec["partitions"] = 5;
  spec["config"] = {{"retention.ms", "2000"}, {"cleanup.policy", "compact"}};
  PutTopic(spec);
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_EQ(broker_.topics["orders"].partitions, 5);
  EXPECT_EQ(broker_.topics["orders"].configs.at("retention.ms"), "2000");
  EXPECT_EQ(broker_.topics["orders"].configs.at("cleanup.policy"), "compact");
  EXPECT_EQ(Object()["status"]["observedGeneration"], 2);
  EXPECT_EQ(Object()["status"]["partitions"], 5);
  EXPECT_EQ(Condition("Drifted")["status"], "False");  // a spec change is not drift
  EXPECT_TRUE(HasEvent("PartitionsIncreased"));
}

TEST_F(TopicReconcilerTest, DriftIsCorrectedAndShown) {
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  broker_.topics["orders"].configs["retention.ms"] = "5";       // kafka-configs --alter
  broker_.topics["orders"].configs["segment.bytes"] = "12345";  // not declared
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_EQ(broker_.topics["orders"].configs,
            (std::map<std::string, std::string>{{"retention.ms", "1000"}}));
  EXPECT_EQ(Condition("Drifted")["status"], "True");
  EXPECT_EQ(Condition("Drifted")["reason"], "DriftCorrected");
  EXPECT_NE(Condition("Drifted")["message"].get<std::string>().find("retention.ms: 5"),
            std::string::npos);
  EXPECT_EQ(Condition("Ready")["status"], "True");
  EXPECT_TRUE(HasEvent("DriftCorrected"));
}

TEST_F(TopicReconcilerTest, DriftIsOnlyReportedWithDriftPolicyReport) {
  nlohmann::json spec = Spec();
  spec["driftPolicy"] = "Report";
  PutTopic(spec);
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  broker_.topics["orders"].configs["retention.ms"] = "5";
  broker_.topics["orders"].partitions = 4;
  broker_.calls.clear();
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_EQ(broker_.calls, std::vector<std::string>{"observe orders"});
  EXPECT_EQ(broker_.topics["orders"].configs.at("retention.ms"), "5");
  EXPECT_EQ(Condition("Drifted")["status"], "True");
  EXPECT_EQ(Condition("Drifted")["reason"], "DriftReported");
  EXPECT_EQ(Condition("Ready")["status"], "True");
  EXPECT_EQ(Object()["status"]["partitions"], 4);
  EXPECT_TRUE(HasEvent("DriftDetected"));
  // Still reported on the next pass, still not corrected.
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_EQ(Condition("Drifted")["reason"], "DriftReported");
  EXPECT_EQ(broker_.topics["orders"].configs.at("retention.ms"), "5");
}

TEST_F(TopicReconcilerTest, ATopicDeletedOutsideKubernetesIsRecreated) {
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  broker_.topics.clear();  // kafka-topics --delete
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  ASSERT_TRUE(broker_.topics.count("orders"));
  EXPECT_EQ(Object()["status"]["topicId"], "id-2");  // a new topic
  EXPECT_EQ(Condition("Drifted")["reason"], "DriftCorrected");
  EXPECT_NE(Condition("Drifted")["message"].get<std::string>().find("does not exist"),
            std::string::npos);
  EXPECT_EQ(Condition("Ready")["status"], "True");
}

TEST_F(TopicReconcilerTest, ATopicDeletedOutsideKubernetesIsOnlyReportedWithReport) {
  nlohmann::json spec = Spec();
  spec["driftPolicy"] = "Report";
  PutTopic(spec);
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  broker_.topics.clear();
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_FALSE(broker_.topics.count("orders"));
  EXPECT_EQ(Condition("Ready")["status"], "False");
  EXPECT_EQ(Condition("Ready")["reason"], "TopicMissing");
  EXPECT_EQ(Condition("Drifted")["reason"], "DriftReported");
  EXPECT_FALSE(Object()["status"].contains("topicId"));
}

TEST_F(TopicReconcilerTest, UnknownConfigIsRejectedWithAConditionNotACrashLoop) {
  nlohmann::json spec = Spec();
  spec["config"] = {{"retention.ms", "1000"}, {"no.such.key", "1"}};
  PutTopic(spec);
  auto result = reconciler_.Reconcile("ns/orders");
  ASSERT_TRUE(result.ok()) << result.status();  // a retry cannot help: no backoff loop
  EXPECT_EQ(result->requeue_after, std::chrono::seconds(60));
  EXPECT_EQ(Condition("Ready")["status"], "False");
  EXPECT_EQ(Condition("Ready")["reason"], "ConfigRejected");
  EXPECT_NE(Condition("Ready")["message"].get<std::string>().find("no.such.key"),
            std::string::npos);
  EXPECT_TRUE(HasEvent("ConfigRejected"));
  EXPECT_FALSE(broker_.topics.count("orders"));
  // Fixing the spec creates it.
  PutTopic(Spec());
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_EQ(Condition("Ready")["reason"], "Synced");
}

TEST_F(TopicReconcilerTest, UnknownConfigOnAnExistingTopicIsRejected) {
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  nlohmann::json spec = Spec();
  spec["config"]["bogus.key"] = "x";
  PutTopic(spec);
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_EQ(Condition("Ready")["reason"], "ConfigRejected");
  EXPECT_EQ(Object()["status"]["config"], (nlohmann::json{{"retention.ms", "1000"}}));
}

TEST_F(TopicReconcilerTest, FewerPartitionsThanTheTopicHasIsRefused) {
  broker_.topics["orders"] = {"old-id", 8, 1, {{"retention.ms", "1000"}}};
  auto result = reconciler_.Reconcile("ns/orders");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(Condition("Ready")["status"], "False");
  EXPECT_EQ(Condition("Ready")["reason"], "InvalidChange");
  EXPECT_NE(Condition("Ready")["message"].get<std::string>().find("cannot reduce partitions"),
            std::string::npos);
  EXPECT_EQ(Object()["status"]["partitions"], 8);
  EXPECT_EQ(broker_.topics["orders"].partitions, 8);
  EXPECT_TRUE(HasEvent("InvalidChange"));
}

TEST_F(TopicReconcilerTest, UnreachableClusterIsReportedAndRetriedWithBackoff) {
  broker_.connect_error = absl::UnavailableError("connection refused");
  auto result = reconciler_.Reconcile("ns/orders");
  EXPECT_TRUE(absl::IsUnavailable(result.status()));
  EXPECT_EQ(Condition("Ready")["reason"], "ClusterUnreachable");
  EXPECT_NE(Condition("Ready")["message"].get<std::string>().find("demo-bootstrap.ns.svc:9092"),
            std::string::npos);
  broker_.connect_error = absl::OkStatus();
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_EQ(Condition("Ready")["reason"], "Synced");
}

TEST_F(TopicReconcilerTest, MissingClusterIsReportedAndPolled) {
  ASSERT_TRUE(client_.Delete(k8s::SluiceClusters(), "ns", "demo").ok());
  auto result = reconciler_.Reconcile("ns/orders");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->requeue_after, std::chrono::seconds(10));
  EXPECT_EQ(Condition("Ready")["reason"], "ClusterNotFound");
  EXPECT_TRUE(broker_.dialled.empty());
}

TEST_F(TopicReconcilerTest, InvalidSpecIsReportedWithoutDialling) {
  nlohmann::json spec = Spec();
  spec["topicName"] = "bad name!";
  PutTopic(spec);
  auto result = reconciler_.Reconcile("ns/orders");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(Condition("Ready")["reason"], "InvalidSpec");
  EXPECT_TRUE(broker_.dialled.empty());
}

TEST_F(TopicReconcilerTest, DeletionPolicyDeleteDeletesTheTopicThenReleasesTheFinalizer) {
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  MarkDeleted();
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_FALSE(broker_.topics.count("orders"));
  EXPECT_FALSE(HasFinalizer(Object()));
  EXPECT_TRUE(HasEvent("TopicDeleted"));
}

TEST_F(TopicReconcilerTest, DeletionPolicyRetainKeepsTheTopic) {
  nlohmann::json spec = Spec();
  spec["deletionPolicy"] = "Retain";
  PutTopic(spec);
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  MarkDeleted();
  broker_.calls.clear();
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_TRUE(broker_.topics.count("orders"));
  EXPECT_TRUE(broker_.calls.empty());
  EXPECT_FALSE(HasFinalizer(Object()));
}

TEST_F(TopicReconcilerTest, DeletionWithTheClusterUnreachableKeepsTheFinalizer) {
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  MarkDeleted();
  broker_.connect_error = absl::UnavailableError("connection refused");
  auto result = reconciler_.Reconcile("ns/orders");
  EXPECT_TRUE(absl::IsUnavailable(result.status()));
  EXPECT_TRUE(HasFinalizer(Object()));
  EXPECT_EQ(Condition("Ready")["reason"], "DeleteFailed");
  broker_.connect_error = absl::OkStatus();
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_FALSE(HasFinalizer(Object()));
  EXPECT_FALSE(broker_.topics.count("orders"));
}

TEST_F(TopicReconcilerTest, DeletionWhenTheTopicIsAlreadyGoneSucceeds) {
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  broker_.topics.clear();
  MarkDeleted();
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_FALSE(HasFinalizer(Object()));
}

TEST_F(TopicReconcilerTest, DeletionAfterTheClusterIsGoneReleasesTheFinalizer) {
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  ASSERT_TRUE(client_.Delete(k8s::SluiceClusters(), "ns", "demo").ok());
  MarkDeleted();
  broker_.dialled.clear();
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_FALSE(HasFinalizer(Object()));
  EXPECT_TRUE(broker_.dialled.empty());
}

TEST_F(TopicReconcilerTest, AConflictingFinalizerWriteIsRetried) {
  client_.FailCalls("REPLACE",
                    k8s::StatusFromHttp(409, R"({"kind":"Status","reason":"Conflict"})"));
  auto result = reconciler_.Reconcile("ns/orders");
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(broker_.dialled.empty());  // nothing touches Kafka before the finalizer is on
  client_.ClearFailures();
  ASSERT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_TRUE(HasFinalizer(Object()));
}

TEST_F(TopicReconcilerTest, DeletedObjectIsANoOp) {
  ASSERT_TRUE(client_.Delete(k8s::SluiceTopics(), "ns", "orders").ok());
  EXPECT_TRUE(reconciler_.Reconcile("ns/orders").ok());
  EXPECT_TRUE(broker_.dialled.empty());
}

}  // namespace
}  // namespace sluice::operator_topic

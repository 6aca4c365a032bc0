#include "operator/reconcilers/cluster/cluster_reconciler.h"

#include <gtest/gtest.h>

#include "operator/reconcilers/cluster/builders.h"
#include "tests/operator/fake_kube_client.h"
#include "tests/operator/reconcilers/cluster/test_cluster.h"

namespace sluice::operator_cluster {
namespace {

using sluice::testing::FakeKubeClient;

class ClusterReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    nlohmann::json object = operator_api::SluiceClusterToJson(TestCluster());
    object["metadata"]["uid"] = "uid-1";
    object["metadata"]["generation"] = 1;
    object.erase("status");
    client_.Put(k8s::SluiceClusters(), "ns", object);
  }
  FakeKubeClient client_;
  ClusterReconciler reconciler_{&client_, nullptr};
};

TEST_F(ClusterReconcilerTest, AppliesEveryObjectThenWritesStatus) {
  auto result = reconciler_.Reconcile("ns/demo");
  ASSERT_TRUE(result.ok()) << result.status();
  for (const char* path :
       {"APPLY /api/v1/namespaces/ns/serviceaccounts/demo-broker",
        "APPLY /api/v1/namespaces/ns/configmaps/demo-config",
        "APPLY /api/v1/namespaces/ns/services/demo-brokers",
        "APPLY /api/v1/namespaces/ns/services/demo-bootstrap",
        "APPLY /apis/policy/v1/namespaces/ns/poddisruptionbudgets/demo",
        "APPLY /apis/apps/v1/namespaces/ns/statefulsets/demo",
        "APPLY_STATUS /apis/sluice.dev/v1alpha1/namespaces/ns/sluiceclusters/demo"}) {
    EXPECT_EQ(client_.CountCalls(path), 1) << path;
  }
  auto writes = client_.StatusWrites();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0]["observedGeneration"], 1);
  // No StatefulSet status yet: not ready, so the reconciler asks to look again.
  EXPECT_GT(result->requeue_after.count(), 0);
}

TEST_F(ClusterReconcilerTest, SecondPassWithNothingChangedWritesNoStatus) {
  ASSERT_TRUE(reconciler_.Reconcile("ns/demo").ok());
  ASSERT_TRUE(reconciler_.Reconcile("ns/demo").ok());
  EXPECT_EQ(client_.StatusWrites().size(), 1u);
}

TEST_F(ClusterReconcilerTest, ReadyStatefulSetMakesTheClusterReady) {
  client_.SetStatusFor(k8s::StatefulSets(), "ns", "demo",
                       {{"observedGeneration", 0},
                        {"replicas", 3},
                        {"readyReplicas", 3},
                        {"updatedReplicas", 3},
                        {"updateRevision", "r1"}});
  auto result = reconciler_.Reconcile("ns/demo");
  ASSERT_TRUE(result.ok());
  auto status = client_.StatusWrites().back();
  EXPECT_EQ(status["readyBrokers"], 3);
  EXPECT_EQ(status["conditions"][0]["type"], "Ready");
  EXPECT_EQ(status["conditions"][0]["status"], "True");
  EXPECT_EQ(result->requeue_after.count(), 0);
}

TEST_F(ClusterReconcilerTest, InvalidSpecIsReportedOnceAndNotRetried) {
  auto object = client_.Find(k8s::SluiceClusters(), "ns", "demo");
  (*object)["spec"]["brokers"] = 0;
  client_.Put(k8s::SluiceClusters(), "ns", *object);
  auto result = reconciler_.Reconcile("ns/demo");
  ASSERT_TRUE(result.ok()) << result.status();  // OK: a retry cannot fix the spec
  EXPECT_EQ(client_.CountCalls("APPLY /"), 0);
  auto status = client_.StatusWrites().at(0);
  EXPECT_EQ(status["conditions"][2]["type"], "Degraded");
  EXPECT_EQ(status["conditions"][2]["reason"], "InvalidSpec");
  EXPECT_NE(status["conditions"][2]["message"].get<std::string>().find("spec.brokers"),
            std::string::npos);
  ASSERT_TRUE(reconciler_.Reconcile("ns/demo").ok());
  EXPECT_EQ(client_.StatusWrites().size(), 1u);
}

TEST_F(ClusterReconcilerTest, ApplyFailureIsReportedAndReturnedForRetry) {
  client_.FailCalls("APPLY /apis/apps", absl::InvalidArgumentError("HTTP 422: field is immutable"));
  auto result = reconciler_.Reconcile("ns/demo");
  EXPECT_FALSE(result.ok());
  auto status = client_.StatusWrites().at(0);
  EXPECT_EQ(status["conditions"][2]["reason"], "ApplyFailed");
  EXPECT_NE(status["conditions"][2]["message"].get<std::string>().find("StatefulSet demo"),
            std::string::npos);
}

TEST_F(ClusterReconcilerTest, DeletedClusterIsANoOp) {
  ASSERT_TRUE(client_.Delete(k8s::SluiceClusters(), "ns", "demo").ok());
  auto result = reconciler_.Reconcile("ns/demo");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(client_.CountCalls("APPLY"), 0);
}

TEST_F(ClusterReconcilerTest, ApiErrorsOnReadAreReturned) {
  client_.FailCalls("GET", absl::UnavailableError("connection refused"));
  EXPECT_TRUE(absl::IsUnavailable(reconciler_.Reconcile("ns/demo").status()));
  EXPECT_FALSE(reconciler_.Reconcile("no-slash").ok());
}

}  // namespace
}  // namespace sluice::operator_cluster

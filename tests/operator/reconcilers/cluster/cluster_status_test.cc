#include "operator/reconcilers/cluster/cluster_status.h"

#include <gtest/gtest.h>

#include "tests/operator/reconcilers/cluster/test_cluster.h"

namespace sluice::operator_cluster {
namespace {

using operator_api::FindCondition;

nlohmann::json Sts(int replicas, int ready, int updated) {
  return {{"metadata", {{"generation", 2}}},
          {"status",
           {{"observedGeneration", 2},
            {"replicas", replicas},
            {"readyReplicas", ready},
            {"updatedReplicas", updated},
            {"updateRevision", "demo-rev2"}}}};
}

nlohmann::json Pod(int i, bool ready, const std::string& revision = "demo-rev2") {
  return {{"metadata",
           {{"name", "demo-" + std::to_string(i)},
            {"labels", {{"controller-revision-hash", revision}}}}},
          {"status",
           {{"phase", "Running"},
            {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}};
}

TEST(ClusterStatusTest, AllReadyIsReadyAndStable) {
  auto c = TestCluster();
  auto s = ComputeStatus(c, Sts(3, 3, 3), {Pod(0, true), Pod(1, true), Pod(2, true)}, "T1");
  EXPECT_EQ(s.ready_brokers, 3);
  EXPECT_EQ(s.observed_generation, 1);
  EXPECT_EQ(FindCondition(s.conditions, "Ready")->status, "True");
  EXPECT_EQ(FindCondition(s.conditions, "Ready")->reason, "AllBrokersReady");
  EXPECT_EQ(FindCondition(s.conditions, "Progressing")->status, "False");
  EXPECT_EQ(FindCondition(s.conditions, "Degraded")->status, "False");
  ASSERT_EQ(s.broker_statuses.size(), 3u);
  EXPECT_EQ(s.broker_statuses[1].state, "Ready");
  EXPECT_TRUE(s.broker_statuses[1].updated);
  EXPECT_EQ(s.selector, "app.kubernetes.io/name=sluice-broker,sluice.dev/cluster=demo");
}

TEST(ClusterStatusTest, RollingUpdateIsProgressingAndNotReady) {
  auto c = TestCluster();
  auto s = ComputeStatus(
      c, Sts(3, 2, 1), {Pod(0, true, "demo-rev1"), Pod(1, true, "demo-rev1"), Pod(2, false)}, "T1");
  const auto* p = FindCondition(s.conditions, "Progressing");
  EXPECT_EQ(p->status, "True");
  EXPECT_EQ(p->reason, "RollingUpdate");
  EXPECT_EQ(p->message, "1 of 3 brokers updated");
  EXPECT_EQ(FindCondition(s.conditions, "Ready")->status, "False");
  EXPECT_FALSE(s.broker_statuses[0].updated);
  EXPECT_EQ(s.broker_statuses[2].state, "Starting");
}

TEST(ClusterStatusTest, ScalingAndMissingBrokers) {
  auto c = TestCluster();
  c.spec.brokers = 4;
  auto s = ComputeStatus(c, Sts(3, 3, 3), {Pod(0, true), Pod(1, true), Pod(2, true)}, "T1");
  EXPECT_EQ(FindCondition(s.conditions, "Progressing")->reason, "Scaling");
  EXPECT_EQ(s.broker_statuses.size(), 4u);
  EXPECT_EQ(s.broker_statuses[3].state, "Missing");
}

TEST(ClusterStatusTest, NoStatefulSetStatusYetIsCreating) {
  auto s = ComputeStatus(TestCluster(), nlohmann::json(), nlohmann::json::array(), "T1");
  EXPECT_EQ(FindCondition(s.conditions, "Progressing")->reason, "Creating");
  EXPECT_EQ(FindCondition(s.conditions, "Ready")->status, "False");
}

TEST(ClusterStatusTest, TransitionTimeOnlyMovesOnTransitions) {
  auto c = TestCluster();
  c.status = ComputeStatus(c, Sts(3, 1, 3), {Pod(0, true)}, "T1");
  auto still = ComputeStatus(c, Sts(3, 2, 3), {Pod(0, true), Pod(1, true)}, "T2");
  EXPECT_EQ(FindCondition(still.conditions, "Ready")->last_transition_time, "T1");
  EXPECT_EQ(FindCondition(still.conditions, "Ready")->message, "2 of 3 brokers ready");
  c.status = still;
  auto ready = ComputeStatus(c, Sts(3, 3, 3), {Pod(0, true), Pod(1, true), Pod(2, true)}, "T3");
  EXPECT_EQ(FindCondition(ready.conditions, "Ready")->last_transition_time, "T3");
  EXPECT_EQ(FindCondition(ready.conditions, "Degraded")->last_transition_time, "T1");
}

TEST(ClusterStatusTest, FailedStatusIsDegradedWithTheReason) {
  auto c = TestCluster();
  auto s = FailedStatus(c, "InvalidSpec", "spec.brokers: 0 is outside [1, 64]", "T1");
  EXPECT_EQ(FindCondition(s.conditions, "Degraded")->status, "True");
  EXPECT_EQ(FindCondition(s.conditions, "Degraded")->reason, "InvalidSpec");
  EXPECT_EQ(FindCondition(s.conditions, "Ready")->status, "False");
}

TEST(ClusterStatusTest, MalformedPodsAreIgnoredNotFatal) {
  nlohmann::json pods = {{{"metadata", {{"name", "demo-x"}}}},
                         {{"metadata", {{"name", "other-0"}}}},
                         {{"metadata", {{"name", "demo-1"}}}}};
  auto s = ComputeStatus(TestCluster(), Sts(3, 0, 0), pods, "T");
  EXPECT_EQ(s.broker_statuses[0].state, "Missing");
  EXPECT_EQ(s.broker_statuses[1].state, "Pending");
}

}  // namespace
}  // namespace sluice::operator_cluster

#include "operator/k8s/events.h"

#include <gtest/gtest.h>

#include "tests/operator/fake_kube_client.h"

namespace sluice::k8s {
namespace {

nlohmann::json Involved() {
  return {{"apiVersion", "sluice.dev/v1alpha1"},
          {"kind", "SluiceCluster"},
          {"metadata", {{"name", "demo"}, {"namespace", "ns"}, {"uid", "u-1"}}}};
}

TEST(EventsTest, EventNamesTheObjectAndLetsTheServerPickAName) {
  nlohmann::json e =
      BuildEvent(Involved(), "sluice-operator", "Warning", "ApplyFailed", "boom", "T");
  EXPECT_EQ(e["metadata"]["generateName"], "demo.");
  EXPECT_EQ(e["metadata"]["namespace"], "ns");
  EXPECT_EQ(e["involvedObject"]["kind"], "SluiceCluster");
  EXPECT_EQ(e["involvedObject"]["uid"], "u-1");
  EXPECT_EQ(e["type"], "Warning");
  EXPECT_EQ(e["reason"], "ApplyFailed");
  EXPECT_EQ(e["source"]["component"], "sluice-operator");
  EXPECT_EQ(e["lastTimestamp"], "T");
}

TEST(EventsTest, RecordingFailureIsNotTheCallersError) {
  sluice::testing::FakeKubeClient client;
  EventRecorder recorder(&client, "sluice-operator");
  recorder.Record(Involved(), "Normal", "ClusterReady", "3 of 3 brokers ready");
  EXPECT_EQ(client.CountCalls("CREATE /api/v1/namespaces/ns/events/"), 1);
  client.FailCalls("CREATE", absl::UnavailableError("down"));
  recorder.Record(Involved(), "Normal", "ClusterReady", "again");  // logged, not fatal
  EXPECT_EQ(client.CountCalls("CREATE"), 2);
}

}  // namespace
}  // namespace sluice::k8s

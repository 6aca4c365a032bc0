#include "operator/runtime/leader_election.h"

#include <gtest/gtest.h>

#include "tests/operator/fake_kube_client.h"

namespace sluice::operator_runtime {
namespace {

using sluice::testing::FakeKubeClient;

LeaderElectionOptions Options(const std::string& identity) {
  LeaderElectionOptions o;
  o.namespace_ = "ops";
  o.name = "lease";
  o.identity = identity;
  return o;
}

TEST(LeaderElectionTest, FirstCandidateCreatesTheLease) {
  FakeKubeClient client;
  LeaderElector a(&client, Options("a"));
  ASSERT_TRUE(a.TryAcquireOrRenew().ok());
  EXPECT_TRUE(a.IsLeader());
  auto lease = client.Find(k8s::Leases(), "ops", "lease");
  ASSERT_TRUE(lease.has_value());
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], "a");
  EXPECT_EQ((*lease)["spec"]["leaseDurationSeconds"], 15);
  EXPECT_EQ((*lease)["spec"]["leaseTransitions"], 0);
}

TEST(LeaderElectionTest, SecondCandidateWaitsWhileTheLeaseIsLive) {
  FakeKubeClient client;
  LeaderElector a(&client, Options("a"));
  LeaderElector b(&client, Options("b"));
  ASSERT_TRUE(a.TryAcquireOrRenew().ok());
  absl::Status s = b.TryAcquireOrRenew();
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_FALSE(b.IsLeader());
  ASSERT_TRUE(a.TryAcquireOrRenew().ok());  // renewal
  EXPECT_TRUE(a.IsLeader());
}

TEST(LeaderElectionTest, ReleasedLeaseIsTakenAtOnceWithATransition) {
  FakeKubeClient client;
  LeaderElector a(&client, Options("a"));
  LeaderElector b(&client, Options("b"));
  ASSERT_TRUE(a.TryAcquireOrRenew().ok());
  EXPECT_FALSE(b.TryAcquireOrRenew().ok());
  a.Release();
  EXPECT_FALSE(a.IsLeader());
  ASSERT_TRUE(b.TryAcquireOrRenew().ok());
  auto lease = client.Find(k8s::Leases(), "ops", "lease");
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], "b");
  EXPECT_EQ((*lease)["spec"]["leaseTransitions"], 0);  // released, not taken over
}

TEST(LeaderElectionTest, ExpiredLeaseIsTakenOverOnOurClock) {
  FakeKubeClient client;
  LeaderElector a(&client, Options("a"));
  LeaderElectionOptions fast = Options("b");
  fast.lease_duration = std::chrono::seconds(1);
  LeaderElector b(&client, fast);
  ASSERT_TRUE(a.TryAcquireOrRenew().ok());
  EXPECT_FALSE(b.TryAcquireOrRenew().ok());  // first sight starts b's clock
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE(b.TryAcquireOrRenew().ok());  // a never renewed: expired
  auto lease = client.Find(k8s::Leases(), "ops", "lease");
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], "b");
  EXPECT_EQ((*lease)["spec"]["leaseTransitions"], 1);
  // a's next renewal conflicts or sees b: a is no longer leader.
  EXPECT_FALSE(a.TryAcquireOrRenew().ok());
  EXPECT_FALSE(a.IsLeader());
}

TEST(LeaderElectionTest, ConcurrentWriteLosesOnResourceVersionConflict) {
  FakeKubeClient client;
  LeaderElector a(&client, Options("a"));
  ASSERT_TRUE(a.TryAcquireOrRenew().ok());
  client.FailCalls("REPLACE", k8s::StatusFromHttp(409, R"({"kind":"Status","reason":"Conflict"})"));
  EXPECT_TRUE(k8s::IsConflict(a.TryAcquireOrRenew()));
  EXPECT_FALSE(a.IsLeader());
}

TEST(LeaderElectionTest, MicroTimeFormat) {
  std::string t = NowMicroTime();
  ASSERT_EQ(t.size(), 27u) << t;
  EXPECT_EQ(t[19], '.');
  EXPECT_EQ(t.back(), 'Z');
}

}  // namespace
}  // namespace sluice::operator_runtime

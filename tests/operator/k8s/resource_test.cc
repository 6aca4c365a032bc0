#include "operator/k8s/resource.h"

#include <gtest/gtest.h>

namespace sluice::k8s {
namespace {

TEST(ResourceTest, PathsOfCoreGroupAndNamedGroups) {
  EXPECT_EQ(ConfigMaps().Path("ns", "a"), "/api/v1/namespaces/ns/configmaps/a");
  EXPECT_EQ(StatefulSets().Path("ns"), "/apis/apps/v1/namespaces/ns/statefulsets");
  EXPECT_EQ(SluiceClusters().Path(""), "/apis/sluice.dev/v1alpha1/sluiceclusters");
  EXPECT_EQ(Leases().ApiVersion(), "coordination.k8s.io/v1");
  EXPECT_EQ(Pods().ApiVersion(), "v1");
}

}  // namespace
}  // namespace sluice::k8s

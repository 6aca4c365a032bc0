// A valid SluiceCluster for the builder and reconciler tests.
#pragma once

#include "operator/api/sluice_cluster.h"

namespace sluice::operator_cluster {

inline operator_api::SluiceCluster TestCluster() {
  operator_api::SluiceCluster c;
  c.meta.name = "demo";
  c.meta.namespace_ = "ns";
  c.meta.uid = "uid-1";
  c.meta.generation = 1;
  c.spec.brokers = 3;
  c.spec.storage = {"persistent", "1Gi", "sluice-static"};
  c.spec.config = {{"num.partitions", "3"}};
  c.spec.rack_topology_key = "topology.kubernetes.io/zone";
  return c;
}

}  // namespace sluice::operator_cluster

// File: operator/reconcilers/cluster/cluster_status.h
// The status a SluiceCluster should show, computed from what the cluster really has (the
// StatefulSet and the broker pods) by a pure function.
//
// Conditions (lastTransitionTime only moves when a status flips, see conditions.h):
//   Ready       True  AllBrokersReady    every broker is ready and runs the current template
//               False BrokersNotReady    "2 of 3 brokers ready"
//               False InvalidSpec / ApplyFailed (with Degraded)
//   Progressing True  Creating           no StatefulSet status yet
//               True  Scaling            StatefulSet replicas != spec.brokers
//               True  RollingUpdate      "1 of 3 brokers updated" (one broker at a time)
//               True  BrokersStarting    all updated, not all ready
//               False Stable
//   Degraded    True  InvalidSpec        the spec failed validation (message says why)
//               True  ApplyFailed        the API server refused an object (message says which)
//               False AsExpected
#pragma once

#include <string>

#include "nlohmann/json.hpp"
#include "operator/api/sluice_cluster.h"

namespace sluice::operator_cluster {

// `statefulset` is the StatefulSet as the API server returned it (null if unknown);
// `pods` its pods (a JSON array, possibly empty). `previous` supplies the conditions whose
// transition times are kept. `now` is RFC 3339.
operator_api::SluiceClusterStatus ComputeStatus(const operator_api::SluiceCluster& cluster,
                                                const nlohmann::json& statefulset,
                                                const nlohmann::json& pods, const std::string& now);

// The status of a cluster that could not be reconciled: Ready False, Progressing False,
// Degraded True with `reason` and `message`; counts kept from `previous`.
operator_api::SluiceClusterStatus FailedStatus(const operator_api::SluiceCluster& cluster,
                                               const std::string& reason,
                                               const std::string& message, const std::string& now);

}  // namespace sluice::operator_cluster

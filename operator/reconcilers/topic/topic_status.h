// File: operator/reconcilers/topic/topic_status.h
// Pure parts of the SluiceTopic reconciler: what to ask the broker for, whether a difference is
// drift (made outside Kubernetes) or a spec change, and the status to show. No I/O.
//
// Conditions (lastTransitionTime only moves when a status flips, see conditions.h):
//   Ready    True  Synced             the topic matches the spec
//            True  DriftReported      it exists but differs (driftPolicy Report, left alone)
//            False InvalidSpec        the spec fails validation (not retried until it changes)
//            False ClusterNotFound    no SluiceCluster of spec.clusterRef.name
//            False ClusterUnreachable the brokers did not answer (retried with backoff)
//            False InvalidChange      refused by the planner: fewer partitions, another
//                                     replication factor, a read-only config
//            False ConfigRejected     the broker refused a config (INVALID_CONFIG, ...)
//            False PartitionsRejected / CreateRejected  the broker refused that request
//            False TopicMissing       deleted outside Kubernetes and driftPolicy is Report
//            False DeleteFailed       deleting the Kafka topic failed (finalizer kept)
//   Drifted  True  DriftCorrected     the live topic had changed while the spec had not; set
//                                     back (stays until the spec changes or drift recurs)
//            True  DriftReported      the same with driftPolicy Report: not corrected
//            False InSync
//
// Drift versus spec change. Example: partitions 3 synced at generation 4 (Ready True,
// observedGeneration 4). Someone runs kafka-configs --alter retention.ms=1: the next pass
// still sees generation 4 and Ready True, so the difference is drift (Drifted True,
// corrected or only reported per driftPolicy). If instead the user edits the spec
// (generation 5), the difference is the change asked for: applied, never called drift, even
// with driftPolicy Report.
#pragma once

#include <optional>
#include <string>

#include "common/kafka/client/host_port.h"
#include "common/kafka/client/topic_diff.h"
#include "operator/api/sluice_cluster.h"
#include "operator/api/sluice_topic.h"
#include "operator/reconcilers/topic/topic_admin.h"

namespace sluice::operator_topic {

inline constexpr char kFinalizer[] = "sluice.dev/topic-protection";

inline constexpr char kDrifted[] = "Drifted";

inline constexpr char kReasonSynced[] = "Synced";
inline constexpr char kReasonDriftReported[] = "DriftReported";
inline constexpr char kReasonDriftCorrected[] = "DriftCorrected";
inline constexpr char kReasonInSync[] = "InSync";
inline constexpr char kReasonInvalidSpec[] = "InvalidSpec";
inline constexpr char kReasonClusterNotFound[] = "ClusterNotFound";
inline constexpr char kReasonClusterUnreachable[] = "ClusterUnreachable";
inline constexpr char kReasonInvalidChange[] = "InvalidChange";
inline constexpr char kReasonConfigRejected[] = "ConfigRejected";
inline constexpr char kReasonPartitionsRejected[] = "PartitionsRejected";
inline constexpr char kReasonCreateRejected[] = "CreateRejected";
inline constexpr char kReasonTopicMissing[] = "TopicMissing";
inline constexpr char kReasonDeleteFailed[] = "DeleteFailed";

// The cluster's bootstrap Service: <cluster>-bootstrap.<namespace>.svc:<kafkaPort> (the name
// operator/reconcilers/cluster/names.h gives it). Dialled through the address mapper.
kafka::client::HostPort BootstrapAddress(const operator_api::SluiceCluster& cluster);

// The declaration handed to PlanTopicSync.
kafka::client::DesiredTopic DesiredTopicOf(const operator_api::SluiceTopic& topic);
// driftPolicy Correct deletes configs set on the topic but not declared; Report keeps them.
kafka::client::TopicDiffOptions DiffOptionsOf(const operator_api::SluiceTopicSpec& spec);

// True when `plan` differs from the broker although this generation of the spec was already
// synced (Ready True at this generation) or drift was already being reported at it.
bool IsDrift(const operator_api::SluiceTopic& topic, const kafka::client::TopicPlan& plan);
// Whether to run the plan's actions: always with driftPolicy Correct; with Report only when
// the difference is not drift (a new spec, or the topic was never synced).
bool ShouldApply(const operator_api::SluiceTopic& topic, bool drift);

// The Ready reason and message for a plan with refusals ("" if none): InvalidChange, the
// refusal sentences joined with "; ".
std::string RefusalMessage(const kafka::client::TopicPlan& plan);

// What one reconcile found and did, for BuildTopicStatus.
struct SyncOutcome {
  std::string ready_reason = kReasonSynced;  // kReasonSynced or a failure reason above
  std::string ready_message;
  bool drift = false;      // IsDrift
  bool corrected = false;  // the drift was acted on (ShouldApply)
  std::string drift_summary;
};

// The status after a reconcile that reached the broker: observedGeneration, topic name, and
// from `live` (the topic as re-read after the actions; nullopt if it does not exist) its id,
// partitions, replication factor and the configs set on the topic (hidden values omitted).
// Conditions Ready and Drifted per the table above; `topic.status` supplies the transition
// times. `now` is RFC 3339.
operator_api::SluiceTopicStatus BuildTopicStatus(const operator_api::SluiceTopic& topic,
                                                 const std::optional<LiveTopic>& live,
                                                 const SyncOutcome& outcome,
                                                 const std::string& now);

// The status when the broker could not be asked (invalid spec, no cluster, unreachable):
// the previous status with observedGeneration and Ready=False/`reason`/`message`; the topic
// fields and Drifted are kept as last seen.
operator_api::SluiceTopicStatus FailedTopicStatus(const operator_api::SluiceTopic& topic,
                                                  const std::string& reason,
                                                  const std::string& message,
                                                  const std::string& now);

}  // namespace sluice::operator_topic

#include "operator/reconcilers/topic/topic_status.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "operator/reconcilers/cluster/names.h"

namespace sluice::operator_topic {

namespace kc = kafka::client;
using operator_api::Condition;
using operator_api::FindCondition;
using operator_api::kConditionFalse;
using operator_api::kConditionTrue;
using operator_api::kReady;
using operator_api::SluiceTopic;
using operator_api::SluiceTopicStatus;

kc::HostPort BootstrapAddress(const operator_api::SluiceCluster& cluster) {
  return {absl::StrCat(operator_cluster::BootstrapServiceName(cluster), ".",
                       cluster.meta.namespace_, ".svc"),
          static_cast<uint16_t>(cluster.spec.kafka_port)};
}

kc::DesiredTopic DesiredTopicOf(const SluiceTopic& topic) {
  kc::DesiredTopic d;
  d.name = topic.KafkaName();
  d.partitions = topic.spec.partitions;
  d.replication_factor = topic.spec.replication_factor;
  d.configs = topic.spec.config;
  return d;
}

kc::TopicDiffOptions DiffOptionsOf(const operator_api::SluiceTopicSpec& spec) {
  kc::TopicDiffOptions o;
  o.delete_undeclared_configs = spec.drift_policy != "Report";
  return o;
}

bool IsDrift(const SluiceTopic& topic, const kc::TopicPlan& plan) {
  if (plan.drift.empty()) return false;
  const int64_t generation = topic.meta.generation;
  if (topic.status.observed_generation != generation) return false;  // a new spec
  const Condition* ready = FindCondition(topic.status.conditions, kReady);
  const Condition* drifted = FindCondition(topic.status.conditions, kDrifted);
  bool synced = ready != nullptr && ready->status == kConditionTrue &&
                ready->observed_generation == generation;
  bool drifting = drifted != nullptr && drifted->status == kConditionTrue &&
                  drifted->observed_generation == generation;
  return synced || drifting;
}

bool ShouldApply(const SluiceTopic& topic, bool drift) {
  return topic.spec.drift_policy != "Report" || !drift;
}

std::string RefusalMessage(const kc::TopicPlan& plan) {
  std::vector<std::string> reasons;
  for (const auto& r : plan.refusals) reasons.push_back(r.reason);
  return absl::StrJoin(reasons, "; ");
}

namespace {

Condition MakeCondition(const SluiceTopic& topic, const char* type, bool status, std::string reason,
                        std::string message) {
  Condition c;
  c.type = type;
  c.status = status ? kConditionTrue : kConditionFalse;
  c.reason = std::move(reason);
  c.message = std::move(message);
  c.observed_generation = topic.meta.generation;
  return c;
}

}  // namespace

SluiceTopicStatus BuildTopicStatus(const SluiceTopic& topic, const std::optional<LiveTopic>& live,
                                   const SyncOutcome& outcome, const std::string& now) {
  SluiceTopicStatus status = topic.status;
  status.observed_generation = topic.meta.generation;
  status.topic_name = topic.KafkaName();
  status.topic_id.clear();
  status.partitions = 0;
  status.replication_factor = 0;
  status.config.clear();
  if (live) {
    status.topic_id = live->topic_id;
    status.partitions = live->observed.partitions;
    status.replication_factor = live->observed.replication_factor;
    for (const auto& [key, c] : live->observed.configs) {
      if (c.explicitly_set && c.value.has_value()) status.config[key] = *c.value;
    }
  }

  std::string reason = outcome.ready_reason;
  std::string message = outcome.ready_message;
  if (reason == kReasonSynced && !live) {
    reason = kReasonTopicMissing;
    message = topic.spec.drift_policy == "Report"
                  ? "the topic does not exist on the broker (driftPolicy Report)"
                  : "the topic does not exist on the broker";
  } else if (reason == kReasonSynced && outcome.drift && !outcome.corrected) {
    reason = kReasonDriftReported;
    message = "the topic differs from the spec (driftPolicy Report): " + outcome.drift_summary;
  } else if (reason == kReasonSynced && message.empty()) {
    message = absl::StrCat("topic ", topic.KafkaName(), " has ", status.partitions,
                           " partitions and the declared config");
  }
  const bool ready = reason == kReasonSynced || reason == kReasonDriftReported;
  operator_api::SetCondition(status.conditions,
                             MakeCondition(topic, kReady, ready, reason, message), now);

  if (outcome.drift) {
    operator_api::SetCondition(
        status.conditions,
        outcome.corrected
            ? MakeCondition(
                  topic, kDrifted, true, kReasonDriftCorrected,
                  "changed outside Kubernetes, set back to the spec: " + outcome.drift_summary)
            : MakeCondition(topic, kDrifted, true, kReasonDriftReported,
                            std::string(topic.spec.drift_policy == "Report"
                                            ? "changed outside Kubernetes (driftPolicy Report): "
                                            : "changed outside Kubernetes, not corrected: ") +
                                outcome.drift_summary),
        now);
  } else {
    // A corrected drift stays visible until the spec changes; anything else is in sync now.
    const Condition* was = FindCondition(topic.status.conditions, kDrifted);
    bool keep = was != nullptr && was->status == kConditionTrue &&
                was->reason == kReasonDriftCorrected &&
                was->observed_generation == topic.meta.generation;
    if (!keep) {
      operator_api::SetCondition(
          status.conditions,
          MakeCondition(topic, kDrifted, false, kReasonInSync,
                        "no change made outside Kubernetes since the spec was applied"),
          now);
    }
  }
  return status;
}

SluiceTopicStatus FailedTopicStatus(const SluiceTopic& topic, const std::string& reason,
                                    const std::string& message, const std::string& now) {
  SluiceTopicStatus status = topic.status;
  status.observed_generation = topic.meta.generation;
  status.topic_name = topic.KafkaName();
  operator_api::SetCondition(status.conditions,
                             MakeCondition(topic, kReady, false, reason, message), now);
  return status;
}

}  // namespace sluice::operator_topic

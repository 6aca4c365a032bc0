#include "operator/reconcilers/topic/topic_reconciler.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/kafka/client/kafka_error.h"
#include "common/log.h"
#include "common/status.h"
#include "operator/api/sluice_cluster.h"
#include "operator/k8s/api_status.h"

namespace sluice::operator_topic {

namespace kc = kafka::client;
using operator_api::SluiceTopic;
using operator_api::SluiceTopicStatus;
using operator_runtime::ReconcileResult;

namespace {

std::pair<std::string, std::string> SplitKey(const std::string& key) {
  size_t slash = key.find('/');
  return {key.substr(0, slash), key.substr(slash + 1)};
}

// The Ready reason for a refusal by the broker of one of our requests.
std::string RejectionReason(const absl::Status& s, const char* fallback) {
  auto code = kc::KafkaErrorCodeOf(s);
  if (code && *code == 40) return kReasonConfigRejected;  // INVALID_CONFIG
  return fallback;
}

}  // namespace

bool HasFinalizer(const nlohmann::json& object) {
  const auto& m = object.contains("metadata") ? object["metadata"] : nlohmann::json::object();
  if (!m.contains("finalizers") || !m["finalizers"].is_array()) return false;
  for (const auto& f : m["finalizers"]) {
    if (f.is_string() && f.get<std::string>() == kFinalizer) return true;
  }
  return false;
}

TopicReconciler::TopicReconciler(k8s::KubeClient* client, k8s::EventRecorder* events,
                                 TopicAdminFactory admin, Lookup topics, Lookup clusters,
                                 TopicReconcilerOptions options)
    : client_(client),
      events_(events),
      admin_(std::move(admin)),
      topics_(std::move(topics)),
      clusters_(std::move(clusters)),
      options_(options) {}

absl::StatusOr<std::optional<nlohmann::json>> TopicReconciler::Read(const k8s::Resource& resource,
                                                                    const Lookup& lookup,
                                                                    const std::string& key) {
  if (lookup) return lookup(key);
  auto [ns, name] = SplitKey(key);
  auto got = client_->Get(resource, ns, name);
  if (got.ok()) return std::optional<nlohmann::json>(*std::move(got));
  if (absl::IsNotFound(got.status())) return std::optional<nlohmann::json>();
  return got.status();
}

absl::StatusOr<ReconcileResult> TopicReconciler::Reconcile(const std::string& key) {
  if (key.find('/') == std::string::npos) return absl::InvalidArgumentError("bad key " + key);
  SLUICE_ASSIGN_OR_RETURN(std::optional<nlohmann::json> object,
                          Read(k8s::SluiceTopics(), topics_, key));
  if (!object) return ReconcileResult{};  // gone: the finalizer ran before it could go
  try {
    return ReconcileObject(*std::move(object));
  } catch (const std::exception& e) {  // a malformed object from the server: never crash
    return absl::InternalError(absl::StrCat("reconcile ", key, ": ", e.what()));
  }
}

absl::StatusOr<nlohmann::json> TopicReconciler::SetFinalizer(const nlohmann::json& object,
                                                             bool present) {
  nlohmann::json updated = object;
  nlohmann::json& m = updated["metadata"];
  nlohmann::json finalizers = nlohmann::json::array();
  if (m.contains("finalizers") && m["finalizers"].is_array()) {
    for (const auto& f : m["finalizers"]) {
      if (!(f.is_string() && f.get<std::string>() == kFinalizer)) finalizers.push_back(f);
    }
  }
  if (present) finalizers.push_back(kFinalizer);
  if (finalizers.empty()) {
    m.erase("finalizers");
  } else {
    m["finalizers"] = finalizers;
  }
  // A stale resourceVersion is a conflict (Aborted): the controller retries with a fresh read.
  return client_->Replace(k8s::SluiceTopics(), m["namespace"].get<std::string>(), updated);
}

absl::Status TopicReconciler::Report(const nlohmann::json& object, const SluiceTopic& topic,
                                     const SluiceTopicStatus& status) {
  if (status == topic.status) return absl::OkStatus();
  const auto* was = operator_api::FindCondition(topic.status.conditions, operator_api::kReady);
  const auto* is = operator_api::FindCondition(status.conditions, operator_api::kReady);
  if (events_ && is != nullptr && is->status != operator_api::kConditionTrue &&
      (was == nullptr || was->reason != is->reason || was->message != is->message)) {
    events_->Record(object, "Warning", is->reason, is->message);
  }
  if (is != nullptr && (was == nullptr || was->reason != is->reason)) {
    SLUICE_LOG(kInfo) << "sluicetopic " << topic.meta.Key() << ": Ready=" << is->status << " "
                      << is->reason << ": " << is->message;
  }
  nlohmann::json patch = {
      {"apiVersion", operator_api::kApiVersion},
      {"kind", operator_api::kSluiceTopicKind},
      {"metadata", {{"name", topic.meta.name}, {"namespace", topic.meta.namespace_}}},
      {"status", operator_api::SluiceTopicStatusToJson(status)}};
  return client_->Apply(k8s::SluiceTopics(), topic.meta.namespace_, patch, /*status=*/true)
      .status();
}

absl::StatusOr<ReconcileResult> TopicReconciler::ReconcileObject(nlohmann::json object) {
  SLUICE_ASSIGN_OR_RETURN(SluiceTopic topic, operator_api::ParseSluiceTopic(object));
  if (!topic.meta.deletion_timestamp.empty()) return Finalize(object, topic);
  if (!HasFinalizer(object)) {
    SLUICE_ASSIGN_OR_RETURN(object, SetFinalizer(object, true));
  }
  const std::string now = operator_api::NowRfc3339();
  if (absl::Status valid = operator_api::ValidateSluiceTopicSpec(topic); !valid.ok()) {
    SLUICE_RETURN_IF_ERROR(
        Report(object, topic,
               FailedTopicStatus(topic, kReasonInvalidSpec, std::string(valid.message()), now)));
    return ReconcileResult{};  // not retried until the spec changes
  }
  const std::string cluster_key = topic.meta.namespace_ + "/" + topic.spec.cluster_name;
  SLUICE_ASSIGN_OR_RETURN(std::optional<nlohmann::json> cluster,
                          Read(k8s::SluiceClusters(), clusters_, cluster_key));
  if (!cluster) {
    SLUICE_RETURN_IF_ERROR(Report(
        object, topic,
        FailedTopicStatus(topic, kReasonClusterNotFound,
                          absl::StrCat("SluiceCluster ", topic.spec.cluster_name,
                                       " does not exist in namespace ", topic.meta.namespace_),
                          now)));
    ReconcileResult result;
    result.requeue_after = options_.cluster_poll;
    return result;
  }
  return Sync(object, topic, *cluster);
}

absl::StatusOr<ReconcileResult> TopicReconciler::Sync(const nlohmann::json& object,
                                                      const SluiceTopic& topic,
                                                      const nlohmann::json& cluster_object) {
  SLUICE_ASSIGN_OR_RETURN(operator_api::SluiceCluster cluster,
                          operator_api::ParseSluiceCluster(cluster_object));
  const std::string& name = topic.KafkaName();
  const kc::HostPort bootstrap = BootstrapAddress(cluster);

  // Transport trouble: report it and fail, so the controller retries with backoff.
  auto unreachable = [&](const absl::Status& s) -> absl::Status {
    std::string message =
        absl::StrCat("cluster ", cluster.meta.name, " (", bootstrap.ToString(), "): ", s.message());
    (void)Report(
        object, topic,
        FailedTopicStatus(topic, kReasonClusterUnreachable, message, operator_api::NowRfc3339()));
    return absl::UnavailableError(message);
  };

  auto admin = admin_(bootstrap);
  if (!admin.ok()) return unreachable(admin.status());
  auto observed = (*admin)->Observe(name);
  if (!observed.ok()) return unreachable(observed.status());
  std::optional<LiveTopic> live = *std::move(observed);

  const kc::DesiredTopic desired = DesiredTopicOf(topic);
  const kc::TopicDiffOptions diff_options = DiffOptionsOf(topic.spec);
  auto plan_for = [&](const std::optional<LiveTopic>& l) {
    return kc::PlanTopicSync(
        desired, l ? std::optional<kc::ObservedTopic>(l->observed) : std::nullopt, diff_options);
  };
  kc::TopicPlan plan = plan_for(live);

  SyncOutcome outcome;
  outcome.drift = IsDrift(topic, plan);
  outcome.drift_summary = plan.DriftSummary();
  const bool apply = ShouldApply(topic, outcome.drift);
  outcome.corrected = outcome.drift && apply && plan.has_actions();
  bool acted = false;

  auto fail = [&](const absl::Status& s, const char* reason, const std::string& what) {
    outcome.ready_reason = RejectionReason(s, reason);
    outcome.ready_message = absl::StrCat(what, ": ", s.message());
  };

  if (apply && plan.create) {
    absl::Status s = (*admin)->Create(kc::ToNewTopic(desired));
    if (absl::IsAlreadyExists(s)) {
      // Created meanwhile (by someone else): adopt it, as if it had been there.
      auto again = (*admin)->Observe(name);
      if (!again.ok()) return unreachable(again.status());
      live = *std::move(again);
      plan = plan_for(live);
      if (events_ && live) {
        events_->Record(object, "Normal", "TopicAdopted",
                        absl::StrCat("adopted existing Kafka topic ", name));
      }
    } else if (IsTransient(s)) {
      return unreachable(s);
    } else if (!s.ok()) {
      fail(s, kReasonCreateRejected, absl::StrCat("creating topic ", name));
    } else {
      acted = true;
      if (events_) {
        events_->Record(object, "Normal", "TopicCreated",
                        absl::StrCat("created Kafka topic ", name, " with ", topic.spec.partitions,
                                     " partitions"));
      }
    }
  } else if (live && topic.status.topic_id.empty() && events_) {
    events_->Record(object, "Normal", "TopicAdopted",
                    absl::StrCat("adopted existing Kafka topic ", name));
  }

  if (apply && !plan.create && live) {
    const std::vector<kc::ConfigChange> changes = plan.ConfigChanges();
    if (!changes.empty()) {
      absl::Status s = (*admin)->AlterConfigs(name, changes);
      if (IsTransient(s)) return unreachable(s);
      if (!s.ok()) {
        fail(s, kReasonConfigRejected, absl::StrCat("changing the config of ", name));
      } else {
        acted = true;
      }
    }
    if (plan.grow_partitions_to) {
      absl::Status s = (*admin)->CreatePartitions(name, *plan.grow_partitions_to);
      if (IsTransient(s)) return unreachable(s);
      if (!s.ok()) {
        fail(s, kReasonPartitionsRejected,
             absl::StrCat("growing ", name, " to ", *plan.grow_partitions_to, " partitions"));
      } else {
        acted = true;
        if (events_) {
          events_->Record(
              object, "Normal", "PartitionsIncreased",
              absl::StrCat("topic ", name, " now has ", *plan.grow_partitions_to, " partitions"));
        }
      }
    }
  }
  // With driftPolicy Report a refusal caused by drift (partitions added with a Kafka tool) is
  // part of the reported drift, not a failure.
  if (apply && !plan.refusals.empty() && outcome.ready_reason == kReasonSynced) {
    outcome.ready_reason = kReasonInvalidChange;
    outcome.ready_message = RefusalMessage(plan);
  }
  // Drift already shown in status with the same differences is not announced again.
  const auto* was_drifted = operator_api::FindCondition(topic.status.conditions, kDrifted);
  const bool known_drift = was_drifted != nullptr &&
                           was_drifted->status == operator_api::kConditionTrue &&
                           was_drifted->message.find(outcome.drift_summary) != std::string::npos;
  if (outcome.drift && events_) {
    if (outcome.corrected) {
      events_->Record(object, "Warning", kReasonDriftCorrected,
                      "changed outside Kubernetes, set back: " + outcome.drift_summary);
    } else if (!known_drift) {
      events_->Record(object, "Warning", "DriftDetected",
                      "changed outside Kubernetes: " + outcome.drift_summary);
    }
  }
  if (outcome.drift && (outcome.corrected || !known_drift)) {
    SLUICE_LOG(kWarn) << "sluicetopic " << topic.meta.Key() << ": drift"
                      << (outcome.corrected ? " (corrected)" : "") << ": " << outcome.drift_summary;
  }

  if (acted) {  // status shows what the broker has now, not what was asked for
    auto again = (*admin)->Observe(name);
    if (!again.ok()) return unreachable(again.status());
    live = *std::move(again);
  }
  SLUICE_RETURN_IF_ERROR(
      Report(object, topic, BuildTopicStatus(topic, live, outcome, operator_api::NowRfc3339())));
  ReconcileResult result;
  result.requeue_after = options_.resync;
  return result;
}

absl::StatusOr<ReconcileResult> TopicReconciler::Finalize(const nlohmann::json& object,
                                                          const SluiceTopic& topic) {
  if (!HasFinalizer(object)) return ReconcileResult{};
  const std::string& name = topic.KafkaName();
  const bool valid = operator_api::ValidateSluiceTopicSpec(topic).ok();
  if (topic.spec.deletion_policy == "Delete" && valid) {
    const std::string cluster_key = topic.meta.namespace_ + "/" + topic.spec.cluster_name;
    SLUICE_ASSIGN_OR_RETURN(std::optional<nlohmann::json> cluster_object,
                            Read(k8s::SluiceClusters(), clusters_, cluster_key));
    bool cluster_gone =
        !cluster_object || !(*cluster_object)["metadata"].value("deletionTimestamp", "").empty();
    if (cluster_gone) {
      SLUICE_LOG(kInfo) << "sluicetopic " << topic.meta.Key() << ": cluster "
                        << topic.spec.cluster_name << " is gone; the topic went with it";
    } else {
      SLUICE_ASSIGN_OR_RETURN(operator_api::SluiceCluster cluster,
                              operator_api::ParseSluiceCluster(*cluster_object));
      const kc::HostPort bootstrap = BootstrapAddress(cluster);
      absl::Status s;
      auto admin = admin_(bootstrap);
      s = admin.ok() ? (*admin)->Delete(name) : admin.status();
      if (!s.ok() && !absl::IsNotFound(s)) {
        std::string message =
            absl::StrCat("deleting Kafka topic ", name, " from cluster ", cluster.meta.name, " (",
                         bootstrap.ToString(), "): ", s.message(), "; the finalizer ", kFinalizer,
                         " stays until it succeeds");
        (void)Report(
            object, topic,
            FailedTopicStatus(topic, kReasonDeleteFailed, message, operator_api::NowRfc3339()));
        return absl::UnavailableError(message);  // retried with backoff
      }
      if (s.ok() && events_) {
        events_->Record(object, "Normal", "TopicDeleted",
                        absl::StrCat("deleted Kafka topic ", name));
      }
      SLUICE_LOG(kInfo) << "sluicetopic " << topic.meta.Key() << ": deleted Kafka topic " << name;
    }
  } else {
    SLUICE_LOG(kInfo) << "sluicetopic " << topic.meta.Key() << ": Kafka topic " << name
                      << " retained (deletionPolicy " << topic.spec.deletion_policy << ")";
  }
  auto removed = SetFinalizer(object, false);
  if (!removed.ok() && !absl::IsNotFound(removed.status())) return removed.status();
  return ReconcileResult{};
}

}  // namespace sluice::operator_topic

#include "operator/controllers.h"

#include "common/log.h"
#include "operator/reconcilers/cluster/names.h"

namespace sluice::operator_main {

using operator_runtime::ChangeType;
using operator_runtime::InformerOptions;

namespace {

InformerOptions Options(const k8s::Resource& resource, const OperatorFlags& flags,
                        std::string selector) {
  InformerOptions o;
  o.resource = resource;
  o.namespace_ = flags.namespace_;
  o.label_selector = std::move(selector);
  o.watch_timeout_seconds = flags.watch_timeout_seconds;
  return o;
}

// "namespace/name" of the SluiceCluster controlling `object`, or "".
std::string OwnerKey(const nlohmann::json& object) {
  if (!object.contains("metadata")) return "";
  const nlohmann::json& m = object["metadata"];
  if (!m.contains("ownerReferences") || !m["ownerReferences"].is_array()) return "";
  for (const auto& ref : m["ownerReferences"]) {
    if (ref.value("kind", "") == operator_api::kSluiceClusterKind &&
        ref.value("apiVersion", "") == operator_api::kApiVersion) {
      return m.value("namespace", "") + "/" + ref.value("name", "");
    }
  }
  return "";
}

}  // namespace

Controllers::Controllers(const OperatorFlags& flags, k8s::KubeClient* client,
                         k8s::EventRecorder* events, operator_runtime::OperatorMetrics* metrics)
    : flags_(flags),
      metrics_(metrics),
      clusters_(client, Options(k8s::SluiceClusters(), flags, "")),
      statefulsets_(client, Options(k8s::StatefulSets(), flags,
                                    std::string(operator_cluster::kManagedByLabel) + "=" +
                                        operator_cluster::kManagedBy)) {
  cluster_reconciler_ = std::make_unique<operator_cluster::ClusterReconciler>(
      client, events, [this](const std::string& key) { return clusters_.Get(key); });
  cluster_controller_ = std::make_unique<operator_runtime::Controller>(
      "sluicecluster", cluster_reconciler_.get(), metrics);
  auto* queue = &cluster_controller_->queue();
  clusters_.AddHandler(
      [queue](ChangeType, const std::string& key, const nlohmann::json&) { queue->Add(key); });
  statefulsets_.AddHandler([queue](ChangeType, const std::string&, const nlohmann::json& sts) {
    std::string owner = OwnerKey(sts);
    if (!owner.empty()) queue->Add(owner);
  });
}

Controllers::~Controllers() { Stop(); }

void Controllers::Start() {
  threads_.emplace_back([this] { clusters_.Run(stop_); });
  threads_.emplace_back([this] { statefulsets_.Run(stop_); });
  cluster_controller_->Start(flags_.workers);
}

bool Controllers::Synced() const { return clusters_.HasSynced() && statefulsets_.HasSynced(); }

void Controllers::Resync() {
  for (const auto& object : clusters_.List()) {
    cluster_controller_->queue().Add(operator_runtime::Informer::KeyOf(object));
  }
}

void Controllers::UpdateMetrics() {
  operator_runtime::Informer* informers[] = {&clusters_, &statefulsets_};
  for (int i = 0; i < 2; ++i) {
    uint64_t relists = informers[i]->Stats().relists_gone;
    if (relists > reported_relists_[i]) {
      metrics_->InformerRelists(informers[i]->options().resource.plural)
          .Increment(static_cast<double>(relists - reported_relists_[i]));
      reported_relists_[i] = relists;
    }
  }
  metrics_->QueueDepth(cluster_controller_->name())
      .Set(static_cast<double>(cluster_controller_->queue().Len()));
}

void Controllers::Stop() {
  if (stop_.exchange(true)) return;
  cluster_controller_->Stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  SLUICE_LOG(kInfo) << "controllers stopped";
}

}  // namespace sluice::operator_main

#include "operator/controllers.h"

#include "common/log.h"
#include "operator/api/sluice_topic.h"
#include "operator/reconcilers/cluster/names.h"
#include "operator/reconcilers/topic/topic_admin.h"

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

// The --broker-address-map as an AddressMapper (the flag parser already checked its form).
kafka::client::AddressMapper Mapper(const OperatorFlags& flags) {
  auto mapper = operator_topic::MapperFromFlags(flags.broker_address_map);
  if (mapper.ok()) return *mapper;
  SLUICE_LOG(kError) << mapper.status().message() << "; dialling addresses as advertised";
  return nullptr;
}

}  // namespace

Controllers::Controllers(const OperatorFlags& flags, k8s::KubeClient* client,
                         k8s::EventRecorder* events, operator_runtime::OperatorMetrics* metrics)
    : flags_(flags),
      metrics_(metrics),
      clusters_(client, Options(k8s::SluiceClusters(), flags, "")),
      statefulsets_(client, Options(k8s::StatefulSets(), flags,
                                    std::string(operator_cluster::kManagedByLabel) + "=" +
                                        operator_cluster::kManagedBy)),
      topics_(client, Options(k8s::SluiceTopics(), flags, "")) {
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

  operator_topic::TopicReconcilerOptions topic_options;
  topic_options.resync = std::chrono::seconds(flags.topic_resync_seconds);
  topic_reconciler_ = std::make_unique<operator_topic::TopicReconciler>(
      client, events, operator_topic::KafkaTopicAdminFactory(Mapper(flags)),
      [this](const std::string& key) { return topics_.Get(key); },
      [this](const std::string& key) { return clusters_.Get(key); }, topic_options);
  topic_controller_ = std::make_unique<operator_runtime::Controller>(
      "sluicetopic", topic_reconciler_.get(), metrics);
  auto* topic_queue = &topic_controller_->queue();
  topics_.AddHandler([topic_queue](ChangeType, const std::string& key, const nlohmann::json&) {
    topic_queue->Add(key);
  });
  // A cluster that appears or changes (a new port, say) may unblock its topics.
  clusters_.AddHandler(
      [this, topic_queue](ChangeType, const std::string& key, const nlohmann::json&) {
        for (const auto& topic : topics_.List()) {
          const nlohmann::json meta = topic.value("metadata", nlohmann::json::object());
          const std::string ns = meta.value("namespace", "");
          const nlohmann::json spec = topic.value("spec", nlohmann::json::object());
          const nlohmann::json ref = spec.value("clusterRef", nlohmann::json::object());
          if (key == ns + "/" + ref.value("name", "")) {
            topic_queue->Add(operator_runtime::Informer::KeyOf(topic));
          }
        }
      });
}

Controllers::~Controllers() { Stop(); }

void Controllers::Start() {
  threads_.emplace_back([this] { clusters_.Run(stop_); });
  threads_.emplace_back([this] { statefulsets_.Run(stop_); });
  threads_.emplace_back([this] { topics_.Run(stop_); });
  cluster_controller_->Start(flags_.workers);
  topic_controller_->Start(flags_.workers);
}

bool Controllers::Synced() const {
  return clusters_.HasSynced() && statefulsets_.HasSynced() && topics_.HasSynced();
}

void Controllers::Resync() {
  for (const auto& object : clusters_.List()) {
    cluster_controller_->queue().Add(operator_runtime::Informer::KeyOf(object));
  }
  for (const auto& object : topics_.List()) {
    topic_controller_->queue().Add(operator_runtime::Informer::KeyOf(object));
  }
}

void Controllers::UpdateMetrics() {
  operator_runtime::Informer* informers[] = {&clusters_, &statefulsets_, &topics_};
  for (int i = 0; i < 3; ++i) {
    uint64_t relists = informers[i]->Stats().relists_gone;
    if (relists > reported_relists_[i]) {
      metrics_->InformerRelists(informers[i]->options().resource.plural)
          .Increment(static_cast<double>(relists - reported_relists_[i]));
      reported_relists_[i] = relists;
    }
  }
  metrics_->QueueDepth(cluster_controller_->name())
      .Set(static_cast<double>(cluster_controller_->queue().Len()));
  metrics_->QueueDepth(topic_controller_->name())
      .Set(static_cast<double>(topic_controller_->queue().Len()));
}

void Controllers::Stop() {
  if (stop_.exchange(true)) return;
  cluster_controller_->Stop();
  topic_controller_->Stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  SLUICE_LOG(kInfo) << "controllers stopped";
}

}  // namespace sluice::operator_main

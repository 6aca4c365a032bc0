// The broker StatefulSet.
//
// Pod i runs `sluice-broker --config /etc/sluice/server.properties --node.id i ...`: the
// ordinal comes from the pod-index label through the downward API and $(VAR) expansion, the
// advertised address is the pod's stable DNS name under the headless Service. Storage is a
// claim template "data" (persistent) or an emptyDir (ephemeral), mounted at /var/lib/sluice.
// The root filesystem is read-only (restricted Pod Security Standard); /tmp is an emptyDir.
// Rolling updates go one pod at a time (RollingUpdate, maxUnavailable 1: the next pod is
// replaced only after the previous one is Ready again); the config hash annotation makes a
// ConfigMap change a template change.
#include "absl/strings/str_cat.h"
#include "operator/reconcilers/cluster/builders.h"
#include "operator/reconcilers/cluster/names.h"

namespace sluice::operator_cluster {

using operator_api::SluiceCluster;

namespace {

constexpr int kBrokerUid = 65532;

nlohmann::json Container(const SluiceCluster& c) {
  const std::string advertised = absl::StrCat("$(POD_NAME).", HeadlessServiceName(c), ".",
                                              c.meta.namespace_, ".svc:", c.spec.kafka_port);
  nlohmann::json probe_http = {{"path", "/healthz"}, {"port", "http"}};
  nlohmann::json container = {
      {"name", "broker"},
      {"image", c.spec.image},
      {"imagePullPolicy", c.spec.image_pull_policy},
      {"args",
       {"--config", absl::StrCat(kConfigDir, "/", kConfigFile), "--node-id", "$(SLUICE_NODE_ID)",
        "--data-dir", absl::StrCat(kDataDir, "/data"), "--listeners",
        absl::StrCat("0.0.0.0:", c.spec.kafka_port), "--advertised-listeners", advertised,
        "--http-listeners", absl::StrCat("0.0.0.0:", c.spec.http_port)}},
      {"env",
       {{{"name", "POD_NAME"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}},
        {{"name", "SLUICE_NODE_ID"},
         {"valueFrom",
          {{"fieldRef", {{"fieldPath", "metadata.labels['apps.kubernetes.io/pod-index']"}}}}}}}},
      {"ports",
       {{{"name", "kafka"}, {"containerPort", c.spec.kafka_port}, {"protocol", "TCP"}},
        {{"name", "http"}, {"containerPort", c.spec.http_port}, {"protocol", "TCP"}}}},
      {"readinessProbe",
       {{"httpGet", {{"path", "/readyz"}, {"port", "http"}}},
        {"periodSeconds", 5},
        {"failureThreshold", 3}}},
      {"livenessProbe",
       {{"httpGet", probe_http},
        {"periodSeconds", 10},
        {"failureThreshold", 3},
        {"timeoutSeconds", 5}}},
      // Recovery of a large log may take a while; liveness starts after the first success.
      {"startupProbe", {{"httpGet", probe_http}, {"periodSeconds", 5}, {"failureThreshold", 120}}},
      {"securityContext",
       {{"allowPrivilegeEscalation", false},
        {"readOnlyRootFilesystem", true},
        {"runAsNonRoot", true},
        {"capabilities", {{"drop", {"ALL"}}}},
        {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
      {"volumeMounts",
       {{{"name", "config"}, {"mountPath", kConfigDir}, {"readOnly", true}},
        {{"name", "data"}, {"mountPath", kDataDir}},
        {{"name", "tmp"}, {"mountPath", "/tmp"}}}},
  };
  if (!c.spec.resources.empty()) container["resources"] = c.spec.resources;
  return container;
}

nlohmann::json Volumes(const SluiceCluster& c) {
  nlohmann::json volumes = {
      {{"name", "config"}, {"configMap", {{"name", ConfigMapName(c)}}}},
      {{"name", "tmp"}, {"emptyDir", {{"sizeLimit", "64Mi"}}}},
  };
  if (c.spec.storage.type == "ephemeral") {
    volumes.push_back({{"name", "data"}, {"emptyDir", {{"sizeLimit", c.spec.storage.size}}}});
  }
  return volumes;
}

nlohmann::json PodTemplate(const SluiceCluster& c) {
  nlohmann::json annotations = {{kConfigHashAnnotation, ConfigHash(c)}};
  if (c.spec.metrics_enabled) {
    annotations["prometheus.io/scrape"] = "true";
    annotations["prometheus.io/port"] = std::to_string(c.spec.http_port);
    annotations["prometheus.io/path"] = "/metrics";
  }
  nlohmann::json pod_spec = {
      {"serviceAccountName", ServiceAccountName(c)},
      {"automountServiceAccountToken", false},
      {"terminationGracePeriodSeconds", 60},
      {"securityContext",
       {{"runAsNonRoot", true},
        {"runAsUser", kBrokerUid},
        {"runAsGroup", kBrokerUid},
        {"fsGroup", kBrokerUid},
        {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
      {"containers", nlohmann::json::array({Container(c)})},
      {"volumes", Volumes(c)},
  };
  if (!c.spec.rack_topology_key.empty()) {
    pod_spec["topologySpreadConstraints"] =
        nlohmann::json::array({{{"maxSkew", 1},
                                {"topologyKey", c.spec.rack_topology_key},
                                {"whenUnsatisfiable", "DoNotSchedule"},
                                {"labelSelector", {{"matchLabels", SelectorLabels(c)}}}}});
  }
  return {{"metadata", {{"labels", CommonLabels(c)}, {"annotations", annotations}}},
          {"spec", pod_spec}};
}

}  // namespace

nlohmann::json BuildStatefulSet(const SluiceCluster& c) {
  nlohmann::json spec = {
      {"replicas", c.spec.brokers},
      {"serviceName", HeadlessServiceName(c)},
      {"podManagementPolicy", "Parallel"},
      {"selector", {{"matchLabels", SelectorLabels(c)}}},
      {"updateStrategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"partition", 0}}}}},
      {"persistentVolumeClaimRetentionPolicy",
       {{"whenDeleted", "Retain"}, {"whenScaled", "Retain"}}},
      {"template", PodTemplate(c)},
  };
  if (c.spec.storage.type == "persistent") {
    nlohmann::json claim_spec = {{"accessModes", {"ReadWriteOnce"}},
                                 {"resources", {{"requests", {{"storage", c.spec.storage.size}}}}}};
    if (!c.spec.storage.storage_class.empty()) {
      claim_spec["storageClassName"] = c.spec.storage.storage_class;
    }
    spec["volumeClaimTemplates"] =
        nlohmann::json::array({{{"apiVersion", "v1"},
                                {"kind", "PersistentVolumeClaim"},
                                {"metadata", {{"name", "data"}, {"labels", SelectorLabels(c)}}},
                                {"spec", claim_spec}}});
  }
  return {{"apiVersion", "apps/v1"},
          {"kind", "StatefulSet"},
          {"metadata", OwnedMetadata(c, StatefulSetName(c))},
          {"spec", spec}};
}

}  // namespace sluice::operator_cluster

#include "operator/reconcilers/cluster/builders.h"

#include <gtest/gtest.h>

#include "operator/reconcilers/cluster/names.h"
#include "tests/operator/reconcilers/cluster/test_cluster.h"

namespace sluice::operator_cluster {
namespace {

void ExpectOwnedByCluster(const nlohmann::json& object) {
  const auto& refs = object["metadata"]["ownerReferences"];
  ASSERT_EQ(refs.size(), 1u) << object.dump();
  EXPECT_EQ(refs[0]["kind"], "SluiceCluster");
  EXPECT_EQ(refs[0]["apiVersion"], "sluice.dev/v1alpha1");
  EXPECT_EQ(refs[0]["name"], "demo");
  EXPECT_EQ(refs[0]["uid"], "uid-1");
  EXPECT_EQ(refs[0]["controller"], true);
  EXPECT_EQ(object["metadata"]["namespace"], "ns");
  EXPECT_EQ(object["metadata"]["labels"]["app.kubernetes.io/managed-by"], "sluice-operator");
}

TEST(BuildersTest, EveryObjectIsOwnedAndLabelled) {
  auto c = TestCluster();
  for (const auto& object :
       {BuildConfigMap(c), BuildHeadlessService(c), BuildBootstrapService(c),
        BuildServiceAccount(c), BuildPodDisruptionBudget(c), BuildStatefulSet(c)}) {
    SCOPED_TRACE(object["kind"].get<std::string>());
    ExpectOwnedByCluster(object);
    EXPECT_TRUE(object.contains("apiVersion"));
  }
}

TEST(BuildersTest, ConfigMapHoldsSpecConfigAndTheHashFollowsIt) {
  auto c = TestCluster();
  nlohmann::json cm = BuildConfigMap(c);
  EXPECT_EQ(cm["metadata"]["name"], "demo-config");
  std::string props = cm["data"]["server.properties"];
  EXPECT_NE(props.find("num.partitions=3\n"), std::string::npos);
  std::string before = ConfigHash(c);
  EXPECT_EQ(before.size(), 16u);
  EXPECT_EQ(ConfigHash(c), before);  // stable
  c.spec.config["num.partitions"] = "6";
  EXPECT_NE(ConfigHash(c), before);
  EXPECT_EQ(
      BuildStatefulSet(c)["spec"]["template"]["metadata"]["annotations"]["sluice.dev/config-hash"],
      ConfigHash(c));
}

TEST(BuildersTest, ServicesSelectTheBrokers) {
  auto c = TestCluster();
  nlohmann::json headless = BuildHeadlessService(c);
  EXPECT_EQ(headless["metadata"]["name"], "demo-brokers");
  EXPECT_EQ(headless["spec"]["clusterIP"], "None");
  EXPECT_EQ(headless["spec"]["publishNotReadyAddresses"], true);
  EXPECT_EQ(headless["spec"]["ports"].size(), 2u);
  nlohmann::json bootstrap = BuildBootstrapService(c);
  EXPECT_EQ(bootstrap["metadata"]["name"], "demo-bootstrap");
  EXPECT_EQ(bootstrap["spec"]["ports"][0]["port"], 9092);
  nlohmann::json selector = SelectorLabels(c);
  EXPECT_EQ(headless["spec"]["selector"], selector);
  EXPECT_EQ(bootstrap["spec"]["selector"], selector);
  EXPECT_EQ(BuildPodDisruptionBudget(c)["spec"]["selector"]["matchLabels"], selector);
  EXPECT_EQ(BuildPodDisruptionBudget(c)["spec"]["maxUnavailable"], 1);
}

TEST(BuildersTest, StatefulSetRollsOneAtATimeWithClaims) {
  auto c = TestCluster();
  nlohmann::json sts = BuildStatefulSet(c);
  const auto& spec = sts["spec"];
  EXPECT_EQ(spec["replicas"], 3);
  EXPECT_EQ(spec["serviceName"], "demo-brokers");
  EXPECT_EQ(spec["updateStrategy"]["type"], "RollingUpdate");
  EXPECT_EQ(spec["selector"]["matchLabels"], nlohmann::json(SelectorLabels(c)));
  // The template carries the selector labels (else the API server refuses the StatefulSet).
  for (const auto& [k, v] : SelectorLabels(c)) {
    EXPECT_EQ(spec["template"]["metadata"]["labels"][k], v);
  }
  ASSERT_EQ(spec["volumeClaimTemplates"].size(), 1u);
  const auto& claim = spec["volumeClaimTemplates"][0];
  EXPECT_EQ(claim["metadata"]["name"], "data");
  EXPECT_FALSE(claim["metadata"].contains("ownerReferences"));  // claims outlive the cluster
  EXPECT_EQ(claim["spec"]["resources"]["requests"]["storage"], "1Gi");
  EXPECT_EQ(claim["spec"]["storageClassName"], "sluice-static");
  EXPECT_EQ(claim["spec"]["accessModes"], nlohmann::json::array({"ReadWriteOnce"}));
  EXPECT_EQ(spec["persistentVolumeClaimRetentionPolicy"]["whenDeleted"], "Retain");
}

TEST(BuildersTest, EphemeralStorageUsesEmptyDirAndNoClaims) {
  auto c = TestCluster();
  c.spec.storage.type = "ephemeral";
  nlohmann::json sts = BuildStatefulSet(c);
  EXPECT_FALSE(sts["spec"].contains("volumeClaimTemplates"));
  bool found = false;
  for (const auto& v : sts["spec"]["template"]["spec"]["volumes"]) {
    if (v["name"] == "data") {
      found = true;
      EXPECT_EQ(v["emptyDir"]["sizeLimit"], "1Gi");
    }
  }
  EXPECT_TRUE(found);
}

TEST(BuildersTest, PodPassesTheRestrictedPodSecurityStandard) {
  nlohmann::json pod = BuildStatefulSet(TestCluster())["spec"]["template"]["spec"];
  EXPECT_EQ(pod["securityContext"]["runAsNonRoot"], true);
  EXPECT_EQ(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  ASSERT_EQ(pod["containers"].size(), 1u);
  const auto& sc = pod["containers"][0]["securityContext"];
  EXPECT_EQ(sc["allowPrivilegeEscalation"], false);
  EXPECT_EQ(sc["readOnlyRootFilesystem"], true);
  EXPECT_EQ(sc["runAsNonRoot"], true);
  EXPECT_EQ(sc["capabilities"]["drop"], nlohmann::json::array({"ALL"}));
  EXPECT_EQ(sc["seccompProfile"]["type"], "RuntimeDefault");
  for (const auto& v : pod["volumes"]) EXPECT_FALSE(v.contains("hostPath")) << v.dump();
}

TEST(BuildersTest, ProbesUseTheBrokersHttpEndpoints) {
  auto c = TestCluster();
  c.spec.http_port = 9100;
  nlohmann::json container = BuildStatefulSet(c)["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"], "/readyz");
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["path"], "/healthz");
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["port"], "http");
  bool http_port = false;
  for (const auto& p : container["ports"]) {
    if (p["name"] == "http") http_port = p["containerPort"] == 9100;
  }
  EXPECT_TRUE(http_port);
  std::vector<std::string> args = container["args"];
  auto flag = [&](const std::string& name) {
    for (size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == name) return args[i + 1];
    }
    return std::string("(missing)");
  };
  EXPECT_EQ(flag("--http-listeners"), "0.0.0.0:9100");
  EXPECT_EQ(flag("--node-id"), "$(SLUICE_NODE_ID)");
  EXPECT_EQ(flag("--advertised-listeners"), "$(POD_NAME).demo-brokers.ns.svc:9092");
  EXPECT_EQ(flag("--config"), "/etc/sluice/server.properties");
}

TEST(BuildersTest, RackAwarenessSpreadsOverTheTopologyKey) {
  auto c = TestCluster();
  nlohmann::json pod = BuildStatefulSet(c)["spec"]["template"]["spec"];
  ASSERT_EQ(pod["topologySpreadConstraints"].size(), 1u);
  EXPECT_EQ(pod["topologySpreadConstraints"][0]["topologyKey"], "topology.kubernetes.io/zone");
  EXPECT_EQ(pod["topologySpreadConstraints"][0]["maxSkew"], 1);
  c.spec.rack_topology_key.clear();
  EXPECT_FALSE(
      BuildStatefulSet(c)["spec"]["template"]["spec"].contains("topologySpreadConstraints"));
}

TEST(BuildersTest, SameSpecSameObjects) {
  EXPECT_EQ(BuildStatefulSet(TestCluster()), BuildStatefulSet(TestCluster()));
  auto c = TestCluster();
  c.spec.image = "other:2";
  EXPECT_NE(BuildStatefulSet(c)["spec"]["template"],
            BuildStatefulSet(TestCluster())["spec"]["template"]);
}

}  // namespace
}  // namespace sluice::operator_cluster

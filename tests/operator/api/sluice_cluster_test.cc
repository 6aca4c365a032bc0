#include "operator/api/sluice_cluster.h"

#include <gtest/gtest.h>

namespace sluice::operator_api {
namespace {

// manifests/samples/sluicecluster.yaml as JSON (the pytest suite round-trips the file itself).
nlohmann::json Sample() {
  return nlohmann::json::parse(R"({
    "apiVersion": "sluice.dev/v1alpha1", "kind": "SluiceCluster",
    "metadata": {"name": "demo", "namespace": "ns", "uid": "u-1", "generation": 2,
                 "resourceVersion": "77"},
    "spec": {"brokers": 3, "image": "sluice/sluice-broker:0.1.0",
             "imagePullPolicy": "IfNotPresent",
             "storage": {"type": "persistent", "size": "1Gi", "class": "sluice-static"},
             "resources": {"requests": {"cpu": "250m", "memory": "512Mi"},
                           "limits": {"memory": "1Gi"}},
             "config": {"num.partitions": "3", "default.replication.factor": "3"},
             "listeners": {"kafkaPort": 9092, "httpPort": 8090},
             "rack": {"topologyKey": "topology.kubernetes.io/zone"},
             "disruptionBudget": {"maxUnavailable": 1}, "metrics": {"enabled": true}}
  })");
}

TEST(SluiceClusterTest, ParsesEveryFieldOfTheSample) {
  auto c = ParseSluiceCluster(Sample());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->meta.Key(), "ns/demo");
  EXPECT_EQ(c->meta.uid, "u-1");
  EXPECT_EQ(c->meta.generation, 2);
  EXPECT_EQ(c->spec.brokers, 3);
  EXPECT_EQ(c->spec.storage.storage_class, "sluice-static");
  EXPECT_EQ(c->spec.storage.size, "1Gi");
  EXPECT_EQ(c->spec.config.at("num.partitions"), "3");
  EXPECT_EQ(c->spec.rack_topology_key, "topology.kubernetes.io/zone");
  EXPECT_EQ(c->spec.resources["limits"]["memory"], "1Gi");
  EXPECT_TRUE(ValidateSluiceClusterSpec(c->spec).ok());
}

TEST(SluiceClusterTest, SpecRoundTripsThroughJson) {
  auto c = ParseSluiceCluster(Sample());
  ASSERT_TRUE(c.ok());
  nlohmann::json again = SluiceClusterToJson(*c);
  EXPECT_EQ(again["spec"], Sample()["spec"]) << again["spec"].dump();
  auto c2 = ParseSluiceCluster(again);
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ(SluiceClusterSpecToJson(c2->spec), SluiceClusterSpecToJson(c->spec));
}

TEST(SluiceClusterTest, MissingFieldsTakeTheCrdDefaults) {
  auto c = ParseSluiceCluster({{"metadata", {{"name", "x"}}}, {"spec", nlohmann::json::object()}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->spec.brokers, 3);
  EXPECT_EQ(c->spec.storage.type, "persistent");
  EXPECT_EQ(c->spec.storage.size, "10Gi");
  EXPECT_EQ(c->spec.kafka_port, 9092);
  EXPECT_EQ(c->spec.http_port, 8090);
  EXPECT_EQ(c->spec.max_unavailable, 1);
  EXPECT_TRUE(c->spec.metrics_enabled);
  EXPECT_TRUE(c->spec.rack_topology_key.empty());
}

TEST(SluiceClusterTest, WrongTypesAreInvalidArgumentNamingTheField) {
  nlohmann::json bad = Sample();
  bad["spec"]["brokers"] = "three";
  auto c = ParseSluiceCluster(bad);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(c.status()));
  EXPECT_NE(c.status().message().find("spec.brokers"), std::string::npos);

  bad = Sample();
  bad["spec"]["config"]["x"] = 5;
  EXPECT_FALSE(ParseSluiceCluster(bad).ok());
  EXPECT_FALSE(ParseSluiceCluster({{"metadata", {{"namespace", "n"}}}}).ok());  // no name
  EXPECT_FALSE(ParseSluiceCluster("a string").ok());
}

TEST(SluiceClusterTest, ValidationRefusesWhatTheCrdRefuses) {
  auto base = ParseSluiceCluster(Sample());
  ASSERT_TRUE(base.ok());
  auto refused = [&](auto mutate) {
    SluiceClusterSpec spec = base->spec;
    mutate(spec);
    return !ValidateSluiceClusterSpec(spec).ok();
  };
  EXPECT_TRUE(refused([](SluiceClusterSpec& s) { s.brokers = 0; }));
  EXPECT_TRUE(refused([](SluiceClusterSpec& s) { s.brokers = 65; }));
  EXPECT_TRUE(refused([](SluiceClusterSpec& s) { s.storage.type = "nfs"; }));
  EXPECT_TRUE(refused([](SluiceClusterSpec& s) { s.storage.size = "lots"; }));
  EXPECT_TRUE(refused([](SluiceClusterSpec& s) { s.http_port = s.kafka_port; }));
  EXPECT_TRUE(refused([](SluiceClusterSpec& s) { s.kafka_port = 80; }));
  EXPECT_TRUE(refused([](SluiceClusterSpec& s) { s.config["node.id"] = "1"; }));
  EXPECT_TRUE(refused([](SluiceClusterSpec& s) { s.max_unavailable = -1; }));
  EXPECT_FALSE(refused([](SluiceClusterSpec& s) { s.storage.type = "ephemeral"; }));
}

TEST(SluiceClusterTest, StatusRoundTrips) {
  SluiceClusterStatus status;
  status.observed_generation = 4;
  status.brokers = 3;
  status.ready_brokers = 2;
  status.updated_brokers = 1;
  status.selector = "a=b";
  status.config_hash = "00ff";
  status.broker_statuses = {{0, "demo-0", "Ready", true}, {1, "demo-1", "Pending", false}};
  SetCondition(status.conditions, {kReady, kConditionFalse, "BrokersNotReady", "2 of 3", 4, ""},
               "T");
  nlohmann::json object = Sample();
  object["status"] = SluiceClusterStatusToJson(status);
  auto c = ParseSluiceCluster(object);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->status, status);
}

}  // namespace
}  // namespace sluice::operator_api

#include "operator/operator_flags.h"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::operator_main {
namespace {

absl::StatusOr<OperatorFlags> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "sluice-operator");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return ParseOperatorFlags(static_cast<int>(argv.size()), argv.data());
}

TEST(OperatorFlagsTest, DefaultsAndOverrides) {
  auto f = Parse({});
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->leader_election);
  EXPECT_EQ(f->lease_name, "sluice-operator");
  EXPECT_EQ(f->metrics_port, 8080);
  f = Parse({"--kubeconfig", "/k", "--namespace=team", "--leader-election", "off", "--metrics-port",
             "0", "--health-port=9999", "--log-level", "debug"});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->kubeconfig, "/k");
  EXPECT_EQ(f->namespace_, "team");
  EXPECT_FALSE(f->leader_election);
  EXPECT_EQ(f->metrics_port, 0);
  EXPECT_EQ(f->health_port, 9999);
}

TEST(OperatorFlagsTest, TopicResyncSeconds) {
  EXPECT_EQ(Parse({})->topic_resync_seconds, 60);
  EXPECT_EQ(Parse({"--topic-resync-seconds", "2"})->topic_resync_seconds, 2);
  EXPECT_TRUE(absl::IsInvalidArgument(Parse({"--topic-resync-seconds", "0"}).status()));
}

TEST(OperatorFlagsTest, BadFlagsAreErrorsAndHelpIsCancelled) {
  EXPECT_TRUE(absl::IsInvalidArgument(Parse({"--nope", "1"}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(Parse({"--metrics-port", "70000"}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(Parse({"--leader-election", "maybe"}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(Parse({"--namespace"}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      Parse({"--lease-duration-seconds", "5", "--renew-deadline-seconds", "6"}).status()));
  auto help = Parse({"--help"});
  EXPECT_TRUE(absl::IsCancelled(help.status()));
  EXPECT_NE(help.status().message().find("--broker-address-map"), std::string::npos);
}

TEST(OperatorFlagsTest, VersionIsCancelledWithTheProjectVersion) {
  auto version = Parse({"--version"});
  EXPECT_TRUE(absl::IsCancelled(version.status()));
  std::string text(version.status().message());
  ASSERT_EQ(text.rfind("sluice-operator ", 0), 0u) << text;
  ASSERT_EQ(text.back(), '\n');
  std::string number = text.substr(16, text.size() - 17);
  EXPECT_FALSE(number.empty());
  EXPECT_EQ(number.find_first_not_of("0123456789."), std::string::npos) << text;
}

TEST(OperatorFlagsTest, BrokerAddressMap) {
  auto f = Parse({"--broker-address-map",
                  "demo-bootstrap.ns.svc:9092=127.0.0.1:19092,"
                  "demo-0.demo-brokers.ns.svc:9092=127.0.0.1:19093"});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(MapAddress(f->broker_address_map, "demo-bootstrap.ns.svc:9092"), "127.0.0.1:19092");
  EXPECT_EQ(MapAddress(f->broker_address_map, "demo-0.demo-brokers.ns.svc:9092"),
            "127.0.0.1:19093");
  EXPECT_EQ(MapAddress(f->broker_address_map, "unmapped:1"), "unmapped:1");
  EXPECT_FALSE(ParseAddressMap("a:1=b").ok());
  EXPECT_FALSE(ParseAddressMap("a=b:1").ok());
  EXPECT_FALSE(ParseAddressMap("a:1=b:1=c:1").ok());
  EXPECT_TRUE(ParseAddressMap("")->empty());
}

}  // namespace
}  // namespace sluice::operator_main

#include "broker/server/broker_config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <vector>

namespace sluice::server {
namespace {

absl::StatusOr<BrokerConfig> Parse(std::vector<std::string> args) {
  std::vector<char*> argv = {const_cast<char*>("sluice-broker")};
  for (auto& a : args) argv.push_back(a.data());
  return ParseBrokerFlags(static_cast<int>(argv.size()), argv.data());
}

TEST(BrokerConfig, DefaultsServeLocalhost9092) {
  auto config = Parse({});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->listener.ToString(), "127.0.0.1:9092");
  EXPECT_EQ(config->Advertised().ToString(), "127.0.0.1:9092");
  EXPECT_TRUE(config->auto_create_topics);
}

TEST(BrokerConfig, FlagsMapDashesToDottedKeys) {
  auto config = Parse({"--data-dir", "/tmp/x", "--log-segment-bytes=4096",
                       "--auto-create-topics-enable", "false", "--listeners", "0.0.0.0:19092"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->data_dir, "/tmp/x");
  EXPECT_EQ(config->segment_bytes, 4096);
  EXPECT_FALSE(config->auto_create_topics);
  EXPECT_EQ(config->Advertised().host, "localhost");
  EXPECT_EQ(config->Advertised().port, 19092);
}

TEST(BrokerConfig, VersionIsCancelledWithTheProjectVersion) {
  auto version = Parse({"--version"});
  EXPECT_EQ(version.status().code(), absl::StatusCode::kCancelled);
  std::string text(version.status().message());
  ASSERT_EQ(text.rfind("sluice-broker ", 0), 0u) << text;
  ASSERT_EQ(text.back(), '\n');
  std::string number = text.substr(14, text.size() - 15);
  EXPECT_FALSE(number.empty());
  EXPECT_EQ(number.find_first_not_of("0123456789."), std::string::npos) << text;
}

TEST(BrokerConfig, ErrorsNameTheKey) {
  auto unknown = Parse({"--no-such-thing", "1"});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("no.such.thing"), std::string::npos);
  auto bad = Parse({"--num-partitions", "zero"});
  EXPECT_NE(bad.status().message().find("num.partitions"), std::string::npos);
  auto range = Parse({"--num-partitions", "0"});
  EXPECT_FALSE(range.ok());
  EXPECT_FALSE(Parse({"--listeners", "nohostport"}).ok());
  EXPECT_FALSE(Parse({"--data-dir"}).ok());
}

TEST(BrokerConfig, WriteBehindIsOffOrAtLeastOnePage) {
  EXPECT_EQ(Parse({})->log_write_behind_bytes, 1 << 20);
  EXPECT_EQ(Parse({"--log-write-behind-bytes", "1048576"})->log_write_behind_bytes, 1 << 20);
  EXPECT_EQ(Parse({"--log-write-behind-bytes", "0"})->log_write_behind_bytes, 0);
  EXPECT_EQ(Parse({"--log-write-behind-bytes", "4096"})->log_write_behind_bytes, 4096);
  auto small = Parse({"--log-write-behind-bytes", "100"});
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.status().message().find("log.write.behind.bytes"), std::string::npos);
  EXPECT_FALSE(Parse({"--log-write-behind-bytes", "-1"}).ok());
}

TEST(BrokerConfig, FileIsReadAndFlagsWin) {
  std::string path = ::testing::TempDir() + "/broker.properties";
  {
    std::ofstream out(path);
    out << "# comment\nnum.partitions = 3\nnode.id=7\n";
  }
  auto config = Parse({"--config", path, "--num-partitions", "5"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->num_partitions, 5);
  EXPECT_EQ(config->node_id, 7);
  std::remove(path.c_str());
  EXPECT_EQ(Parse({"--config", path}).status().code(), absl::StatusCode::kNotFound);
}

TEST(BrokerConfig, EveryDocumentedKeyHasAValue) {
  BrokerConfig config;
  auto values = BrokerConfigValues(config);
  for (const auto& key : BrokerConfigKeys()) EXPECT_TRUE(values.count(key.key)) << key.key;
  EXPECT_EQ(values.size(), BrokerConfigKeys().size());
}

}  // namespace
}  // namespace sluice::server

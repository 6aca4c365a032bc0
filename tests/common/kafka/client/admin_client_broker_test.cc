// AdminClient against a real sluice-broker process on 127.0.0.1. The broker advertises a
// pod-style DNS name that only the client's AddressMapper turns into its loopback port,
// as in the operator's Kubernetes tests.
//
// CreatePartitions, IncrementalAlterConfigs and the reassignment APIs: when the broker
// does not advertise an API yet, the test checks that the client says so
// (kUnimplemented carrying UNSUPPORTED_VERSION) and is reported as SKIPPED with that
// reason; once the broker advertises the API the full checks run.
#include <chrono>
#include <thread>

#include "common/kafka/client/admin_client.h"
#include "common/kafka/client/kafka_error.h"
#include "common/kafka/client/topic_diff.h"
#include "common/kafka/protocol/messages/alter_partition_reassignments.h"
#include "common/kafka/protocol/messages/create_partitions.h"
#include "common/kafka/protocol/messages/incremental_alter_configs.h"
#include "common/kafka/protocol/messages/list_partition_reassignments.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/kafka/client/broker_process.h"

namespace sluice::kafka::client {
namespace {

using testing::BrokerProcess;
using ::testing::HasSubstr;

const HostPort kAdvertised{"sluice-0.sluice-headless.test.svc", 9092};
const HostPort kBootstrap{"sluice-bootstrap.test.svc", 9092};

class AdminClientBrokerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto broker = BrokerProcess::Start(testing::BrokerBinary(), kAdvertised.ToString());
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = broker->release();
    // Ready when an admin client can connect and read Metadata.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    absl::Status last;
    while (std::chrono::steady_clock::now() < deadline) {
      ASSERT_TRUE(broker_->alive()) << "sluice-broker exited during start-up:\n"
                                    << broker_->StderrTail();
      auto admin = AdminClient::Connect(Options());
      if (admin.ok()) return;
      last = admin.status();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "sluice-broker not answering after 60 s: " << last << "\n" << broker_->StderrTail();
  }

  static void TearDownTestSuite() {
    delete broker_;
    broker_ = nullptr;
  }

  static HostPort Loopback() { return HostPort{"127.0.0.1", broker_->port()}; }

  static AdminClientOptions Options() {
    AdminClientOptions options;
    options.bootstrap = {kBootstrap};
    const HostPort loopback = Loopback();
    // Every address must be mapped: an unmapped name would be looked up in DNS, and
    // tests only talk to 127.0.0.0/8.
    options.address_mapper = [loopback](const HostPort& address) {
      if (address == kAdvertised || address == kBootstrap) return loopback;
      ADD_FAILURE() << "unmapped address " << address.ToString();
      return HostPort{"127.0.0.1", 1};
    };
    options.connection.client_id = "kafka-client-broker-test";
    options.connection.request_timeout = absl::Seconds(20);
    return options;
  }

  void SetUp() override {
    ASSERT_NE(broker_, nullptr);
    auto admin = AdminClient::Connect(Options());
    ASSERT_TRUE(admin.ok()) << admin.status();
    admin_ = *std::move(admin);
  }

  // Whether the broker advertises `api_key` in ApiVersions.
  static bool BrokerAdvertises(int16_t api_key) {
    auto conn = Connection::Open(Loopback(), ConnectionOptions{});
    EXPECT_TRUE(conn.ok()) << conn.status();
    return conn.ok() && (*conn)->broker_versions().count(api_key) > 0;
  }

  void CreateOrDie(const NewTopic& topic) {
    auto created = admin_->CreateTopic(topic);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  static BrokerProcess* broker_;
  std::unique_ptr<AdminClient> admin_;
};

BrokerProcess* AdminClientBrokerTest::broker_ = nullptr;

TEST_F(AdminClientBrokerTest, DiscoversTheBrokerThroughTheAddressMapper) {
  auto cluster = admin_->DescribeCluster();
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  ASSERT_EQ(cluster->brokers.size(), 1u);
  EXPECT_EQ(cluster->brokers[0].node_id, 0);
  EXPECT_EQ(cluster->brokers[0].advertised, kAdvertised);
  EXPECT_EQ(cluster->brokers[0].dial, Loopback());
  EXPECT_TRUE(cluster->cluster_id.has_value());
  EXPECT_EQ(admin_->admin_broker(), Loopback());
}

TEST_F(AdminClientBrokerTest, TopicLifecycle) {
  const NewTopic topic{"it-lifecycle", 3, 1, {{"retention.ms", "3600000"}}};
  auto created = admin_->CreateTopic(topic);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->partitions, 3);
  EXPECT_EQ(created->replication_factor, 1);

  auto described = admin_->DescribeTopic("it-lifecycle");
  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_EQ(described->partition_count(), 3);
  EXPECT_EQ(described->replication_factor, 1);
  EXPECT_NE(described->topic_id, Uuid());
  EXPECT_EQ(described->topic_id, created->topic_id);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(described->partitions[i].partition, i);
    EXPECT_EQ(described->partitions[i].leader, 0);
  }

  auto listed = admin_->ListTopics();
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, ::testing::Contains("it-lifecycle"));

  auto configs = admin_->DescribeTopicConfigs("it-lifecycle");
  ASSERT_TRUE(configs.ok()) << configs.status();
  ASSERT_EQ(configs->count("retention.ms"), 1u);
  EXPECT_EQ(configs->at("retention.ms").value, "3600000");
  EXPECT_TRUE(configs->at("retention.ms").explicitly_set());
  // Kafka reports every config, defaults included; those are not explicitly set.
  ASSERT_EQ(configs->count("cleanup.policy"), 1u) << "broker reported " << configs->size();
  EXPECT_FALSE(configs->at("cleanup.policy").explicitly_set());

  auto again = admin_->CreateTopic(topic);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(KafkaErrorCodeOf(again.status()), kErrorTopicAlreadyExists);
  EXPECT_THAT(again.status().message(), HasSubstr("TOPIC_ALREADY_EXISTS (36)"));

  ASSERT_TRUE(admin_->DeleteTopic("it-lifecycle").ok());
  auto gone = admin_->DescribeTopic("it-lifecycle");
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound) << gone.status();
  absl::Status twice = admin_->DeleteTopic("it-lifecycle");
  EXPECT_EQ(twice.code(), absl::StatusCode::kNotFound) << twice;
  EXPECT_EQ(KafkaErrorCodeOf(twice), kErrorUnknownTopicOrPartition);
}

TEST_F(AdminClientBrokerTest, ValidateOnlyCreatesNothing) {
  auto created = admin_->CreateTopic(NewTopic{"it-validate-only", 2, 1, {}}, true);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(admin_->DescribeTopic("it-validate-only").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(AdminClientBrokerTest, InvalidCreatesCarryKafkaErrors) {
  auto no_partitions = admin_->CreateTopic(NewTopic{"it-bad-partitions", 0, 1, {}});
  EXPECT_EQ(no_partitions.status().code(), absl::StatusCode::kInvalidArgument)
      << no_partitions.status();
  EXPECT_THAT(no_partitions.status().message(), HasSubstr("INVALID_PARTITIONS (37)"));

  auto too_many_replicas = admin_->CreateTopic(NewTopic{"it-bad-rf", 1, 3, {}});
  EXPECT_EQ(too_many_replicas.status().code(), absl::StatusCode::kInvalidArgument)
      << too_many_replicas.status();
  EXPECT_THAT(too_many_replicas.status().message(), HasSubstr("INVALID_REPLICATION_FACTOR (38)"));

  auto bad_config = admin_->CreateTopic(NewTopic{"it-bad-config", 1, 1, {{"no.such.key", "1"}}});
  EXPECT_EQ(bad_config.status().code(), absl::StatusCode::kInvalidArgument) << bad_config.status();
  EXPECT_THAT(bad_config.status().message(), HasSubstr("INVALID_CONFIG (40)"));
}

TEST_F(AdminClientBrokerTest, CreatePartitionsGrowsAndRefusesShrink) {
  CreateOrDie(NewTopic{"it-grow", 2, 1, {}});
  if (!BrokerAdvertises(CreatePartitionsRequest::kApiKey)) {
    absl::Status s = admin_->CreatePartitions("it-grow", 4);
    EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented) << s;
    EXPECT_EQ(KafkaErrorCodeOf(s), kErrorUnsupportedVersion) << s;
    GTEST_SKIP() << "the broker does not advertise CreatePartitions (api key 37) yet; the "
                    "client reported it as expected: "
                 << s;
  }
  absl::Status grown = admin_->CreatePartitions("it-grow", 4);
  ASSERT_TRUE(grown.ok()) << grown;
  auto described = admin_->DescribeTopic("it-grow");
  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_EQ(described->partition_count(), 4);

  absl::Status shrink = admin_->CreatePartitions("it-grow", 2);
  EXPECT_EQ(shrink.code(), absl::StatusCode::kInvalidArgument) << shrink;
  EXPECT_EQ(KafkaErrorCodeOf(shrink), kErrorInvalidPartitions) << shrink;
}

TEST_F(AdminClientBrokerTest, IncrementalAlterConfigsSetsAndDeletes) {
  CreateOrDie(NewTopic{"it-alter", 1, 1, {}});
  if (!BrokerAdvertises(IncrementalAlterConfigsRequest::kApiKey)) {
    absl::Status s = admin_->IncrementalAlterTopicConfigs(
        "it-alter", {{"retention.ms", ConfigOp::kSet, "1000"}});
    EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented) << s;
    EXPECT_EQ(KafkaErrorCodeOf(s), kErrorUnsupportedVersion) << s;
    GTEST_SKIP() << "the broker does not advertise IncrementalAlterConfigs (api key 44) yet; "
                    "the client reported it as expected: "
                 << s;
  }
  absl::Status set =
      admin_->IncrementalAlterTopicConfigs("it-alter", {{"retention.ms", ConfigOp::kSet, "1000"}});
  ASSERT_TRUE(set.ok()) << set;
  auto configs = admin_->DescribeTopicConfigs("it-alter");
  ASSERT_TRUE(configs.ok()) << configs.status();
  EXPECT_EQ(configs->at("retention.ms").value, "1000");
  EXPECT_TRUE(configs->at("retention.ms").explicitly_set());

  absl::Status del = admin_->IncrementalAlterTopicConfigs(
      "it-alter", {{"retention.ms", ConfigOp::kDelete, std::nullopt}});
  ASSERT_TRUE(del.ok()) << del;
  configs = admin_->DescribeTopicConfigs("it-alter");
  ASSERT_TRUE(configs.ok()) << configs.status();
  EXPECT_FALSE(configs->at("retention.ms").explicitly_set());

  absl::Status bad =
      admin_->IncrementalAlterTopicConfigs("it-alter", {{"no.such.key", ConfigOp::kSet, "1"}});
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument) << bad;
}

TEST_F(AdminClientBrokerTest, ReassignmentToTheSameReplicasCompletes) {
  CreateOrDie(NewTopic{"it-reassign", 1, 1, {}});
  if (!BrokerAdvertises(ListPartitionReassignmentsRequest::kApiKey) ||
      !BrokerAdvertises(AlterPartitionReassignmentsRequest::kApiKey)) {
    auto listed = admin_->ListPartitionReassignments();
    auto altered =
        admin_->AlterPartitionReassignments({{{"it-reassign", 0}, std::vector<int32_t>{0}}});
    EXPECT_TRUE(listed.status().code() == absl::StatusCode::kUnimplemented ||
                altered.status().code() == absl::StatusCode::kUnimplemented)
        << listed.status() << " / " << altered.status();
    GTEST_SKIP() << "the broker does not advertise AlterPartitionReassignments (45) and "
                    "ListPartitionReassignments (46) yet; the client reported: "
                 << listed.status() << " / " << altered.status();
  }
  auto altered =
      admin_->AlterPartitionReassignments({{{"it-reassign", 0}, std::vector<int32_t>{0}}});
  ASSERT_TRUE(altered.ok()) << altered.status();
  EXPECT_TRUE(altered->at({"it-reassign", 0}).ok()) << altered->at({"it-reassign", 0});
  auto listed = admin_->ListPartitionReassignments(std::vector<TopicPartition>{{"it-reassign", 0}});
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_TRUE(listed->empty());  // one replica, already in place: nothing left to move
}

// The planner and the client together, as the SluiceTopic reconciler will use them.
TEST_F(AdminClientBrokerTest, TopicSyncConverges) {
  DesiredTopic desired{"it-sync", 2, 1, {{"retention.ms", "7200000"}}};
  auto observe = [&]() -> std::optional<ObservedTopic> {
    auto d = admin_->DescribeTopic(desired.name);
    if (d.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
    EXPECT_TRUE(d.ok()) << d.status();
    auto c = admin_->DescribeTopicConfigs(desired.name);
    EXPECT_TRUE(c.ok()) << c.status();
    return ObserveTopic(*d, *c);
  };
  TopicPlan plan = PlanTopicSync(desired, observe());
  ASSERT_TRUE(plan.create) << plan.DriftSummary();
  ASSERT_TRUE(admin_->CreateTopic(ToNewTopic(desired)).ok());
  plan = PlanTopicSync(desired, observe());
  EXPECT_TRUE(plan.in_sync()) << plan.DriftSummary();

  // Shrinking is refused by the planner before any request is sent.
  DesiredTopic shrink = desired;
  shrink.partitions = 1;
  plan = PlanTopicSync(shrink, observe());
  ASSERT_EQ(plan.refusals.size(), 1u);
  EXPECT_EQ(plan.refusals[0].kind, RefusalKind::kShrinkPartitions);

  if (!BrokerAdvertises(IncrementalAlterConfigsRequest::kApiKey) ||
      !BrokerAdvertises(CreatePartitionsRequest::kApiKey)) {
    GTEST_SKIP() << "the broker does not advertise CreatePartitions and "
                    "IncrementalAlterConfigs yet: converging changes is not checked";
  }
  desired.partitions = 3;
  desired.configs = {{"cleanup.policy", "compact"}};
  plan = PlanTopicSync(desired, observe());
  ASSERT_EQ(plan.grow_partitions_to, 3);
  ASSERT_TRUE(admin_->IncrementalAlterTopicConfigs(desired.name, plan.ConfigChanges()).ok());
  ASSERT_TRUE(admin_->CreatePartitions(desired.name, *plan.grow_partitions_to).ok());
  plan = PlanTopicSync(desired, observe());
  EXPECT_TRUE(plan.in_sync()) << plan.DriftSummary();
}

}  // namespace
}  // namespace sluice::kafka::client

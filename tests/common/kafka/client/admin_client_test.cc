// AdminClient against FakeKafkaServer: discovery and address mapping, what each call
// sends, how each response and each Kafka error comes back.
#include "common/kafka/client/admin_client.h"

#include <atomic>
#include <thread>

#include "common/kafka/client/kafka_error.h"
#include "common/kafka/protocol/messages/create_partitions.h"
#include "common/kafka/protocol/messages/create_topics.h"
#include "common/kafka/protocol/messages/delete_topics.h"
#include "common/kafka/protocol/messages/describe_configs.h"
#include "common/kafka/protocol/messages/incremental_alter_configs.h"
#include "common/kafka/protocol/messages/metadata.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/kafka/client/fake_kafka_server.h"

namespace sluice::kafka::client {
namespace {

using ::testing::ElementsAre;
using testing::FakeKafkaServer;
using ::testing::HasSubstr;
using testing::ReceivedRequest;
using testing::Reply;
using testing::ResponseFrame;

AdminClientOptions OptionsFor(const FakeKafkaServer& server) {
  AdminClientOptions options;
  options.bootstrap = {server.address()};
  options.connection.connect_timeout = absl::Seconds(5);
  options.connection.request_timeout = absl::Seconds(5);
  return options;
}

std::unique_ptr<AdminClient> ConnectTo(const FakeKafkaServer& server) {
  auto admin = AdminClient::Connect(OptionsFor(server));
  EXPECT_TRUE(admin.ok()) << admin.status();
  return admin.ok() ? *std::move(admin) : nullptr;
}

// Answers requests of Request's API with `fn(request)`; the rest go to the defaults.
template <typename Request, typename Fn>
FakeKafkaServer::Handler On(Fn fn) {
  return [fn](const ReceivedRequest& r) -> std::optional<Reply> {
    if (r.api_key() != Request::kApiKey) return std::nullopt;
    return Reply::Send(ResponseFrame(r, fn(r)));
  };
}

MetadataResponse::MetadataResponsePartition Partition(int32_t index,
                                                      std::vector<int32_t> replicas) {
  MetadataResponse::MetadataResponsePartition p;
  p.partition_index = index;
  p.leader_id = replicas.empty() ? -1 : replicas[0];
  p.leader_epoch = 3;
  p.replica_nodes = replicas;
  p.isr_nodes = replicas;
  return p;
}

TEST(AdminClientTest, ConnectNeedsBootstrapAddresses) {
  auto admin = AdminClient::Connect(AdminClientOptions{});
  EXPECT_EQ(admin.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(AdminClientTest, NoReachableBootstrapIsUnavailableNamingEachAddress) {
  uint16_t dead1 = 0, dead2 = 0;
  {
    FakeKafkaServer a, b;
    dead1 = a.port();
    dead2 = b.port();
  }
  AdminClientOptions options;
  options.bootstrap = {{"127.0.0.1", dead1}, {"127.0.0.1", dead2}};
  auto admin = AdminClient::Connect(options);
  ASSERT_FALSE(admin.ok());
  EXPECT_EQ(admin.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(admin.status().message(), HasSubstr(absl::StrCat("127.0.0.1:", dead1)));
  EXPECT_THAT(admin.status().message(), HasSubstr(absl::StrCat("127.0.0.1:", dead2)));
}

TEST(AdminClientTest, DiscoversTheControllerThroughTheAddressMapper) {
  // Broker 0 (bootstrap) says the controller is node 1 at a pod DNS name; the mapper
  // turns that into broker 1's loopback port. Admin requests must reach broker 1.
  FakeKafkaServer controller(On<CreatePartitionsRequest>([](const ReceivedRequest& r) {
    CreatePartitionsResponse response;
    response.results.push_back({"orders", 0, std::nullopt});
    (void)r;
    return response;
  }));
  controller.set_node_id(1, 1);
  controller.set_advertised_address({"sluice-1.sluice.ns.svc", 9092});
  FakeKafkaServer bootstrap(On<MetadataRequest>([&](const ReceivedRequest&) {
    MetadataResponse response;
    response.brokers.push_back({0, "sluice-0.sluice.ns.svc", 9092, std::nullopt});
    response.brokers.push_back({1, "sluice-1.sluice.ns.svc", 9092, "rack-b"});
    response.controller_id = 1;
    response.cluster_id = "c1";
    return response;
  }));
  uint16_t dead = 0;
  {
    FakeKafkaServer gone;
    dead = gone.port();
  }
  AdminClientOptions options = OptionsFor(bootstrap);
  options.bootstrap = {{"sluice-bootstrap.ns.svc", 9092}, {"sluice-0.sluice.ns.svc", 9092}};
  options.address_mapper = MapAddresses({
      {{"sluice-bootstrap.ns.svc", 9092}, {"127.0.0.1", dead}},  // first one is down
      {{"sluice-0.sluice.ns.svc", 9092}, bootstrap.address()},
      {{"sluice-1.sluice.ns.svc", 9092}, controller.address()},
  });
  auto admin = AdminClient::Connect(options);
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_EQ((*admin)->admin_broker(), controller.address());

  EXPECT_TRUE((*admin)->CreatePartitions("orders", 4).ok());
  EXPECT_EQ(controller.requests(CreatePartitionsRequest::kApiKey).size(), 1u);
  EXPECT_TRUE(bootstrap.requests(CreatePartitionsRequest::kApiKey).empty());

  auto cluster = (*admin)->DescribeCluster();
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  // The controller's own Metadata (default: it alone, node 1).
  ASSERT_EQ(cluster->brokers.size(), 1u);
  EXPECT_EQ(cluster->brokers[0].node_id, 1);
  EXPECT_EQ(cluster->brokers[0].advertised.ToString(), "sluice-1.sluice.ns.svc:9092");
  EXPECT_EQ(cluster->brokers[0].dial, controller.address());
}

TEST(AdminClientTest, HostileBrokerAddressInMetadataFailsDiscoveryCleanly) {
  for (int32_t port : {0, -5, 70000}) {
    SCOPED_TRACE(port);
    FakeKafkaServer server(On<MetadataRequest>([port](const ReceivedRequest&) {
      MetadataResponse response;
      response.brokers.push_back({0, "127.0.0.1", port, std::nullopt});
      return response;
    }));
    auto admin = AdminClient::Connect(OptionsFor(server));
    ASSERT_FALSE(admin.ok());
    EXPECT_EQ(admin.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(admin.status().message(), HasSubstr("broker 0 has address"));
  }
}

TEST(AdminClientTest, UnreachableControllerFallsBackToTheBootstrapBroker) {
  FakeKafkaServer bootstrap(On<MetadataRequest>([](const ReceivedRequest&) {
    MetadataResponse response;
    response.brokers.push_back({0, "127.0.0.1", 1, std::nullopt});  // nothing listens on 1
    response.brokers.push_back({5, "127.0.0.1", 2, std::nullopt});
    response.controller_id = 5;
    return response;
  }));
  auto admin = ConnectTo(bootstrap);
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->admin_broker(), bootstrap.address());
}

TEST(AdminClientTest, DescribeTopicsMapsMetadata) {
  const Uuid id = Uuid::Random();
  FakeKafkaServer server(On<MetadataRequest>([&](const ReceivedRequest& r) {
    MetadataResponse response;
    response.brokers.push_back({0, "127.0.0.1", 9092, std::nullopt});
    if (!r.As<MetadataRequest>().topics.has_value() || r.As<MetadataRequest>().topics->empty()) {
      return response;
    }
    MetadataResponse::MetadataResponseTopic orders;
    orders.name = "orders";
    orders.topic_id = id;
    orders.partitions = {Partition(2, {0, 1, 2}), Partition(0, {1, 2, 0}), Partition(1, {2, 0, 1})};
    response.topics.push_back(orders);
    MetadataResponse::MetadataResponseTopic missing;
    missing.name = "missing";
    missing.error_code = kErrorUnknownTopicOrPartition;
    response.topics.push_back(missing);
    MetadataResponse::MetadataResponseTopic unasked;
    unasked.name = "unasked";
    response.topics.push_back(unasked);
    return response;
  }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  auto topics = admin->DescribeTopics({"orders", "missing", "silent"});
  ASSERT_TRUE(topics.ok()) << topics.status();
  ASSERT_EQ(topics->size(), 3u);

  const auto& orders = topics->at("orders");
  ASSERT_TRUE(orders.ok()) << orders.status();
  EXPECT_EQ(orders->name, "orders");
  EXPECT_EQ(orders->topic_id, id);
  EXPECT_EQ(orders->partition_count(), 3);
  EXPECT_EQ(orders->replication_factor, 3);
  EXPECT_EQ(orders->partitions[0].partition, 0);
  EXPECT_EQ(orders->partitions[0].leader, 1);
  EXPECT_THAT(orders->partitions[2].replicas, ElementsAre(0, 1, 2));
  EXPECT_EQ(orders->partitions[1].leader_epoch, 3);

  const auto& missing = topics->at("missing");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(KafkaErrorCodeOf(missing.status()), kErrorUnknownTopicOrPartition);
  EXPECT_THAT(missing.status().message(), HasSubstr("describe topic missing"));
  EXPECT_EQ(topics->at("silent").status().code(), absl::StatusCode::kNotFound);

  // The request named the topics and never asked for auto-creation.
  auto sent = server.requests(MetadataRequest::kApiKey).back().As<MetadataRequest>();
  EXPECT_FALSE(sent.allow_auto_topic_creation);
  ASSERT_TRUE(sent.topics.has_value());
  EXPECT_EQ(sent.topics->size(), 3u);

  auto one = admin->DescribeTopic("missing");
  EXPECT_EQ(one.status().code(), absl::StatusCode::kNotFound);
}

TEST(AdminClientTest, ListTopicsAsksForAllTopics) {
  FakeKafkaServer server(On<MetadataRequest>([](const ReceivedRequest&) {
    MetadataResponse response;
    for (const char* name : {"b", "a"}) {
      MetadataResponse::MetadataResponseTopic t;
      t.name = name;
      response.topics.push_back(t);
    }
    return response;
  }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  auto names = admin->ListTopics();
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, ElementsAre("a", "b"));
  EXPECT_FALSE(server.requests(MetadataRequest::kApiKey).back().As<MetadataRequest>().topics);
}

TEST(AdminClientTest, CreateTopicSendsTheSpecAndReturnsTheResult) {
  const Uuid id = Uuid::Random();
  FakeKafkaServer server(On<CreateTopicsRequest>([&](const ReceivedRequest& r) {
    auto request = r.As<CreateTopicsRequest>();
    CreateTopicsResponse response;
    CreateTopicsResponse::CreatableTopicResult result;
    result.name = request.topics.at(0).name;
    result.topic_id = id;
    result.num_partitions = request.topics[0].num_partitions;
    result.replication_factor = request.topics[0].replication_factor;
    response.topics.push_back(result);
    return response;
  }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  NewTopic topic{"orders", 6, 1, {{"retention.ms", "1000"}, {"cleanup.policy", "compact"}}};
  auto created = admin->CreateTopic(topic, /*validate_only=*/true);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->topic_id, id);
  EXPECT_EQ(created->partitions, 6);
  EXPECT_EQ(created->replication_factor, 1);

  auto sent = server.requests(CreateTopicsRequest::kApiKey).at(0);
  EXPECT_EQ(sent.version(), CreateTopicsRequest::kMaxVersion);
  auto request = sent.As<CreateTopicsRequest>();
  EXPECT_TRUE(request.validate_only);
  EXPECT_EQ(request.timeout_ms, 3750);  // 3/4 of the request timeout
  ASSERT_EQ(request.topics.size(), 1u);
  EXPECT_EQ(request.topics[0].num_partitions, 6);
  EXPECT_EQ(request.topics[0].replication_factor, 1);
  ASSERT_EQ(request.topics[0].configs.size(), 2u);
  EXPECT_EQ(request.topics[0].configs[0].name, "cleanup.policy");
  EXPECT_EQ(request.topics[0].configs[0].value, "compact");
}

TEST(AdminClientTest, CreateTopicErrorCarriesKafkaNameAndMessage) {
  FakeKafkaServer server(On<CreateTopicsRequest>([](const ReceivedRequest&) {
    CreateTopicsResponse response;
    CreateTopicsResponse::CreatableTopicResult result;
    result.name = "orders";
    result.error_code = kErrorTopicAlreadyExists;
    result.error_message = "Topic 'orders' already exists.";
    response.topics.push_back(result);
    return response;
  }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  auto created = admin->CreateTopic(NewTopic{"orders", 1, 1, {}});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(created.status().message(),
            "create topic orders: TOPIC_ALREADY_EXISTS (36): Topic 'orders' already exists.");
  EXPECT_EQ(KafkaErrorCodeOf(created.status()), kErrorTopicAlreadyExists);
}

TEST(AdminClientTest, ResponseWithoutTheTopicIsInternal) {
  FakeKafkaServer server(
      On<CreateTopicsRequest>([](const ReceivedRequest&) { return CreateTopicsResponse{}; }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  auto created = admin->CreateTopic(NewTopic{"orders", 1, 1, {}});
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(created.status().message(), HasSubstr("no result"));
}

DeleteTopicsResponse DeleteOk(const ReceivedRequest& r) {
  auto request = r.As<DeleteTopicsRequest>();
  DeleteTopicsResponse response;
  DeleteTopicsResponse::DeletableTopicResult result;
  result.name =
      r.version() >= 6 ? request.topics.at(0).name.value_or("") : request.topic_names.at(0);
  response.responses.push_back(result);
  return response;
}

TEST(AdminClientTest, DeleteTopicUsesTheFormOfTheNegotiatedVersion) {
  for (int16_t max : {6, 3}) {
    SCOPED_TRACE(max);
    FakeKafkaServer server(On<DeleteTopicsRequest>(DeleteOk));
    for (auto& api : server.advertised().api_keys) {
      if (api.api_key == DeleteTopicsRequest::kApiKey) api.max_version = max;
    }
    auto admin = ConnectTo(server);
    ASSERT_NE(admin, nullptr);
    EXPECT_TRUE(admin->DeleteTopic("orders").ok());
    auto sent = server.requests(DeleteTopicsRequest::kApiKey).at(0);
    EXPECT_EQ(sent.version(), max);
  }
}

TEST(AdminClientTest, DeleteUnknownTopicIsNotFound) {
  FakeKafkaServer server(On<DeleteTopicsRequest>([](const ReceivedRequest& r) {
    DeleteTopicsResponse response = DeleteOk(r);
    response.responses[0].error_code = kErrorUnknownTopicOrPartition;
    return response;
  }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  absl::Status s = admin->DeleteTopic("orders");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("delete topic orders: UNKNOWN_TOPIC_OR_PARTITION"));
}

TEST(AdminClientTest, CreatePartitionsSendsTheNewTotalAndMapsErrors) {
  FakeKafkaServer server(On<CreatePartitionsRequest>([](const ReceivedRequest& r) {
    auto request = r.As<CreatePartitionsRequest>();
    CreatePartitionsResponse response;
    CreatePartitionsResponse::CreatePartitionsTopicResult result;
    result.name = request.topics.at(0).name;
    if (request.topics[0].count < 3) {
      result.error_code = kErrorInvalidPartitions;
      result.error_message =
          "Topic currently has 3 partitions, which is higher than the "
          "requested 2.";
    }
    response.results.push_back(result);
    return response;
  }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  EXPECT_TRUE(admin->CreatePartitions("orders", 8, /*validate_only=*/true).ok());
  auto request = server.requests(CreatePartitionsRequest::kApiKey).at(0);
  EXPECT_EQ(request.version(), CreatePartitionsRequest::kMaxVersion);
  auto decoded = request.As<CreatePartitionsRequest>();
  EXPECT_EQ(decoded.topics.at(0).count, 8);
  EXPECT_FALSE(decoded.topics[0].assignments.has_value());
  EXPECT_TRUE(decoded.validate_only);

  absl::Status shrink = admin->CreatePartitions("orders", 2);
  EXPECT_EQ(shrink.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(shrink.message(), HasSubstr("INVALID_PARTITIONS (37): Topic currently has 3"));
}

TEST(AdminClientTest, NotControllerIsRetriedOnceAfterRediscovery) {
  int calls = 0;
  FakeKafkaServer server(On<CreatePartitionsRequest>([&](const ReceivedRequest&) {
    CreatePartitionsResponse response;
    response.results.push_back(
        {"orders", static_cast<int16_t>(++calls == 1 ? 41 : 0), std::nullopt});
    return response;
  }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  EXPECT_TRUE(admin->CreatePartitions("orders", 4).ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(server.connections(), 2);  // rediscovery reconnected
}

TEST(AdminClientTest, PersistentNotControllerIsUnavailable) {
  FakeKafkaServer server(On<CreatePartitionsRequest>([](const ReceivedRequest&) {
    CreatePartitionsResponse response;
    response.results.push_back({"orders", kErrorNotController, std::nullopt});
    return response;
  }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  absl::Status s = admin->CreatePartitions("orders", 4);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(server.requests(CreatePartitionsRequest::kApiKey).size(), 2u);
}

TEST(AdminClientTest, BrokenConnectionIsReplacedOnTheNextCall) {
  int calls = 0;
  FakeKafkaServer server([&](const ReceivedRequest& r) -> std::optional<Reply> {
    if (r.api_key() != CreatePartitionsRequest::kApiKey) return std::nullopt;
    if (++calls == 1) return Reply::Close();
    CreatePartitionsResponse response;
    response.results.push_back({"orders", 0, std::nullopt});
    return Reply::Send(ResponseFrame(r, response));
  });
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  absl::Status first = admin->CreatePartitions("orders", 4);
  EXPECT_EQ(first.code(), absl::StatusCode::kUnavailable);  // not retried
  EXPECT_TRUE(admin->CreatePartitions("orders", 4).ok());
  EXPECT_EQ(calls, 2);
}

TEST(AdminClientTest, CreatePartitionsUnsupportedByTheBrokerIsUnimplemented) {
  FakeKafkaServer server;
  auto& apis = server.advertised().api_keys;
  std::erase_if(apis, [](const auto& a) { return a.api_key == CreatePartitionsRequest::kApiKey; });
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  absl::Status s = admin->CreatePartitions("orders", 4);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(KafkaErrorCodeOf(s), kErrorUnsupportedVersion);
}

TEST(AdminClientTest, DescribeTopicConfigsReportsSources) {
  FakeKafkaServer server(On<DescribeConfigsRequest>([](const ReceivedRequest& r) {
    auto request = r.As<DescribeConfigsRequest>();
    DescribeConfigsResponse response;
    DescribeConfigsResponse::DescribeConfigsResult result;
    result.resource_type = 2;
    result.resource_name = request.resources.at(0).resource_name;
    auto entry = [](std::string name, std::optional<std::string> value, int8_t source) {
      DescribeConfigsResponse::DescribeConfigsResourceResult c;
      c.name = std::move(name);
      c.value = std::move(value);
      c.config_source = source;
      return c;
    };
    result.configs.push_back(entry("retention.ms", "1000", 1));
    result.configs.push_back(entry("segment.bytes", "1073741824", 5));
    result.configs.push_back(entry("max.message.bytes", "2000000", 4));
    auto secret = entry("secret", std::nullopt, 1);
    secret.is_sensitive = true;
    result.configs.push_back(secret);
    auto odd = entry("odd", "x", 99);
    odd.read_only = true;
    result.configs.push_back(odd);
    response.results.push_back(result);
    return response;
  }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  auto configs = admin->DescribeTopicConfigs("orders");
  ASSERT_TRUE(configs.ok()) << configs.status();
  ASSERT_EQ(configs->size(), 5u);
  EXPECT_EQ(configs->at("retention.ms").value, "1000");
  EXPECT_TRUE(configs->at("retention.ms").explicitly_set());
  EXPECT_EQ(configs->at("segment.bytes").source, ConfigSource::kDefault);
  EXPECT_FALSE(configs->at("segment.bytes").explicitly_set());
  EXPECT_EQ(configs->at("max.message.bytes").source, ConfigSource::kStaticBroker);
  EXPECT_TRUE(configs->at("secret").sensitive);
  EXPECT_FALSE(configs->at("secret").value.has_value());
  EXPECT_EQ(configs->at("odd").source, ConfigSource::kUnknown);
  EXPECT_TRUE(configs->at("odd").read_only);

  auto request = server.requests(DescribeConfigsRequest::kApiKey).at(0);
  auto decoded = request.As<DescribeConfigsRequest>();
  EXPECT_EQ(decoded.resources.at(0).resource_type, 2);
  EXPECT_FALSE(decoded.resources[0].configuration_keys.has_value());
}

TEST(AdminClientTest, DescribeConfigsOfUnknownTopicIsNotFound) {
  FakeKafkaServer server(On<DescribeConfigsRequest>([](const ReceivedRequest&) {
    DescribeConfigsResponse response;
    DescribeConfigsResponse::DescribeConfigsResult result;
    result.resource_type = 2;
    result.resource_name = "nope";
    result.error_code = kErrorUnknownTopicOrPartition;
    result.error_message = "Topic nope does not exist";
    response.results.push_back(result);
    return response;
  }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  auto configs = admin->DescribeTopicConfigs("nope");
  EXPECT_EQ(configs.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(configs.status().message(), HasSubstr("Topic nope does not exist"));
}

TEST(AdminClientTest, IncrementalAlterSendsSetAndDelete) {
  FakeKafkaServer server(On<IncrementalAlterConfigsRequest>([](const ReceivedRequest& r) {
    auto request = r.As<IncrementalAlterConfigsRequest>();
    IncrementalAlterConfigsResponse response;
    IncrementalAlterConfigsResponse::AlterConfigsResourceResponse result;
    result.resource_type = 2;
    result.resource_name = request.resources.at(0).resource_name;
    for (const auto& c : request.resources[0].configs) {
      if (c.name == "bogus") {
        result.error_code = kErrorInvalidConfig;
        result.error_message = "Unknown topic config name: bogus";
      }
    }
    response.responses.push_back(result);
    return response;
  }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  absl::Status ok = admin->IncrementalAlterTopicConfigs(
      "orders",
      {{"retention.ms", ConfigOp::kSet, "1000"}, {"cleanup.policy", ConfigOp::kDelete, "ignored"}},
      /*validate_only=*/true);
  EXPECT_TRUE(ok.ok()) << ok;
  auto request = server.requests(IncrementalAlterConfigsRequest::kApiKey).at(0);
  EXPECT_EQ(request.version(), 1);
  auto decoded = request.As<IncrementalAlterConfigsRequest>();
  EXPECT_TRUE(decoded.validate_only);
  const auto& configs = decoded.resources.at(0).configs;
  ASSERT_EQ(configs.size(), 2u);
  EXPECT_EQ(configs[0].name, "retention.ms");
  EXPECT_EQ(configs[0].config_operation, 0);
  EXPECT_EQ(configs[0].value, "1000");
  EXPECT_EQ(configs[1].config_operation, 1);
  EXPECT_FALSE(configs[1].value.has_value());

  absl::Status bad =
      admin->IncrementalAlterTopicConfigs("orders", {{"bogus", ConfigOp::kSet, "1"}});
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(),
              HasSubstr("alter configs of topic orders: INVALID_CONFIG (40): Unknown topic"));
}

TEST(AdminClientTest, ConcurrentCallsAreSerialised) {
  FakeKafkaServer server;
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (!admin->DescribeCluster().ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(server.connections(), 1);  // one connection, requests one at a time
}

// Every call at the lowest and at the highest version the codec has, with a broker that
// advertises only that version: the fields absent at old versions must not matter.
class AdminClientVersionTest : public ::testing::TestWithParam<bool> {};

TEST_P(AdminClientVersionTest, EveryCallWorksAtTheEdgeVersion) {
  const bool lowest = GetParam();
  FakeKafkaServer server([](const ReceivedRequest& r) -> std::optional<Reply> {
    switch (r.api_key()) {
      case MetadataRequest::kApiKey: {
        MetadataResponse response;
        response.brokers.push_back({0, "127.0.0.1", 9092, std::nullopt});
        response.controller_id = 0;
        MetadataResponse::MetadataResponseTopic t;
        t.name = "orders";
        t.partitions = {Partition(0, {0})};
        response.topics.push_back(t);
        return Reply::Send(ResponseFrame(r, response));
      }
      case CreateTopicsRequest::kApiKey: {
        CreateTopicsResponse response;
        CreateTopicsResponse::CreatableTopicResult result;
        result.name = "orders";
        result.num_partitions = 1;
        result.replication_factor = 1;
        response.topics.push_back(result);
        return Reply::Send(ResponseFrame(r, response));
      }
      case DeleteTopicsRequest::kApiKey:
        return Reply::Send(ResponseFrame(r, DeleteOk(r)));
      case CreatePartitionsRequest::kApiKey: {
        CreatePartitionsResponse response;
        response.results.push_back({"orders", 0, std::nullopt});
        return Reply::Send(ResponseFrame(r, response));
      }
      case DescribeConfigsRequest::kApiKey: {
        DescribeConfigsResponse response;
        DescribeConfigsResponse::DescribeConfigsResult result;
        result.resource_type = 2;
        result.resource_name = "orders";
        DescribeConfigsResponse::DescribeConfigsResourceResult c;
        c.name = "retention.ms";
        c.value = "1000";
        c.config_source = 1;
        result.configs.push_back(c);
        response.results.push_back(result);
        return Reply::Send(ResponseFrame(r, response));
      }
      case IncrementalAlterConfigsRequest::kApiKey: {
        IncrementalAlterConfigsResponse response;
        IncrementalAlterConfigsResponse::AlterConfigsResourceResponse result;
        result.resource_type = 2;
        result.resource_name = "orders";
        response.responses.push_back(result);
        return Reply::Send(ResponseFrame(r, response));
      }
      default:
        return std::nullopt;
    }
  });
  for (auto& api : server.advertised().api_keys) {
    if (lowest) {
      api.max_version = api.min_version;
    } else {
      api.min_version = api.max_version;
    }
  }
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);

  auto created = admin->CreateTopic(NewTopic{"orders", 1, 1, {{"retention.ms", "1000"}}});
  ASSERT_TRUE(created.ok()) << created.status();
  // Below CreateTopics v5 the response has no partition count.
  EXPECT_EQ(created->partitions, lowest ? -1 : 1);
  auto described = admin->DescribeTopic("orders");
  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_EQ(described->partition_count(), 1);
  EXPECT_TRUE(admin->ListTopics().ok());
  EXPECT_TRUE(admin->CreatePartitions("orders", 2).ok());
  auto configs = admin->DescribeTopicConfigs("orders");
  ASSERT_TRUE(configs.ok()) << configs.status();
  EXPECT_TRUE(configs->at("retention.ms").explicitly_set());
  EXPECT_TRUE(admin->IncrementalAlterTopicConfigs("orders", {{"a", ConfigOp::kSet, "1"}}).ok());
  EXPECT_TRUE(admin->DeleteTopic("orders").ok());

  for (const ReceivedRequest& r : server.requests()) {
    if (r.api_key() == ApiVersionsRequest::kApiKey) continue;  // sent before negotiating
    const ApiSpec* spec = FindApi(r.api_key());
    ASSERT_NE(spec, nullptr);
    EXPECT_EQ(r.version(), lowest ? spec->min_version : spec->max_version) << spec->name;
  }
}

INSTANTIATE_TEST_SUITE_P(EdgeVersions, AdminClientVersionTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Lowest" : "Highest"; });

}  // namespace
}  // namespace sluice::kafka::client

// AdminClient's reassignment calls against FakeKafkaServer.
#include "common/kafka/client/admin_client.h"
#include "common/kafka/client/kafka_error.h"
#include "common/kafka/protocol/messages/alter_partition_reassignments.h"
#include "common/kafka/protocol/messages/list_partition_reassignments.h"
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

std::unique_ptr<AdminClient> ConnectTo(const FakeKafkaServer& server) {
  AdminClientOptions options;
  options.bootstrap = {server.address()};
  options.connection.request_timeout = absl::Seconds(5);
  auto admin = AdminClient::Connect(options);
  EXPECT_TRUE(admin.ok()) << admin.status();
  return admin.ok() ? *std::move(admin) : nullptr;
}

template <typename Request, typename Fn>
FakeKafkaServer::Handler On(Fn fn) {
  return [fn](const ReceivedRequest& r) -> std::optional<Reply> {
    if (r.api_key() != Request::kApiKey) return std::nullopt;
    return Reply::Send(ResponseFrame(r, fn(r)));
  };
}

TEST(ReassignmentTest, AlterGroupsTargetsByTopicAndMapsEachPartition) {
  FakeKafkaServer server(On<AlterPartitionReassignmentsRequest>([](const ReceivedRequest&) {
    AlterPartitionReassignmentsResponse response;
    AlterPartitionReassignmentsResponse::ReassignableTopicResponse a;
    a.name = "a";
    a.partitions.push_back({0, 0, std::nullopt});
    a.partitions.push_back({1, 85, "No reassignment in progress"});
    a.partitions.push_back({9, 0, std::nullopt});  // not asked for: ignored
    response.responses.push_back(a);
    return response;  // nothing for b-0
  }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  ReassignmentTargets targets = {
      {{"a", 0}, std::vector<int32_t>{1, 2}},
      {{"a", 1}, std::nullopt},  // cancel
      {{"b", 0}, std::vector<int32_t>{3}},
  };
  auto result = admin->AlterPartitionReassignments(targets);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->size(), 3u);
  EXPECT_TRUE(result->at({"a", 0}).ok());
  const absl::Status& cancel = result->at({"a", 1});
  EXPECT_EQ(cancel.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(KafkaErrorCodeOf(cancel), 85);
  EXPECT_THAT(cancel.message(), HasSubstr("reassign a-1: NO_REASSIGNMENT_IN_PROGRESS (85)"));
  EXPECT_EQ(result->at({"b", 0}).code(), absl::StatusCode::kInternal);

  auto sent = server.requests(AlterPartitionReassignmentsRequest::kApiKey)
                  .at(0)
                  .As<AlterPartitionReassignmentsRequest>();
  EXPECT_EQ(sent.timeout_ms, 3750);
  ASSERT_EQ(sent.topics.size(), 2u);
  EXPECT_EQ(sent.topics[0].name, "a");
  ASSERT_EQ(sent.topics[0].partitions.size(), 2u);
  EXPECT_THAT(*sent.topics[0].partitions[0].replicas, ElementsAre(1, 2));
  EXPECT_FALSE(sent.topics[0].partitions[1].replicas.has_value());
  EXPECT_EQ(sent.topics[1].name, "b");
}

TEST(ReassignmentTest, RequestLevelErrorIsTheOuterStatus) {
  FakeKafkaServer server(On<AlterPartitionReassignmentsRequest>([](const ReceivedRequest&) {
    AlterPartitionReassignmentsResponse response;
    response.error_code = 31;  // CLUSTER_AUTHORIZATION_FAILED
    return response;
  }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  auto result = admin->AlterPartitionReassignments({{{"a", 0}, std::vector<int32_t>{1}}});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(result.status().message(), HasSubstr("CLUSTER_AUTHORIZATION_FAILED"));
}

TEST(ReassignmentTest, NothingToAlterSendsNothing) {
  FakeKafkaServer server;
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  auto result = admin->AlterPartitionReassignments({});
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->empty());
  EXPECT_TRUE(server.requests(AlterPartitionReassignmentsRequest::kApiKey).empty());
}

TEST(ReassignmentTest, ListReturnsOngoingMovesSorted) {
  FakeKafkaServer server(On<ListPartitionReassignmentsRequest>([](const ReceivedRequest&) {
    ListPartitionReassignmentsResponse response;
    ListPartitionReassignmentsResponse::OngoingTopicReassignment b{"b", {{2, {1, 2, 3}, {3}, {1}}}};
    ListPartitionReassignmentsResponse::OngoingTopicReassignment a{"a", {{1, {0, 1}, {1}, {}}}};
    response.topics = {b, a};
    return response;
  }));
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  auto all = admin->ListPartitionReassignments();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].partition, (TopicPartition{"a", 1}));
  EXPECT_EQ((*all)[1].partition, (TopicPartition{"b", 2}));
  EXPECT_THAT((*all)[1].replicas, ElementsAre(1, 2, 3));
  EXPECT_THAT((*all)[1].adding, ElementsAre(3));
  EXPECT_THAT((*all)[1].removing, ElementsAre(1));
  auto sent_all = server.requests(ListPartitionReassignmentsRequest::kApiKey)
                      .at(0)
                      .As<ListPartitionReassignmentsRequest>();
  EXPECT_FALSE(sent_all.topics.has_value());  // null: every partition

  ASSERT_TRUE(
      admin->ListPartitionReassignments(std::vector<TopicPartition>{{"b", 2}, {"b", 0}}).ok());
  auto sent_some = server.requests(ListPartitionReassignmentsRequest::kApiKey)
                       .at(1)
                       .As<ListPartitionReassignmentsRequest>();
  ASSERT_TRUE(sent_some.topics.has_value());
  ASSERT_EQ(sent_some.topics->size(), 1u);
  EXPECT_EQ((*sent_some.topics)[0].name, "b");
  EXPECT_THAT((*sent_some.topics)[0].partition_indexes, ElementsAre(2, 0));
}

TEST(ReassignmentTest, BrokerWithoutTheApisIsUnimplemented) {
  FakeKafkaServer server;
  std::erase_if(server.advertised().api_keys, [](const auto& a) {
    return a.api_key == AlterPartitionReassignmentsRequest::kApiKey ||
           a.api_key == ListPartitionReassignmentsRequest::kApiKey;
  });
  auto admin = ConnectTo(server);
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->ListPartitionReassignments().status().code(), absl::StatusCode::kUnimplemented);
  auto alter = admin->AlterPartitionReassignments({{{"a", 0}, std::vector<int32_t>{1}}});
  EXPECT_EQ(alter.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(KafkaErrorCodeOf(alter.status()), kErrorUnsupportedVersion);
}

}  // namespace
}  // namespace sluice::kafka::client

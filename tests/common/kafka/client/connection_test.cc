// Connection against FakeKafkaServer: framing, version negotiation, correlation ids, and
// every way a response can be wrong (short, hostile, undecodable, late, absent).
#include "common/kafka/client/connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <vector>

#include "absl/time/clock.h"
#include "common/byte_order.h"
#include "common/kafka/client/kafka_error.h"
#include "common/kafka/protocol/messages/create_partitions.h"
#include "common/kafka/protocol/messages/create_topics.h"
#include "common/kafka/protocol/messages/metadata.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/kafka/client/fake_kafka_server.h"

namespace sluice::kafka::client {
namespace {

using testing::FakeKafkaServer;
using ::testing::HasSubstr;
using testing::RawFrame;
using testing::ReceivedRequest;
using testing::Reply;
using testing::ResponseFrame;

ConnectionOptions FastOptions() {
  ConnectionOptions options;
  options.client_id = "connection-test";
  options.connect_timeout = absl::Seconds(5);
  options.request_timeout = absl::Seconds(5);
  return options;
}

void SetRange(FakeKafkaServer& server, int16_t key, int16_t min, int16_t max) {
  auto& apis = server.advertised().api_keys;
  for (auto it = apis.begin(); it != apis.end(); ++it) {
    if (it->api_key == key) {
      apis.erase(it);
      break;
    }
  }
  if (min <= max) apis.push_back({key, min, max});
}

// A handler answering Metadata requests with `bytes(request)` and leaving the rest to
// the defaults.
FakeKafkaServer::Handler OnMetadata(std::function<Reply(const ReceivedRequest&)> fn) {
  return [fn](const ReceivedRequest& r) -> std::optional<Reply> {
    if (r.api_key() != MetadataRequest::kApiKey) return std::nullopt;
    return fn(r);
  };
}

TEST(ConnectionTest, NegotiatesTheHighestVersionBothSidesSupport) {
  FakeKafkaServer server;
  SetRange(server, MetadataRequest::kApiKey, 0, 5);       // below our max 12
  SetRange(server, CreateTopicsRequest::kApiKey, 0, 40);  // above our max 7
  auto conn = Connection::Open(server.address(), FastOptions());
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(*(*conn)->NegotiatedVersion(MetadataRequest::kApiKey), 5);
  EXPECT_EQ(*(*conn)->NegotiatedVersion(CreateTopicsRequest::kApiKey), 7);

  ASSERT_TRUE((*conn)->Call<MetadataResponse>(MetadataRequest{}).ok());
  auto metadata = server.requests(MetadataRequest::kApiKey);
  ASSERT_EQ(metadata.size(), 1u);
  EXPECT_EQ(metadata[0].version(), 5);
  // ApiVersions went first, at our highest version, with the client software name.
  auto api_versions = server.requests(ApiVersionsRequest::kApiKey);
  ASSERT_EQ(api_versions.size(), 1u);
  EXPECT_EQ(api_versions[0].version(), ApiVersionsRequest::kMaxVersion);
  EXPECT_EQ(api_versions[0].As<ApiVersionsRequest>().client_software_name, "sluice-admin");
}

TEST(ConnectionTest, RequestHeadersCarryClientIdAndIncreasingCorrelationIds) {
  FakeKafkaServer server;
  auto conn = Connection::Open(server.address(), FastOptions());
  ASSERT_TRUE(conn.ok()) << conn.status();
  ASSERT_TRUE((*conn)->Call<MetadataResponse>(MetadataRequest{}).ok());
  ASSERT_TRUE((*conn)->Call<MetadataResponse>(MetadataRequest{}).ok());
  auto all = server.requests();
  ASSERT_EQ(all.size(), 3u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].header.client_id, "connection-test");
    if (i > 0) {
      EXPECT_GT(all[i].header.correlation_id, all[i - 1].header.correlation_id);
    }
  }
}

TEST(ConnectionTest, RetriesApiVersionsAtTheBrokersMaximumOnUnsupportedVersion) {
  FakeKafkaServer server([](const ReceivedRequest& r) -> std::optional<Reply> {
    if (r.api_key() != ApiVersionsRequest::kApiKey || r.version() <= 2) return std::nullopt;
    // What Kafka does for a version it does not know: a v0 body with error 35.
    ApiVersionsResponse error;
    error.error_code = kErrorUnsupportedVersion;
    error.api_keys.push_back({ApiVersionsRequest::kApiKey, 0, 2});
    Writer w;
    EncodeResponseFrame(r.header.correlation_id, 0, error, w);
    return Reply::Send(w.Take());
  });
  auto conn = Connection::Open(server.address(), FastOptions());
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto api_versions = server.requests(ApiVersionsRequest::kApiKey);
  ASSERT_EQ(api_versions.size(), 2u);
  EXPECT_EQ(api_versions[0].version(), 4);
  EXPECT_EQ(api_versions[1].version(), 2);
  EXPECT_TRUE((*conn)->Call<MetadataResponse>(MetadataRequest{}).ok());
}

TEST(ConnectionTest, ApiVersionsErrorFailsOpen) {
  FakeKafkaServer server([](const ReceivedRequest& r) -> std::optional<Reply> {
    if (r.api_key() != ApiVersionsRequest::kApiKey) return std::nullopt;
    ApiVersionsResponse error;
    error.error_code = 42;  // INVALID_REQUEST
    return Reply::Send(ResponseFrame(r, error));
  });
  auto conn = Connection::Open(server.address(), FastOptions());
  ASSERT_FALSE(conn.ok());
  EXPECT_THAT(conn.status().message(), HasSubstr("INVALID_REQUEST (42)"));
  EXPECT_EQ(KafkaErrorCodeOf(conn.status()), 42);
}

TEST(ConnectionTest, ApiTheBrokerDoesNotAdvertiseIsUnimplementedAndSendsNothing) {
  FakeKafkaServer server;
  SetRange(server, CreatePartitionsRequest::kApiKey, 1, 0);  // removed
  auto conn = Connection::Open(server.address(), FastOptions());
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto result = (*conn)->Call<CreatePartitionsResponse>(CreatePartitionsRequest{});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(KafkaErrorCodeOf(result.status()), kErrorUnsupportedVersion);
  EXPECT_THAT(result.status().message(), HasSubstr("does not advertise CreatePartitions"));
  EXPECT_TRUE(server.requests(CreatePartitionsRequest::kApiKey).empty());
  EXPECT_FALSE((*conn)->broken());
}

TEST(ConnectionTest, NoVersionInCommonIsUnimplemented) {
  FakeKafkaServer server;
  SetRange(server, CreateTopicsRequest::kApiKey, 8, 9);  // all above our max 7
  auto conn = Connection::Open(server.address(), FastOptions());
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto version = (*conn)->NegotiatedVersion(CreateTopicsRequest::kApiKey);
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(version.status().message(), HasSubstr("no version in common"));
}

TEST(ConnectionTest, CorrelationIdMismatchIsInternalAndClosesTheConnection) {
  FakeKafkaServer server(OnMetadata([](const ReceivedRequest& r) {
    Writer w;
    EncodeResponseFrame(r.header.correlation_id + 7, r.version(), MetadataResponse{}, w);
    return Reply::Send(w.Take());
  }));
  auto conn = Connection::Open(server.address(), FastOptions());
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto result = (*conn)->Call<MetadataResponse>(MetadataRequest{});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(result.status().message(), HasSubstr("correlation id"));
  EXPECT_TRUE((*conn)->broken());
  auto again = (*conn)->Call<MetadataResponse>(MetadataRequest{});
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ConnectionTest, PeerClosingMidResponseIsUnavailable) {
  FakeKafkaServer server(OnMetadata([](const ReceivedRequest&) {
    return Reply::SendThenClose(RawFrame("0123456789", 100));  // claims 100, sends 10
  }));
  auto conn = Connection::Open(server.address(), FastOptions());
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto result = (*conn)->Call<MetadataResponse>(MetadataRequest{});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(result.status().message(), HasSubstr("closed by peer after 10 of 100"));
}

TEST(ConnectionTest, PeerClosingWithoutAnswerIsUnavailable) {
  FakeKafkaServer server(OnMetadata([](const ReceivedRequest&) { return Reply::Close(); }));
  auto conn = Connection::Open(server.address(), FastOptions());
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto result = (*conn)->Call<MetadataResponse>(MetadataRequest{});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
}

TEST(ConnectionTest, HostileFrameLengthsAreInternalErrors) {
  for (int32_t length : {-1, INT32_MIN, 0, 3, 64 << 20 | 1, INT32_MAX}) {
    SCOPED_TRACE(length);
    FakeKafkaServer server(
        OnMetadata([length](const ReceivedRequest&) { return Reply::Send(RawFrame("", length)); }));
    auto conn = Connection::Open(server.address(), FastOptions());
    ASSERT_TRUE(conn.ok()) << conn.status();
    auto result = (*conn)->Call<MetadataResponse>(MetadataRequest{});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
    EXPECT_THAT(result.status().message(), HasSubstr("response frame length"));
  }
}

TEST(ConnectionTest, ResponseSizeCapIsAnOption) {
  FakeKafkaServer server;
  ConnectionOptions options = FastOptions();
  options.max_response_bytes = 16;  // the ApiVersions answer is larger
  auto conn = Connection::Open(server.address(), options);
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), absl::StatusCode::kInternal);
}

TEST(ConnectionTest, TruncatedBodyIsInternal) {
  FakeKafkaServer server(OnMetadata([](const ReceivedRequest& r) {
    MetadataResponse response;
    response.brokers.push_back({1, "broker-1", 9092, std::nullopt});
    std::string frame = ResponseFrame(r, response);
    const std::string payload = frame.substr(4, frame.size() - 4 - 6);  // drop 6 bytes
    return Reply::Send(RawFrame(payload));
  }));
  auto conn = Connection::Open(server.address(), FastOptions());
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto result = (*conn)->Call<MetadataResponse>(MetadataRequest{});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(result.status().message(), HasSubstr("malformed Metadata v12"));
}

TEST(ConnectionTest, TrailingBytesAreInternal) {
  FakeKafkaServer server(OnMetadata([](const ReceivedRequest& r) {
    std::string frame = ResponseFrame(r, MetadataResponse{});
    return Reply::Send(RawFrame(frame.substr(4) + "extra"));
  }));
  auto conn = Connection::Open(server.address(), FastOptions());
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto result = (*conn)->Call<MetadataResponse>(MetadataRequest{});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
}

TEST(ConnectionTest, ShortHeaderIsInternal) {
  FakeKafkaServer server(OnMetadata([](const ReceivedRequest& r) {
    // Metadata v12 has a flexible (v1) response header: correlation id + tagged fields.
    std::string payload;
    AppendBigEndian<int32_t>(&payload, r.header.correlation_id);  // no tag section
    return Reply::Send(RawFrame(payload));
  }));
  auto conn = Connection::Open(server.address(), FastOptions());
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto result = (*conn)->Call<MetadataResponse>(MetadataRequest{});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(result.status().message(), HasSubstr("response header"));
}

TEST(ConnectionTest, RandomBodiesNeverCrash) {
  std::mt19937 rng(20261126);
  int ok = 0, failed = 0;
  FakeKafkaServer server(OnMetadata([&rng](const ReceivedRequest& r) {
    std::string payload;
    AppendBigEndian<int32_t>(&payload, r.header.correlation_id);
    const size_t n = rng() % 200;
    for (size_t i = 0; i < n; ++i) payload.push_back(static_cast<char>(rng() & 0xff));
    return Reply::Send(RawFrame(payload));
  }));
  for (int i = 0; i < 300; ++i) {
    auto conn = Connection::Open(server.address(), FastOptions());
    ASSERT_TRUE(conn.ok()) << conn.status();
    auto result = (*conn)->Call<MetadataResponse>(MetadataRequest{});
    if (result.ok()) {
      ++ok;
    } else {
      ++failed;
      EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal) << result.status();
    }
  }
  EXPECT_GT(failed, 250) << "ok=" << ok;
}

TEST(ConnectionTest, SilentBrokerTimesOut) {
  FakeKafkaServer server(OnMetadata([](const ReceivedRequest&) { return Reply::Silent(); }));
  ConnectionOptions options = FastOptions();
  options.request_timeout = absl::Milliseconds(200);
  auto conn = Connection::Open(server.address(), options);
  ASSERT_TRUE(conn.ok()) << conn.status();
  const absl::Time start = absl::Now();
  auto result = (*conn)->Call<MetadataResponse>(MetadataRequest{});
  const absl::Duration took = absl::Now() - start;
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(result.status().message(), HasSubstr("Metadata v12"));
  EXPECT_GE(took, absl::Milliseconds(150));
  EXPECT_LT(took, absl::Seconds(4));
  EXPECT_TRUE((*conn)->broken());
}

TEST(ConnectionTest, ConnectionRefusedIsUnavailable) {
  uint16_t port = 0;
  {
    FakeKafkaServer server;  // take a free port, then let it go
    port = server.port();
  }
  auto conn = Connection::Open({"127.0.0.1", port}, FastOptions());
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), absl::StatusCode::kUnavailable);
}

TEST(ConnectionTest, ConnectTimeoutIsDeadlineExceeded) {
  // A listener that never accepts, with the smallest backlog: once its accept queue is
  // full the kernel drops further SYNs, so a connect hangs until our deadline.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 0), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const HostPort target{"127.0.0.1", ntohs(addr.sin_port)};
  std::vector<TcpSocket> held;
  absl::Status timed_out;
  for (int i = 0; i < 16 && timed_out.ok(); ++i) {
    const absl::Time start = absl::Now();
    auto sock = TcpSocket::Connect(target, start + absl::Milliseconds(300));
    if (sock.ok()) {
      held.push_back(*std::move(sock));
      continue;
    }
    timed_out = sock.status();
    EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  }
  ::close(fd);
  EXPECT_EQ(timed_out.code(), absl::StatusCode::kDeadlineExceeded) << timed_out;
  EXPECT_THAT(timed_out.message(), HasSubstr("timed out connecting to 127.0.0.1:"));
}

TEST(ConnectionTest, VersionOutsideTheCodecIsRejectedBeforeSending) {
  FakeKafkaServer server;
  auto conn = Connection::Open(server.address(), FastOptions());
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto result = (*conn)->CallAtVersion<CreateTopicsResponse>(CreateTopicsRequest{}, 99);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE((*conn)->broken());
}

}  // namespace
}  // namespace sluice::kafka::client

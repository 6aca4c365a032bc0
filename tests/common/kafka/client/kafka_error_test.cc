#include "common/kafka/client/kafka_error.h"

#include "common/kafka/client/host_port.h"
#include "gtest/gtest.h"

namespace sluice::kafka::client {
namespace {

TEST(KafkaErrorTest, NamesFollowErrorsJava) {
  EXPECT_EQ(KafkaErrorName(-1), "UNKNOWN_SERVER_ERROR");
  EXPECT_EQ(KafkaErrorName(0), "NONE");
  EXPECT_EQ(KafkaErrorName(3), "UNKNOWN_TOPIC_OR_PARTITION");
  EXPECT_EQ(KafkaErrorName(35), "UNSUPPORTED_VERSION");
  EXPECT_EQ(KafkaErrorName(36), "TOPIC_ALREADY_EXISTS");
  EXPECT_EQ(KafkaErrorName(37), "INVALID_PARTITIONS");
  EXPECT_EQ(KafkaErrorName(40), "INVALID_CONFIG");
  EXPECT_EQ(KafkaErrorName(41), "NOT_CONTROLLER");
  EXPECT_EQ(KafkaErrorName(100), "UNKNOWN_TOPIC_ID");
  EXPECT_EQ(KafkaErrorName(133), "SHARE_SESSION_LIMIT_REACHED");
  EXPECT_EQ(KafkaErrorName(134), "UNKNOWN_KAFKA_ERROR");
  EXPECT_EQ(KafkaErrorName(-2), "UNKNOWN_KAFKA_ERROR");
  EXPECT_EQ(KafkaErrorName(INT16_MIN), "UNKNOWN_KAFKA_ERROR");
}

TEST(KafkaErrorTest, StatusCarriesNameMessageContextAndCode) {
  absl::Status s = KafkaErrorStatus(36, "Topic 'orders' already exists.", "create topic orders");
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(s.message(),
            "create topic orders: TOPIC_ALREADY_EXISTS (36): Topic 'orders' already exists.");
  EXPECT_EQ(KafkaErrorCodeOf(s), 36);
}

TEST(KafkaErrorTest, NoneIsOkAndEmptyPartsAreLeftOut) {
  EXPECT_TRUE(KafkaErrorStatus(0, "ignored", "ctx").ok());
  EXPECT_EQ(KafkaErrorStatus(3, std::nullopt, "").message(), "UNKNOWN_TOPIC_OR_PARTITION (3)");
  EXPECT_EQ(KafkaErrorStatus(3, "", "x").message(), "x: UNKNOWN_TOPIC_OR_PARTITION (3)");
  EXPECT_EQ(KafkaErrorStatus(999, std::nullopt, "").message(), "UNKNOWN_KAFKA_ERROR (999)");
}

TEST(KafkaErrorTest, CanonicalCodes) {
  EXPECT_EQ(KafkaErrorStatusCode(3), absl::StatusCode::kNotFound);
  EXPECT_EQ(KafkaErrorStatusCode(100), absl::StatusCode::kNotFound);
  EXPECT_EQ(KafkaErrorStatusCode(37), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KafkaErrorStatusCode(38), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KafkaErrorStatusCode(40), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KafkaErrorStatusCode(35), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(KafkaErrorStatusCode(7), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(KafkaErrorStatusCode(41), absl::StatusCode::kUnavailable);
  EXPECT_EQ(KafkaErrorStatusCode(29), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(KafkaErrorStatusCode(60), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(KafkaErrorStatusCode(-1), absl::StatusCode::kUnknown);
}

TEST(KafkaErrorTest, CodeOfOtherStatusesIsAbsent) {
  EXPECT_EQ(KafkaErrorCodeOf(absl::OkStatus()), std::nullopt);
  EXPECT_EQ(KafkaErrorCodeOf(absl::UnavailableError("connection refused")), std::nullopt);
}

TEST(HostPortTest, ParsesAndPrints) {
  auto a = ParseHostPort("broker-0.sluice.ns.svc:9092");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->host, "broker-0.sluice.ns.svc");
  EXPECT_EQ(a->port, 9092);
  EXPECT_EQ(a->ToString(), "broker-0.sluice.ns.svc:9092");
  auto v6 = ParseHostPort("[::1]:19092");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->ToString(), "[::1]:19092");
}

TEST(HostPortTest, RejectsMalformedAddresses) {
  for (const char* bad : {"", "host", ":9092", "host:", "host:0", "host:65536", "host:9x",
                          "::1:9092", "[::1]9092", "[::1", "host:-1"}) {
    EXPECT_FALSE(ParseHostPort(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace sluice::kafka::client

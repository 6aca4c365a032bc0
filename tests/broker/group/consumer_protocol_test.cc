// File: tests/broker/group/consumer_protocol_test.cc
// Reading subscribed topics out of ConsumerProtocol subscriptions of any version, and
// refusing malformed ones without reading past the end.
#include "broker/group/consumer_protocol.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/broker/group/group_harness.h"

namespace sluice::group {
namespace {

using ::testing::ElementsAre;

TEST(ConsumerProtocolTest, TopicsOfAVersionZeroSubscription) {
  std::optional<std::set<std::string>> topics =
      ParseSubscriptionTopics(testing::Subscription({"orders", "audit", "orders"}));
  ASSERT_TRUE(topics.has_value());
  EXPECT_THAT(*topics, ElementsAre("audit", "orders"));
}

TEST(ConsumerProtocolTest, LaterVersionsAreReadThroughTheirVersionZeroPrefix) {
  // Version 3 (cooperative-sticky, rack): the same prefix, more fields after user data.
  std::string v3 = testing::Subscription({"t"});
  v3[1] = 3;
  v3 += std::string("\x00\x00\x00\x00\x00\x00\x00\x01", 8);
  std::optional<std::set<std::string>> topics = ParseSubscriptionTopics(v3);
  ASSERT_TRUE(topics.has_value());
  EXPECT_THAT(*topics, ElementsAre("t"));
}

TEST(ConsumerProtocolTest, MalformedSubscriptionsAreRefused) {
  EXPECT_FALSE(ParseSubscriptionTopics("").has_value());
  EXPECT_FALSE(ParseSubscriptionTopics(std::string("\xff\xff\x00\x00\x00\x00", 6)).has_value());
  EXPECT_FALSE(ParseSubscriptionTopics(std::string("\x00\x00\x7f\xff\xff\xff", 6)).has_value());
  EXPECT_FALSE(ParseSubscriptionTopics(std::string("\x00\x00\x00\x00\x00\x01\x00\x05"
                                                   "ab",
                                                   10))
                   .has_value());
  EXPECT_FALSE(
      ParseSubscriptionTopics(std::string("\x00\x00\x00\x00\x00\x01\xff\xff", 8)).has_value());
  EXPECT_TRUE(ParseSubscriptionTopics(std::string("\x00\x00\x00\x00\x00\x00", 6))->empty());
}

}  // namespace
}  // namespace sluice::group

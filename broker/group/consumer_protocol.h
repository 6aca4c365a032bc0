// File: broker/group/consumer_protocol.h
// The one thing the coordinator reads out of the otherwise opaque member metadata: the
// topics a consumer subscribes to. Kafka parses the subscription with the version-0 layout,
// which every later version extends (ConsumerProtocolSubscription.json):
//   int16 version, int32 topic count, then per topic int16 length + bytes, ...rest ignored.
// Used for OffsetDelete (GROUP_SUBSCRIBED_TO_TOPIC) and offset expiry of Stable groups.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace sluice::group {

inline constexpr char kConsumerProtocolType[] = "consumer";

// The subscribed topics, or nullopt if `metadata` does not start with a well-formed
// version-0 subscription (negative version, truncated, negative lengths).
std::optional<std::set<std::string>> ParseSubscriptionTopics(std::string_view metadata);

}  // namespace sluice::group

// File: broker/server/config_admin.h
// AlterConfigs (key 33) and IncrementalAlterConfigs (key 44) on one resource, shared by
// both handlers:
//  - TOPIC (2): the keys and values are checked with topic_config (and the resulting log
//    settings with log_config), then TopicTable::AlterConfigs persists and applies them to
//    the running logs. The legacy AlterConfigs replaces the topic's whole explicit set.
//  - BROKER (4): resource name "" is the cluster default, "<node.id>" this broker; only
//    dynamic keys may change (dynamic_config.h).
// Errors are statuses that kafka_errors' ConfigChangeError maps to Kafka's codes.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "broker/server/broker_context.h"
#include "broker/server/config_ops.h"

namespace sluice::server {

inline constexpr int8_t kTopicResource = 2;
inline constexpr int8_t kBrokerResource = 4;
inline constexpr int8_t kBrokerLoggerResource = 8;

// `incremental` selects IncrementalAlterConfigs semantics (ops as given); otherwise every
// op is a SET and keys not named are reset to their defaults.
absl::Status AlterResourceConfigs(BrokerContext& broker, int8_t resource_type,
                                  const std::string& resource_name,
                                  const std::vector<ConfigOp>& ops, bool incremental,
                                  bool validate_only);

}  // namespace sluice::server

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

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "broker/server/broker_context.h"
#include "broker/server/config_ops.h"
#include "broker/server/kafka_errors.h"

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

// Serves a whole AlterConfigs or IncrementalAlterConfigs request: one answer per resource,
// in order; a resource named twice is refused (both times), as Kafka does. `ops_of(resource)`
// gives a resource's operations.
template <typename Response, typename Request, typename OpsOf>
Response AlterEachResource(BrokerContext& broker, const Request& request, bool incremental,
                           OpsOf ops_of) {
  Response response;
  std::map<std::pair<int8_t, std::string>, int> counts;
  for (const auto& r : request.resources) ++counts[{r.resource_type, r.resource_name}];
  for (const auto& resource : request.resources) {
    absl::Status status =
        counts[{resource.resource_type, resource.resource_name}] > 1
            ? absl::FailedPreconditionError("Duplicate resource in request")
            : AlterResourceConfigs(broker, resource.resource_type, resource.resource_name,
                                   ops_of(resource), incremental, request.validate_only);
    typename decltype(response.responses)::value_type out;
    out.resource_type = resource.resource_type;
    out.resource_name = resource.resource_name;
    out.error_code = Code(ConfigChangeError(status));
    out.error_message = status.ok() ? std::nullopt : std::optional<std::string>(status.message());
    response.responses.push_back(std::move(out));
  }
  return response;
}

}  // namespace sluice::server

#include "common/kafka/client/admin_types.h"

#include <utility>

namespace sluice::kafka::client {

AddressMapper MapAddresses(std::map<HostPort, HostPort> table) {
  return [table = std::move(table)](const HostPort& advertised) {
    auto it = table.find(advertised);
    return it == table.end() ? advertised : it->second;
  };
}

absl::string_view ConfigSourceName(ConfigSource source) {
  switch (source) {
    case ConfigSource::kUnknown:
      return "UNKNOWN";
    case ConfigSource::kTopic:
      return "TOPIC_CONFIG";
    case ConfigSource::kDynamicBroker:
      return "DYNAMIC_BROKER_CONFIG";
    case ConfigSource::kDynamicDefaultBroker:
      return "DYNAMIC_DEFAULT_BROKER_CONFIG";
    case ConfigSource::kStaticBroker:
      return "STATIC_BROKER_CONFIG";
    case ConfigSource::kDefault:
      return "DEFAULT_CONFIG";
    case ConfigSource::kDynamicBrokerLogger:
      return "DYNAMIC_BROKER_LOGGER_CONFIG";
    case ConfigSource::kClientMetrics:
      return "CLIENT_METRICS_CONFIG";
    case ConfigSource::kGroup:
      return "GROUP_CONFIG";
  }
  return "UNKNOWN";
}

}  // namespace sluice::kafka::client

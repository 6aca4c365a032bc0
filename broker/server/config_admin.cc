#include "broker/server/config_admin.h"

#include "absl/strings/str_cat.h"
#include "broker/server/dynamic_config.h"
#include "broker/server/topic_config.h"
#include "common/status.h"

namespace sluice::server {
namespace {

absl::Status AlterTopic(BrokerContext& broker, const std::string& name,
                        const std::vector<ConfigOp>& ops, bool incremental, bool validate_only) {
  auto view = broker.topics.Find(name);
  if (!view) return absl::NotFoundError(absl::StrCat("Topic ", name, " does not exist."));
  const auto& current = view->record.configs;
  std::map<std::string, std::optional<std::string>> changes;
  if (incremental) {
    SLUICE_ASSIGN_OR_RETURN(changes, ApplyConfigOps(
                                         current, ops,
                                         [](const std::string& key) {
                                           const TopicConfigDef* def = FindTopicConfig(key);
                                           return def != nullptr && def->type == ConfigType::kList;
                                         },
                                         TopicConfigDefault));
  } else {
    for (const ConfigOp& op : ops) {
      if (!op.value.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("Null value not supported for topic configs: ", op.name));
      }
      if (changes.count(op.name)) {
        return absl::FailedPreconditionError(
            absl::StrCat("Error due to duplicate config keys: ", op.name));
      }
      changes[op.name] = op.value;
    }
    for (const auto& [key, value] : current) {
      if (!changes.count(key)) changes[key] = std::nullopt;
    }
  }
  std::map<std::string, std::string> result = current;
  for (const auto& [key, value] : changes) {
    if (!value.has_value()) {
      result.erase(key);
      continue;
    }
    if (!FindTopicConfig(key)) {
      return absl::InvalidArgumentError(absl::StrCat("Unknown topic config name: ", key));
    }
    SLUICE_RETURN_IF_ERROR(ValidateTopicConfig(key, *value));
    result[key] = *value;
  }
  if (absl::Status usable = TopicTable::CheckLogSettings(result); !usable.ok()) {
    return absl::InvalidArgumentError(usable.message());
  }
  if (validate_only) return absl::OkStatus();
  return broker.topics.AlterConfigs(name, changes);
}

absl::Status AlterBroker(BrokerContext& broker, const std::string& name,
                         const std::vector<ConfigOp>& ops, bool incremental, bool validate_only) {
  DynamicBrokerConfig& dynamic = broker.dynamic_config;
  BrokerScope scope = BrokerScope::kThisBroker;
  if (name.empty()) {
    scope = BrokerScope::kClusterDefault;
  } else if (name != std::to_string(dynamic.node_id())) {
    return absl::FailedPreconditionError(absl::StrCat("Unexpected broker id, expected ",
                                                      dynamic.node_id(),
                                                      " or empty string, but received ", name));
  }
  std::map<std::string, std::optional<std::string>> changes;
  if (incremental) {
    const BrokerConfig current = dynamic.Current();
    SLUICE_ASSIGN_OR_RETURN(
        changes,
        ApplyConfigOps(
            dynamic.Overrides(scope), ops, [](const std::string&) { return false; },
            [&current](const std::string& key) { return BrokerConfigValues(current)[key]; }));
  } else {
    for (const ConfigOp& op : ops) {
      if (changes.count(op.name)) {
        return absl::FailedPreconditionError(
            absl::StrCat("Error due to duplicate config keys: ", op.name));
      }
      changes[op.name] = op.value;
    }
  }
  absl::Status altered = dynamic.Alter(scope, changes, /*replace_all=*/!incremental, validate_only);
  // Kafka reports every refused broker config change as INVALID_REQUEST (KAFKA-13609).
  if (altered.code() == absl::StatusCode::kInvalidArgument) {
    return absl::FailedPreconditionError(altered.message());
  }
  return altered;
}

}  // namespace

absl::Status AlterResourceConfigs(BrokerContext& broker, int8_t resource_type,
                                  const std::string& resource_name,
                                  const std::vector<ConfigOp>& ops, bool incremental,
                                  bool validate_only) {
  switch (resource_type) {
    case kTopicResource:
      return AlterTopic(broker, resource_name, ops, incremental, validate_only);
    case kBrokerResource:
      return AlterBroker(broker, resource_name, ops, incremental, validate_only);
    case kBrokerLoggerResource:
      return absl::FailedPreconditionError("broker logger configs are not supported");
    default:
      return absl::FailedPreconditionError(
          absl::StrCat("unsupported resource type ", resource_type));
  }
}

}  // namespace sluice::server

#include "broker/server/handlers/describe_configs.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "broker/server/config_admin.h"
#include "broker/server/dynamic_config.h"
#include "broker/server/kafka_errors.h"
#include "broker/server/topic_config.h"

namespace sluice::server::handlers {

using Request = kafka::DescribeConfigsRequest;
using Response = kafka::DescribeConfigsResponse;

namespace {

bool Wanted(const Request::DescribeConfigsResource& resource, const std::string& name) {
  if (!resource.configuration_keys.has_value()) return true;
  const auto& keys = *resource.configuration_keys;
  return std::find(keys.begin(), keys.end(), name) != keys.end();
}

// Kafka shows an unset value (log.retention.ms by default) as null.
std::optional<std::string> Shown(const std::string& value) {
  return value.empty() ? std::nullopt : std::optional<std::string>(value);
}

// `levels` lists the value at each level, highest precedence first; `value` and `source`
// are the value in force.
Response::DescribeConfigsResourceResult Entry(const std::string& name, const std::string& value,
                                              ConfigSource source, bool read_only, ConfigType type,
                                              const std::string& doc,
                                              const std::vector<ConfigLevel>& levels,
                                              const Request& request) {
  Response::DescribeConfigsResourceResult c;
  c.name = name;
  c.value = Shown(value);
  c.read_only = read_only;
  c.config_source = static_cast<int8_t>(source);
  c.is_sensitive = false;
  c.config_type = static_cast<int8_t>(type);
  if (request.include_documentation) c.documentation = doc;
  if (request.include_synonyms) {
    for (const ConfigLevel& level : levels) {
      Response::DescribeConfigsSynonym synonym;
      synonym.name = level.name;
      synonym.value = Shown(level.value);
      synonym.source = static_cast<int8_t>(level.source);
      c.synonyms.push_back(std::move(synonym));
    }
  }
  return c;
}

// A topic config's levels: the topic's own value, then the broker keys it defaults to
// (dynamic and static levels of each), then one built-in default.
std::vector<ConfigLevel> TopicLevels(const TopicConfigDef& def,
                                     const std::map<std::string, std::string>& set,
                                     const DynamicBrokerConfig& dynamic) {
  std::vector<ConfigLevel> levels;
  if (auto it = set.find(def.name); it != set.end()) {
    levels.push_back({def.name, it->second, ConfigSource::kTopicConfig});
  }
  const auto& synonyms = BrokerSynonymsOfTopicConfig(def.name);
  for (const std::string& key : synonyms) {
    for (const ConfigLevel& level : dynamic.Levels(key)) {
      if (level.source != ConfigSource::kDefaultConfig) levels.push_back(level);
    }
  }
  if (synonyms.empty()) {
    levels.push_back({def.name, def.default_value, ConfigSource::kDefaultConfig});
  } else {
    levels.push_back(dynamic.Levels(synonyms.back()).back());
  }
  return levels;
}

void DescribeTopic(const Request& request, const Request::DescribeConfigsResource& resource,
                   const TopicView& view, const DynamicBrokerConfig& dynamic,
                   Response::DescribeConfigsResult& result) {
  const auto& set = view.record.configs;
  for (const auto& def : TopicConfigDefs()) {
    if (!Wanted(resource, def.name)) continue;
    std::vector<ConfigLevel> levels = TopicLevels(def, set, dynamic);
    // The value in force; a broker default is converted (log.retention.hours -> ms).
    std::string value = EffectiveTopicConfig(set, def.name);
    result.configs.push_back(
        Entry(def.name, value, levels.front().source, false, def.type, def.doc, levels, request));
  }
}

void DescribeBroker(const Request& request, const Request::DescribeConfigsResource& resource,
                    const DynamicBrokerConfig& dynamic, Response::DescribeConfigsResult& result) {
  for (const auto& key : BrokerConfigKeys()) {
    if (!Wanted(resource, key.key)) continue;
    std::vector<ConfigLevel> levels = dynamic.Levels(key.key);
    if (resource.resource_name.empty()) {
      // The cluster-default entity: what a broker without its own dynamic value gets.
      std::erase_if(levels, [](const ConfigLevel& l) {
        return l.source == ConfigSource::kDynamicBrokerConfig;
      });
    }
    result.configs.push_back(Entry(key.key, levels.front().value, levels.front().source,
                                   !IsDynamicBrokerKey(key.key), ConfigType::kString, key.doc,
                                   levels, request));
  }
}

}  // namespace

Response DescribeConfigsHandler::ServeNow(const RequestContext&, const Request& request) {
  Response response;
  for (const auto& resource : request.resources) {
    Response::DescribeConfigsResult result;
    result.resource_type = resource.resource_type;
    result.resource_name = resource.resource_name;
    if (resource.resource_type == kTopicResource) {
      auto view = broker_.topics.Find(resource.resource_name);
      if (!view) {
        result.error_code = Code(KafkaError::kUnknownTopicOrPartition);
        result.error_message = absl::StrCat("Topic ", resource.resource_name, " does not exist.");
      } else {
        DescribeTopic(request, resource, *view, broker_.dynamic_config, result);
      }
    } else if (resource.resource_type == kBrokerResource) {
      if (resource.resource_name != std::to_string(broker_.config.node_id) &&
          !resource.resource_name.empty()) {
        result.error_code = Code(KafkaError::kInvalidRequest);
        result.error_message =
            absl::StrCat("Unexpected broker id, expected ", broker_.config.node_id,
                         " or empty string, but received ", resource.resource_name);
      } else {
        DescribeBroker(request, resource, broker_.dynamic_config, result);
      }
    } else if (resource.resource_type == kBrokerLoggerResource) {
      result.error_code = Code(KafkaError::kInvalidRequest);
      result.error_message = "broker logger configs are not supported";
    } else {
      result.error_code = Code(KafkaError::kInvalidRequest);
      result.error_message = absl::StrCat("unsupported resource type ", resource.resource_type);
    }
    response.results.push_back(std::move(result));
  }
  return response;
}

}  // namespace sluice::server::handlers

#include "broker/server/handlers/describe_configs.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "broker/server/kafka_errors.h"
#include "broker/server/topic_config.h"

namespace sluice::server::handlers {

using Request = kafka::DescribeConfigsRequest;
using Response = kafka::DescribeConfigsResponse;

namespace {

constexpr int8_t kTopicResource = 2;
constexpr int8_t kBrokerResource = 4;
constexpr int8_t kBrokerLoggerResource = 8;

bool Wanted(const Request::DescribeConfigsResource& resource, const std::string& name) {
  if (!resource.configuration_keys.has_value()) return true;
  const auto& keys = *resource.configuration_keys;
  return std::find(keys.begin(), keys.end(), name) != keys.end();
}

Response::DescribeConfigsResourceResult Entry(const std::string& name, const std::string& value,
                                              ConfigSource source, ConfigType type,
                                              const std::string& doc, const Request& request) {
  Response::DescribeConfigsResourceResult c;
  c.name = name;
  c.value = value;
  c.read_only = false;
  c.config_source = static_cast<int8_t>(source);
  c.is_sensitive = false;
  c.config_type = static_cast<int8_t>(type);
  if (request.include_documentation) c.documentation = doc;
  if (request.include_synonyms) {
    Response::DescribeConfigsSynonym synonym;
    synonym.name = name;
    synonym.value = value;
    synonym.source = static_cast<int8_t>(source);
    c.synonyms.push_back(std::move(synonym));
  }
  return c;
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
        const auto& set = view->record.configs;
        for (const auto& def : TopicConfigDefs()) {
          if (!Wanted(resource, def.name)) continue;
          auto it = set.find(def.name);
          bool explicit_value = it != set.end();
          result.configs.push_back(
              Entry(def.name, explicit_value ? it->second : def.default_value,
                    explicit_value ? ConfigSource::kTopicConfig : ConfigSource::kDefaultConfig,
                    def.type, def.doc, request));
        }
      }
    } else if (resource.resource_type == kBrokerResource) {
      if (resource.resource_name != std::to_string(broker_.config.node_id) &&
          !resource.resource_name.empty()) {
        result.error_code = Code(KafkaError::kInvalidRequest);
        result.error_message =
            absl::StrCat("Unexpected broker id, expected ", broker_.config.node_id,
                         " or empty string, but received ", resource.resource_name);
      } else {
        auto values = BrokerConfigValues(broker_.config);
        for (const auto& key : BrokerConfigKeys()) {
          if (!Wanted(resource, key.key)) continue;
          result.configs.push_back(Entry(key.key, values[key.key],
                                         ConfigSource::kStaticBrokerConfig, ConfigType::kString,
                                         key.doc, request));
        }
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

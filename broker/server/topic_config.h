// File: broker/server/topic_config.h
// The topic-level configs Sluice knows, with Kafka's names, types and defaults, and
// validation of values that clients send (CreateTopics, later AlterConfigs).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace sluice::server {

// Kafka's DescribeConfigs ConfigType numbering.
enum class ConfigType : int8_t {
  kBoolean = 1,
  kString = 2,
  kInt = 3,
  kLong = 5,
  kDouble = 6,
  kList = 7,
};

struct TopicConfigDef {
  std::string name;
  ConfigType type;
  std::string default_value;
  std::string doc;
  std::vector<std::string> allowed;  // for enumerated strings and list elements; empty = any
  std::optional<int64_t> min;        // for numbers
};

// Every topic config, sorted by name.
const std::vector<TopicConfigDef>& TopicConfigDefs();
const TopicConfigDef* FindTopicConfig(const std::string& name);

// kInvalidArgument, naming the key and the reason, for an unknown key or a value that
// does not fit the key's type, range or allowed values.
absl::Status ValidateTopicConfig(const std::string& name, const std::string& value);

// The broker-level values that replace built-in topic defaults (Kafka's synonyms:
// log.retention.ms -> retention.ms, message.max.bytes -> max.message.bytes, ...), keyed by
// topic config name. Process-wide, because one process runs one broker; the broker sets it
// at start-up and after every dynamic broker config change (dynamic_config.h).
// Thread-safe.
void SetBrokerTopicDefaults(std::map<std::string, std::string> defaults);
// The default of one topic config: the broker-level value if set, else the built-in one.
std::string TopicConfigDefault(const std::string& name);

// The value in force: the topic's own setting, else TopicConfigDefault.
std::string EffectiveTopicConfig(const std::map<std::string, std::string>& topic_configs,
                                 const std::string& name);

// Typed accessors over EffectiveTopicConfig for values already validated.
int64_t TopicConfigInt(const std::map<std::string, std::string>& topic_configs,
                       const std::string& name);
double TopicConfigDouble(const std::map<std::string, std::string>& topic_configs,
                         const std::string& name);

}  // namespace sluice::server

namespace sluice::server {

// Kafka's DescribeConfigs ConfigSource numbering.
enum class ConfigSource : int8_t {
  kTopicConfig = 1,
  kDynamicBrokerConfig = 2,
  kDynamicDefaultBrokerConfig = 3,
  kStaticBrokerConfig = 4,
  kDefaultConfig = 5,
};

}  // namespace sluice::server

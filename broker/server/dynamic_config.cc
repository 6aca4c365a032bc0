#include "broker/server/dynamic_config.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "broker/log/log_config.h"
#include "common/log.h"
#include "common/status.h"

namespace sluice::server {
namespace {

constexpr char kDefaultEntity[] = "<default>";

}  // namespace

const std::vector<std::string>& DynamicBrokerKeys() {
  // Kafka's DynamicLogConfig keys Sluice implements, plus message.max.bytes and the log
  // cleaner's log.cleaner.backoff.ms (read before every wait of the cleaner task).
  static const std::vector<std::string> keys = {
      "log.cleaner.backoff.ms", "log.index.interval.bytes", "log.retention.bytes",
      "log.retention.hours",    "log.retention.minutes",    "log.retention.ms",
      "log.segment.bytes",      "log.segment.ms",           "message.max.bytes",
  };
  return keys;
}

bool IsDynamicBrokerKey(const std::string& key) {
  const auto& keys = DynamicBrokerKeys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

const std::vector<std::string>& BrokerSynonymsOfTopicConfig(const std::string& topic_key) {
  static const std::map<std::string, std::vector<std::string>> synonyms = {
      {"retention.ms", {"log.retention.ms", "log.retention.minutes", "log.retention.hours"}},
      {"retention.bytes", {"log.retention.bytes"}},
      {"segment.bytes", {"log.segment.bytes"}},
      {"segment.ms", {"log.segment.ms"}},
      {"max.message.bytes", {"message.max.bytes"}},
      {"index.interval.bytes", {"log.index.interval.bytes"}},
      {"flush.messages", {"log.flush.interval.messages"}},
  };
  static const std::vector<std::string> none;
  auto it = synonyms.find(topic_key);
  return it == synonyms.end() ? none : it->second;
}

std::map<std::string, std::string> TopicDefaultsFrom(const BrokerConfig& c) {
  return {
      {"retention.ms", std::to_string(c.EffectiveRetentionMs())},
      {"retention.bytes", std::to_string(c.log_retention_bytes)},
      {"segment.bytes", std::to_string(c.segment_bytes)},
      {"segment.ms", std::to_string(c.segment_ms)},
      {"max.message.bytes", std::to_string(c.message_max_bytes)},
      {"index.interval.bytes", std::to_string(c.log_index_interval_bytes)},
      {"flush.messages", std::to_string(c.log_flush_interval_messages)},
  };
}

DynamicBrokerConfig::DynamicBrokerConfig(const BrokerConfig& static_config,
                                         metadata::MetadataStore& store)
    : static_(static_config),
      static_values_(BrokerConfigValues(static_config)),
      builtin_values_(BrokerConfigValues(BrokerConfig{})),
      store_(store),
      current_(static_config) {}

std::string DynamicBrokerConfig::StoreKey(BrokerScope scope, const std::string& key) const {
  return scope == BrokerScope::kClusterDefault ? absl::StrCat(kDefaultEntity, ":", key)
                                               : absl::StrCat(static_.node_id, ":", key);
}

BrokerConfig DynamicBrokerConfig::Compose(const BrokerConfig& base,
                                          const std::map<std::string, std::string>& defaults,
                                          const std::map<std::string, std::string>& node) {
  BrokerConfig out = base;
  for (const auto* layer : {&defaults, &node}) {
    for (const auto& [key, value] : *layer) {
      if (absl::Status s = SetBrokerConfigKey(out, key, value); !s.ok()) {
        SLUICE_LOG(kWarn) << "ignoring dynamic broker config " << key << "=" << value << ": "
                          << s.message();
      }
    }
  }
  return out;
}

absl::Status DynamicBrokerConfig::Load() {
  SLUICE_ASSIGN_OR_RETURN(auto stored, store_.GetBrokerConfigs());
  std::map<std::string, std::string> defaults, node;
  const std::string node_prefix = absl::StrCat(static_.node_id, ":");
  const std::string default_prefix = absl::StrCat(kDefaultEntity, ":");
  for (const auto& [key, value] : stored) {
    if (absl::StartsWith(key, default_prefix)) {
      defaults[key.substr(default_prefix.size())] = value;
    } else if (absl::StartsWith(key, node_prefix)) {
      node[key.substr(node_prefix.size())] = value;
    }
  }
  BrokerConfig current = Compose(static_, defaults, node);
  {
    absl::MutexLock lock(&mu_);
    cluster_default_ = std::move(defaults);
    this_broker_ = std::move(node);
    current_ = current;
  }
  SetBrokerTopicDefaults(TopicDefaultsFrom(current));
  if (!stored.empty()) {
    SLUICE_LOG(kInfo) << "loaded " << stored.size() << " dynamic broker configs";
  }
  return absl::OkStatus();
}

BrokerConfig DynamicBrokerConfig::Current() const {
  absl::ReaderMutexLock lock(&mu_);
  return current_;
}

std::map<std::string, std::string> DynamicBrokerConfig::Overrides(BrokerScope scope) const {
  absl::ReaderMutexLock lock(&mu_);
  return scope == BrokerScope::kClusterDefault ? cluster_default_ : this_broker_;
}

absl::Status DynamicBrokerConfig::Alter(
    BrokerScope scope, const std::map<std::string, std::optional<std::string>>& values,
    bool replace_all, bool validate_only) {
  absl::MutexLock serial(&alter_mu_);
  std::vector<std::string> read_only;
  for (const auto& [key, value] : values) {
    if (!static_values_.count(key)) {
      return absl::InvalidArgumentError(absl::StrCat("Unknown broker config: ", key));
    }
    if (!IsDynamicBrokerKey(key)) read_only.push_back(key);
  }
  if (!read_only.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("Cannot update these configs dynamically: Set(",
                                                   absl::StrJoin(read_only, ", "), ")"));
  }
  std::map<std::string, std::string> defaults, node;
  {
    absl::ReaderMutexLock lock(&mu_);
    defaults = cluster_default_;
    node = this_broker_;
  }
  std::map<std::string, std::string>& target =
      scope == BrokerScope::kClusterDefault ? defaults : node;
  std::vector<metadata::MetadataChange> changes;
  if (replace_all) {
    for (const auto& [key, value] : target) {
      if (!values.count(key))
        changes.push_back(metadata::SetBrokerConfig{StoreKey(scope, key), {}});
    }
    target.clear();
  }
  BrokerConfig probe = static_;
  for (const auto& [key, value] : values) {
    if (value.has_value()) {
      // Each value must parse on its own, with Kafka's wording.
      if (absl::Status s = SetBrokerConfigKey(probe, key, *value); !s.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("Invalid value ", *value, " for configuration ", key, ": ", s.message()));
      }
      target[key] = *value;
    } else {
      target.erase(key);
    }
    changes.push_back(metadata::SetBrokerConfig{StoreKey(scope, key), value});
  }
  BrokerConfig current = Compose(static_, defaults, node);
  // The log settings the new defaults give must be usable by every log.
  log::LogConfig log_config;
  log_config.segment_bytes = current.segment_bytes;
  log_config.segment_ms = current.segment_ms;
  log_config.index_interval_bytes = current.log_index_interval_bytes;
  if (absl::Status usable = log::ValidateLogConfig(log_config); !usable.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid broker log settings: ", usable.message()));
  }
  if (validate_only || changes.empty()) return absl::OkStatus();
  SLUICE_RETURN_IF_ERROR(store_.Apply(changes));
  {
    absl::MutexLock lock(&mu_);
    cluster_default_ = std::move(defaults);
    this_broker_ = std::move(node);
    current_ = current;
  }
  SetBrokerTopicDefaults(TopicDefaultsFrom(current));
  SLUICE_LOG(kInfo) << "dynamic broker configs changed ("
                    << (scope == BrokerScope::kClusterDefault ? "cluster default" : "this broker")
                    << ", " << changes.size() << " keys)";
  if (listener_) listener_();
  return absl::OkStatus();
}

std::vector<ConfigLevel> DynamicBrokerConfig::Levels(const std::string& key) const {
  std::vector<ConfigLevel> out;
  {
    absl::ReaderMutexLock lock(&mu_);
    if (auto it = this_broker_.find(key); it != this_broker_.end()) {
      out.push_back({key, it->second, ConfigSource::kDynamicBrokerConfig});
    }
    if (auto it = cluster_default_.find(key); it != cluster_default_.end()) {
      out.push_back({key, it->second, ConfigSource::kDynamicDefaultBrokerConfig});
    }
  }
  auto s = static_values_.find(key);
  auto b = builtin_values_.find(key);
  const std::string builtin = b == builtin_values_.end() ? "" : b->second;
  if (s != static_values_.end() && s->second != builtin) {
    out.push_back({key, s->second, ConfigSource::kStaticBrokerConfig});
  }
  out.push_back({key, builtin, ConfigSource::kDefaultConfig});
  return out;
}

}  // namespace sluice::server

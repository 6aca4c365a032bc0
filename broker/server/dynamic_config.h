// File: broker/server/dynamic_config.h
// Dynamic broker configs: the values AlterConfigs and IncrementalAlterConfigs set on a
// BROKER resource at run time, persisted in the metadata store (SetBrokerConfig records)
// and layered over the static configuration (file and flags, broker_config.h).
//
// Precedence, as in Kafka (DescribeConfigs shows the source of each value):
//   DYNAMIC_BROKER_CONFIG          resource name "<node.id>": this broker only
//   DYNAMIC_DEFAULT_BROKER_CONFIG  resource name "": the cluster-wide default
//   STATIC_BROKER_CONFIG           a value from the config file or a flag
//   DEFAULT_CONFIG                 the built-in default
// Only the keys in DynamicBrokerKeys() may change at run time; the others are refused
// with Kafka's message ("Cannot update these configs dynamically: Set(...)").
//
// Topic defaults follow the broker: every change republishes the topic-config defaults
// (SetBrokerTopicDefaults in topic_config.h) and then calls the change listener, which
// the broker uses to re-apply log settings to running logs.
//
// Stored keys: "<node.id>:<key>" and "<default>:<key>" in the broker-config namespace.
// Thread-safety: internally synchronized; Alter calls are serialized.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "broker/metadata/metadata_store.h"
#include "broker/server/broker_config.h"
#include "broker/server/topic_config.h"

namespace sluice::server {

enum class BrokerScope { kThisBroker, kClusterDefault };

// One level of a config value, for DescribeConfigs synonyms.
struct ConfigLevel {
  std::string name;  // the broker key (or the topic key for TOPIC_CONFIG)
  std::string value;
  ConfigSource source;
};

// The keys that may change at run time.
const std::vector<std::string>& DynamicBrokerKeys();
bool IsDynamicBrokerKey(const std::string& key);

// The broker keys whose values are the defaults of a topic config, highest precedence
// first (retention.ms: log.retention.ms, log.retention.minutes, log.retention.hours).
// Empty for topic configs without a broker synonym.
const std::vector<std::string>& BrokerSynonymsOfTopicConfig(const std::string& topic_key);

// Topic config defaults implied by a broker configuration (for SetBrokerTopicDefaults).
std::map<std::string, std::string> TopicDefaultsFrom(const BrokerConfig& config);

class DynamicBrokerConfig {
 public:
  // `store` must outlive this object.
  DynamicBrokerConfig(const BrokerConfig& static_config, metadata::MetadataStore& store);

  // Reads the stored dynamic values and publishes the topic defaults. Stored values that
  // no longer parse are skipped with a warning. Call once at start-up.
  absl::Status Load();

  // The configuration in force (static with the dynamic values applied).
  BrokerConfig Current() const;

  // Values explicitly set at `scope`.
  std::map<std::string, std::string> Overrides(BrokerScope scope) const;

  // Replaces the values at `scope` by `values` (keys absent are removed when
  // `replace_all`, else kept; a nullopt value removes the key). Validates first:
  // kInvalidArgument with Kafka's message for a key that is not dynamic or unknown, or
  // a value that does not parse. With `validate_only` nothing changes. Storage errors
  // come from the metadata store.
  absl::Status Alter(BrokerScope scope,
                     const std::map<std::string, std::optional<std::string>>& values,
                     bool replace_all, bool validate_only);

  // Every level at which `key` has a value, highest precedence first; always ends with
  // the built-in DEFAULT_CONFIG level. The first entry is the value in force.
  std::vector<ConfigLevel> Levels(const std::string& key) const;

  // Called after each successful Alter (not under the lock). Set before serving.
  void SetChangeListener(std::function<void()> listener) { listener_ = std::move(listener); }

  int32_t node_id() const { return static_.node_id; }

 private:
  std::string StoreKey(BrokerScope scope, const std::string& key) const;
  static BrokerConfig Compose(const BrokerConfig& base,
                              const std::map<std::string, std::string>& defaults,
                              const std::map<std::string, std::string>& node);

  const BrokerConfig static_;
  const std::map<std::string, std::string> static_values_;
  const std::map<std::string, std::string> builtin_values_;
  metadata::MetadataStore& store_;
  std::function<void()> listener_;

  absl::Mutex alter_mu_;  // serializes Alter
  mutable absl::Mutex mu_;
  std::map<std::string, std::string> cluster_default_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> this_broker_ ABSL_GUARDED_BY(mu_);
  BrokerConfig current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::server

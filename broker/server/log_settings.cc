#include "broker/server/log_settings.h"

#include <algorithm>
#include <limits>

#include "broker/server/topic_config.h"

namespace sluice::server {

log::LogConfig TopicLogConfig(const std::map<std::string, std::string>& topic_configs,
                              const log::LogConfig& base) {
  log::LogConfig config = base;
  config.segment_bytes = TopicConfigInt(topic_configs, "segment.bytes");
  config.segment_ms = TopicConfigInt(topic_configs, "segment.ms");
  config.index_interval_bytes = static_cast<int32_t>(
      std::clamp<int64_t>(TopicConfigInt(topic_configs, "index.interval.bytes"), 0,
                          std::numeric_limits<int32_t>::max()));
  // 8 bytes per offset-index entry, as Kafka sizes the index.
  config.max_index_entries = static_cast<int32_t>(
      std::max<int64_t>(1, TopicConfigInt(topic_configs, "segment.index.bytes") / 8));
  config.synced_per_append = TopicConfigInt(topic_configs, "flush.messages") == 1;
  return config;
}

log::RetentionPolicy TopicRetentionPolicy(const std::map<std::string, std::string>& topic_configs) {
  log::RetentionPolicy policy;
  if (EffectiveTopicConfig(topic_configs, "cleanup.policy").find("delete") == std::string::npos) {
    return policy;
  }
  policy.retention_ms = TopicConfigInt(topic_configs, "retention.ms");
  policy.retention_bytes = TopicConfigInt(topic_configs, "retention.bytes");
  return policy;
}

std::optional<log::CompactionPolicy> TopicCompactionPolicy(
    const std::map<std::string, std::string>& topic_configs) {
  if (EffectiveTopicConfig(topic_configs, "cleanup.policy").find("compact") == std::string::npos) {
    return std::nullopt;
  }
  log::CompactionPolicy policy;
  policy.delete_retention_ms = TopicConfigInt(topic_configs, "delete.retention.ms");
  policy.min_compaction_lag_ms = TopicConfigInt(topic_configs, "min.compaction.lag.ms");
  policy.min_cleanable_dirty_ratio = TopicConfigDouble(topic_configs, "min.cleanable.dirty.ratio");
  return policy;
}

}  // namespace sluice::server

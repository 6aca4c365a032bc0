// File: broker/server/log_settings.h
// How a topic's configs (topic_config.h: its own values, else the broker's defaults)
// become the settings of its partition logs: the LogConfig of appends and rolls, and
// the RetentionPolicy the retention task applies.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "broker/log/log_config.h"
#include "broker/log/partition_log.h"

namespace sluice::server {

// segment.bytes, segment.ms, index.interval.bytes, segment.index.bytes and flush.messages
// (synced_per_append when it is 1) over `base`, which supplies the fields topics cannot set.
log::LogConfig TopicLogConfig(const std::map<std::string, std::string>& topic_configs,
                              const log::LogConfig& base = {});

// retention.ms and retention.bytes; both -1 (keep everything) unless cleanup.policy
// contains "delete", because a compact-only topic is never trimmed by retention.
log::RetentionPolicy TopicRetentionPolicy(const std::map<std::string, std::string>& topic_configs);

// delete.retention.ms, min.compaction.lag.ms and min.cleanable.dirty.ratio if
// cleanup.policy contains "compact" ("compact" or "compact,delete"), else nullopt.
std::optional<log::CompactionPolicy> TopicCompactionPolicy(
    const std::map<std::string, std::string>& topic_configs);

}  // namespace sluice::server

// File: broker/server/broker_config.h
// The broker's static configuration: every key, its default, and how it is read from a
// properties file and from command-line flags.
//
// Sources, later ones winning: built-in defaults, `--config FILE` (Kafka-style
// `key=value` lines, `#` comments), then flags. A flag is the key with dots turned into
// dashes: `--data-dir DIR` or `--data-dir=DIR` sets `data.dir`. Unknown keys and values
// that do not parse are errors that name the key, so a typo never goes unnoticed.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "broker/group/group_types.h"

namespace sluice::server {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
};

// Parses "host:port" (host may be empty for all interfaces, or a bracketed IPv6 address).
absl::StatusOr<HostPort> ParseHostPort(const std::string& text);

struct BrokerConfig {
  std::string data_dir = "data";
  HostPort listener{"127.0.0.1", 9092};
  HostPort advertised_listener{"", 0};  // empty host: same as listener
  HostPort http_listener{"127.0.0.1", 8090};
  int32_t node_id = 0;
  int32_t io_threads = 2;
  bool auto_create_topics = true;
  int32_t num_partitions = 1;
  int16_t default_replication_factor = 1;
  int64_t segment_bytes = 1 << 30;
  int64_t segment_ms = 7LL * 24 * 3600 * 1000;
  int32_t message_max_bytes = 1048588;
  int32_t socket_request_max_bytes = 100 * 1024 * 1024;
  int32_t max_inflight_requests_per_connection = 100;
  int32_t log_index_interval_bytes = 4096;
  // Retention defaults of topics (Kafka's keys; the first one set of ms, minutes, hours
  // wins; -1 keeps data forever). See EffectiveRetentionMs().
  std::optional<int64_t> log_retention_ms;
  std::optional<int32_t> log_retention_minutes;
  int32_t log_retention_hours = 168;
  int64_t log_retention_bytes = -1;
  int64_t log_retention_check_interval_ms = 300000;
  // The log cleaner (compaction of cleanup.policy=compact topics; cleaner_task.h).
  bool log_cleaner_enable = true;
  int64_t log_cleaner_backoff_ms = 15000;
  int64_t log_cleaner_dedupe_buffer_size = int64_t{128} << 20;
  std::string log_level = "info";
  // Default of the topic config flush.messages: 1 makes acknowledgements wait for
  // fdatasync (durable mode); N > 1 syncs in the background every N records.
  int64_t log_flush_interval_messages = std::numeric_limits<int64_t>::max();
  // Appended bytes of a partition after which a background thread starts their disk
  // write (broker/log/write_behind.h); 0 leaves it to the kernel, which writes a file's
  // pages all at once when they turn 30 s old and stalls appends meanwhile (see
  // broker/log/README.md). Not used for topics with flush.messages=1.
  int64_t log_write_behind_bytes = int64_t{1} << 20;

  // Consumer groups (Kafka's keys and defaults; see broker/group/group_types.h).
  int32_t group_min_session_timeout_ms = 6000;
  int32_t group_max_session_timeout_ms = 1800000;
  int32_t group_initial_rebalance_delay_ms = 3000;
  int32_t offset_metadata_max_bytes = 4096;
  int32_t offsets_retention_minutes = 7 * 24 * 60;
  int64_t offsets_retention_check_interval_ms = 600000;

  // log.retention.ms, else log.retention.minutes, else log.retention.hours, in ms.
  int64_t EffectiveRetentionMs() const;
  // The listener clients should dial, as announced in Metadata.
  HostPort Advertised() const;
  // The group coordinator's settings from the keys above.
  group::GroupConfig Groups() const;
};

// One documented key, for --help, DescribeConfigs and the README.
struct ConfigKeyDoc {
  std::string key;
  std::string default_value;
  std::string doc;
};
const std::vector<ConfigKeyDoc>& BrokerConfigKeys();

// The value in force of every key, formatted as in a properties file.
std::map<std::string, std::string> BrokerConfigValues(const BrokerConfig& config);

// Applies `key`=`value` to `config`. Errors name the key and the expected form.
absl::Status SetBrokerConfigKey(BrokerConfig& config, const std::string& key,
                                const std::string& value);

// Reads a properties file into key/value pairs (no validation of keys).
absl::StatusOr<std::map<std::string, std::string>> ReadPropertiesFile(const std::string& path);

// Builds a config from argv (argv[0] is skipped). `--help` yields kCancelled with the
// usage text as message, for the caller to print; `--version` likewise with
// "sluice-broker <version>\n".
absl::StatusOr<BrokerConfig> ParseBrokerFlags(int argc, char** argv);

std::string BrokerUsage();

}  // namespace sluice::server

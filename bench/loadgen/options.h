#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace sluice::bench {

// Everything sluice-loadgen does is decided here; `sluice-loadgen --help` prints the same list.
struct Options {
  std::string bootstrap;  // host:port
  std::string topic;

  // Topic administration, done before (create, alter) and after (delete) the load.
  bool create_topic = false;
  int partitions = 100;
  int replication_factor = 1;
  std::vector<std::pair<std::string, std::string>> topic_configs;
  // After the create (if any), set the existing topic's configs to exactly topic_configs
  // (AlterConfigs: a config not listed returns to its default).
  bool alter_topic = false;
  bool delete_topic = false;

  // Load shape.
  int producers = 1;
  int consumers = 0;
  int record_size = 1024;  // value bytes per record, including the 24-byte stamp
  bool keyed = false;      // 16-byte hex keys drawn from [0, key_space)
  uint64_t key_space = 100000;
  double rate_records = 0;   // records/s over all producers; 0 = as fast as possible
  double duration_s = 10;    // producing stops after this long...
  uint64_t max_records = 0;  // ...or after this many records in all (0 = no count bound)
  double warmup_s = 0;       // excluded from the summary figures (kept in the series)
  double drain_s = 15;       // after producing: wait this long at most for acks and consumers
  // Paced producers wake at most once per this many microseconds and send every record due
  // by then (0: a wake-up per record).
  double pace_quantum_us = 100;

  // Consumers read what is already in the topic (from the beginning to the high watermarks
  // at start) instead of tailing what the producers write. Needs --producers 0.
  bool consume_existing = false;
  // "simple": partition-level consumer (no group.id, nothing committed); "assign":
  // rd_kafka_assign(), which in librdkafka 2.0.2 needs a group.id and a group coordinator.
  std::string consumer_api = "simple";

  // Client settings, as librdkafka names them.
  std::string acks = "1";
  std::string compression = "none";
  std::string linger_ms = "5";
  std::string batch_size = "1000000";
  std::vector<std::pair<std::string, std::string>> producer_props;
  std::vector<std::pair<std::string, std::string>> consumer_props;

  std::string json_path;  // empty: no JSON file
  std::string label;
  bool progress = false;  // one line per second on stderr
};

// Parses argv (argv[0] excluded). Returns InvalidArgument with a message naming the flag.
absl::StatusOr<Options> ParseOptions(const std::vector<std::string>& args);
std::string UsageText();

}  // namespace sluice::bench

#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/loadgen/options.h"

namespace sluice::bench {

struct Watermark {
  int32_t partition = 0;
  int64_t low = 0;
  int64_t high = 0;
};

// Topic administration over the Kafka protocol (CreateTopics, AlterConfigs, DeleteTopics,
// Metadata, ListOffsets), each call bounded by `timeout_ms`. Not thread-safe; one per thread.
class Admin {
 public:
  static absl::StatusOr<Admin> Connect(const Options& options);
  Admin(Admin&& other) noexcept : rk_(other.rk_) { other.rk_ = nullptr; }
  Admin& operator=(Admin&&) = delete;
  ~Admin();

  // Creates options.topic with its partitions, replication factor and configs.
  absl::Status CreateTopic(const Options& options, int timeout_ms);
  // Sets options.topic's configs to exactly options.topic_configs (AlterConfigs, not the
  // incremental kind: librdkafka 2.0.2 has no IncrementalAlterConfigs).
  absl::Status AlterTopicConfigs(const Options& options, int timeout_ms);
  absl::Status DeleteTopic(const std::string& topic, int timeout_ms);
  // Waits until every partition of `topic` has a leader; returns the partition count.
  absl::StatusOr<int> WaitForLeaders(const std::string& topic, int timeout_ms);
  absl::StatusOr<std::vector<Watermark>> Watermarks(const std::string& topic, int partitions,
                                                    int timeout_ms);

 private:
  explicit Admin(rd_kafka_t* rk) : rk_(rk) {}
  rd_kafka_t* rk_;
};

}  // namespace sluice::bench

#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/loadgen/options.h"
#include "bench/loadgen/worker.h"

namespace sluice::bench {

struct PartitionStart {
  int32_t partition = 0;
  int64_t offset = 0;  // an offset or RD_KAFKA_OFFSET_BEGINNING
};

// One consumer thread with its own librdkafka client, reading a fixed set of partitions (no
// consumer group). Records carrying a Stamp add their end-to-end latency to stats->latency
// unless `record_latency` is false (old data has no meaningful latency).
class Consumer {
 public:
  static absl::StatusOr<std::unique_ptr<Consumer>> Create(const Options& options, int index,
                                                          WorkerStats* stats, ErrorLog* errors);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Reads until `stop` is set. Sets stats->done at the end.
  void Run(const std::vector<PartitionStart>& partitions, bool record_latency,
           const std::atomic<bool>& stop);

 private:
  Consumer(const Options& options, WorkerStats* stats, ErrorLog* errors)
      : options_(options), stats_(stats), errors_(errors) {}
  void RunSimple(const std::vector<PartitionStart>& partitions, bool record_latency,
                 const std::atomic<bool>& stop);
  void RunAssigned(const std::vector<PartitionStart>& partitions, bool record_latency,
                   const std::atomic<bool>& stop);
  void Take(const rd_kafka_message_t* m, bool record_latency, int64_t now);

  const Options& options_;
  WorkerStats* const stats_;
  ErrorLog* const errors_;
  rd_kafka_t* rk_ = nullptr;
};

}  // namespace sluice::bench

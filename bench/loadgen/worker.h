#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "bench/loadgen/histogram.h"

namespace sluice::bench {

inline int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// The first 24 bytes of every record value the producers write (host byte order: the
// producer and the consumer run in one process).
struct Stamp {
  static constexpr uint32_t kMagic = 0x31424c53;  // "SLB1"
  uint32_t magic = kMagic;
  uint32_t producer = 0;
  uint64_t sequence = 0;
  int64_t send_ns = 0;  // CLOCK_MONOTONIC: when the record was due (rate) or handed over
};
static_assert(sizeof(Stamp) == 24);

inline bool ReadStamp(const void* payload, size_t len, Stamp* out) {
  if (payload == nullptr || len < sizeof(Stamp)) return false;
  std::memcpy(out, payload, sizeof(Stamp));
  return out->magic == Stamp::kMagic;
}

// What one producer or consumer thread has done so far. Written by its own thread only (plain
// relaxed stores), read by the sampler at any time.
struct WorkerStats {
  std::atomic<uint64_t> records{0};  // acknowledged (producer) or received (consumer)
  std::atomic<uint64_t> bytes{0};    // record value bytes
  std::atomic<uint64_t> errors{0};
  std::atomic<int64_t> last_ns{0};  // time of the latest acknowledgement or receipt
  std::atomic<bool> done{false};
  // Producers with a rate: how far behind its schedule the latest record was sent, and the
  // most it has been behind since the warm-up ended.
  std::atomic<int64_t> lag_ns{0};
  std::atomic<int64_t> max_lag_ns{0};
  LogHistogram latency;  // produce latency or end-to-end latency, ns

  void Count(uint64_t n, uint64_t b, int64_t now) {
    records.store(records.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    bytes.store(bytes.load(std::memory_order_relaxed) + b, std::memory_order_relaxed);
    last_ns.store(now, std::memory_order_relaxed);
  }
  void Error() {
    errors.store(errors.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
};

// Keeps the first few distinct error messages for the report. Thread-safe.
class ErrorLog {
 public:
  void Add(const std::string& message);
  std::vector<std::string> Messages() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> messages_;  // guarded by mu_
};

// Applies librdkafka properties; names the property on failure.
absl::Status SetProps(rd_kafka_conf_t* conf,
                      const std::vector<std::pair<std::string, std::string>>& props);

}  // namespace sluice::bench

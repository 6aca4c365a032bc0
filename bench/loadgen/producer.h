#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/loadgen/options.h"
#include "bench/loadgen/worker.h"

namespace sluice::bench {

// When and how much one producer thread sends.
struct ProducerPlan {
  int64_t start_ns = 0;       // record i is due at start_ns + i * interval_ns
  double interval_ns = 0;     // 0 = no pacing: send as fast as the client accepts
  int64_t end_ns = 0;         // stop producing at this time...
  uint64_t quota = 0;         // ...or after this many records (0 = no count bound)
  int64_t drain_ns = 0;       // then wait this long at most for outstanding acknowledgements
  int64_t warmup_end_ns = 0;  // schedule lag counts towards stats->max_lag_ns from here on
  // Paced: after a wake-up, the next one comes this long later at the earliest; the records
  // that fell due meanwhile go out together (each still stamped with its due time).
  int64_t wake_quantum_ns = 0;
};

// One producer thread with its own librdkafka client. Construct with Create(), then call Run()
// on the thread that owns it: librdkafka's delivery reports are served by rd_kafka_poll() in
// Run(), so all writes to `stats` come from that one thread.
class Producer {
 public:
  static absl::StatusOr<std::unique_ptr<Producer>> Create(const Options& options, int index,
                                                          WorkerStats* stats, ErrorLog* errors);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Produces per `plan`, then flushes. Returns early (purging what is queued) once `abort` is
  // set. Sets stats->done at the end.
  void Run(const ProducerPlan& plan, const std::atomic<bool>& abort);

 private:
  Producer(const Options& options, int index, WorkerStats* stats, ErrorLog* errors);
  absl::Status EnableWakeups();
  // Sleeps until `deadline_ns` (CLOCK_MONOTONIC) while serving delivery reports as they come.
  // Needs EnableWakeups (done for paced producers). Returns the time it returned at.
  int64_t WaitUntil(int64_t deadline_ns);
  // Serves the delivery reports queued now without waiting; they all take one clock reading.
  void PollQueued();
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  bool Send(uint64_t sequence, int64_t stamp_ns, const std::atomic<bool>& abort);

  const Options& options_;
  const int index_;
  WorkerStats* const stats_;
  ErrorLog* const errors_;
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_topic_t* rkt_ = nullptr;
  int wake_pipe_[2] = {-1, -1};  // readable when delivery reports are waiting
  // While PollQueued runs: the time it started, which is when the reports it serves had
  // arrived (a report queued during the call is stamped at most that call's length early).
  // 0 otherwise: a report then reads the clock itself.
  int64_t poll_started_ns_ = 0;
  bool clock_stale_ = false;  // Send waited for queue space: Run reads the clock again
  std::vector<char> payload_;
  std::mt19937_64 rng_;
};

}  // namespace sluice::bench

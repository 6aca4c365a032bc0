// File: broker/log/log_flusher.h
// Group commit for durable acknowledgements: a caller asks for a partition log to be made
// durable and is called back once an fdatasync that covers everything appended to that log
// before the request has completed.
//
// One background thread works in rounds. A round takes every request queued so far, calls
// PartitionLog::Flush() once per distinct log, then runs the callbacks. Requests that arrive
// while a round is syncing wait for the next round, so many producers appending to the same
// partitions share one fdatasync each instead of paying one apiece.
//
// Example: producers A and B append to orders-0 and ask for a flush while the thread is
// syncing payments-3. The next round syncs orders-0 once and answers both A and B.
//
// Thread-safety: Request() and Stop() may be called from any thread. Callbacks run on the
// flusher thread and must not block for long (they should post work elsewhere).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "broker/log/partition_log.h"

namespace sluice::log {

class LogFlusher {
 public:
  // Called with the outcome of the flush: OK, or the I/O error (the appended records may
  // be lost on a machine crash and must not be acknowledged as durable).
  using Done = std::function<void(const absl::Status&)>;

  struct Stats {
    int64_t rounds = 0;    // Rounds that synced at least one log.
    int64_t syncs = 0;     // PartitionLog::Flush() calls.
    int64_t requests = 0;  // Requests answered.
    int64_t errors = 0;    // Flushes that failed.
  };

  // The thread starts with Start(); requests made before it queue up (and are then served
  // in one round, which is how tests observe group commit).
  LogFlusher() = default;
  // Stops (see Stop()).
  ~LogFlusher();
  LogFlusher(const LogFlusher&) = delete;
  LogFlusher& operator=(const LogFlusher&) = delete;

  // Queues a flush of `log`; `done` (may be empty, for a background flush) runs once it
  // completes. After Stop() the request is answered at once with kFailedPrecondition.
  void Request(std::shared_ptr<PartitionLog> log, Done done);

  // Starts the thread. REQUIRES: called at most once, before Stop().
  void Start();

  // Serves every request already queued, then joins the thread (if started; requests of a
  // flusher never started are answered with kFailedPrecondition). Idempotent.
  void Stop();

  Stats stats() const;

 private:
  struct Pending {
    std::shared_ptr<PartitionLog> log;
    Done done;
  };

  void Run();
  void ServeRound(std::deque<Pending> round);

  mutable absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  Stats stats_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace sluice::log

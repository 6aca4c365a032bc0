// File: operator/runtime/work_queue.h
// A rate-limited work queue of object keys ("namespace/name"), as in client-go:
//
// * Dedup: a key added while queued is queued once. A key added while a worker processes it
//   is queued again when the worker calls Done, so one key is never processed by two workers
//   at once and no update is lost.
// * AddRateLimited: the key comes back after max(per-item exponential backoff, global token
//   bucket delay). Forget resets the item's failure count (call it after a success).
// * AddAfter: the key comes back after a delay (periodic resync, "requeue after").
// * ShutDown: Get returns false from then on (pending keys are dropped); Add is ignored.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "operator/runtime/backoff.h"

namespace sluice::operator_runtime {

struct WorkQueueOptions {
  BackoffPolicy item_backoff = {std::chrono::milliseconds(5), std::chrono::seconds(300)};
  double qps = 10;  // global rate limit of AddRateLimited
  int burst = 100;
};

class WorkQueue {
 public:
  explicit WorkQueue(WorkQueueOptions options = {});

  void Add(const std::string& key);
  void AddAfter(const std::string& key, Duration delay);
  void AddRateLimited(const std::string& key);
  void Forget(const std::string& key);
  int NumRequeues(const std::string& key) const;

  // Blocks until a key is ready (true, *key set) or the queue shuts down (false).
  // REQUIRES: every successful Get is followed by Done(key).
  bool Get(std::string* key);
  void Done(const std::string& key);
  void ShutDown();
  bool ShuttingDown() const;

  // Keys ready to be processed (not counting delayed or in-process ones).
  size_t Len() const;
  // Keys waiting for their delay.
  size_t DelayedLen() const;

 private:
  void AddLocked(const std::string& key);
  void PromoteDueLocked(TimePoint now);

  const WorkQueueOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;       // queued or to be re-queued at Done
  std::set<std::string> processing_;  // handed to a worker
  std::map<std::string, TimePoint> delayed_;
  std::map<std::string, int> failures_;
  TokenBucket bucket_;
  bool shutting_down_ = false;
};

}  // namespace sluice::operator_runtime

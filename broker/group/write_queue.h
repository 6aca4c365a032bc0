// File: broker/group/write_queue.h
// Makes the coordinator's writes durable without blocking request threads: one background
// thread applies queued change lists through MetadataStore::Apply, in the order they were
// pushed. Whatever has queued up while a write was syncing goes out as one Apply (one synced
// RocksDB write batch): group commit. If such a merged batch is refused, each list is applied
// on its own so that one bad list fails alone.
//
// Thread-safety: Push, Flush and Stop may be called from any thread. `done` callbacks run on
// the background thread, one at a time, in push order.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "broker/metadata/metadata_store.h"

namespace sluice::group {

class WriteQueue {
 public:
  using Done = std::function<void(const absl::Status&)>;

  // `store` must outlive the queue. Starts the background thread.
  explicit WriteQueue(metadata::MetadataStore& store);
  // Stop().
  ~WriteQueue();

  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Queues `changes`; `done` gets the outcome. After Stop the changes are dropped and `done`
  // is never called (so callers may push while holding their own locks).
  void Push(std::vector<metadata::MetadataChange> changes, Done done);
  // Returns once everything pushed before the call has been applied and its `done` returned.
  void Flush();
  // Applies what is queued, then stops the thread. Idempotent.
  void Stop();

  // Number of Apply calls made (each is one synced write); for tests and metrics.
  uint64_t applies() const;

 private:
  struct Item {
    std::vector<metadata::MetadataChange> changes;
    Done done;
  };
  void Run();

  // Merged batches are capped so one huge backlog does not become one huge write.
  static constexpr size_t kMaxItemsPerApply = 256;

  metadata::MetadataStore& store_;
  mutable std::mutex mu_;
  std::condition_variable wake_;     // Work arrived, or stop.
  std::condition_variable drained_;  // An item finished.
  std::deque<Item> queue_;           // Guarded by mu_.
  uint64_t pushed_ = 0;              // Guarded by mu_.
  uint64_t finished_ = 0;            // Guarded by mu_.
  uint64_t applies_ = 0;             // Guarded by mu_.
  bool stopping_ = false;            // Guarded by mu_.
  std::thread thread_;
};

}  // namespace sluice::group

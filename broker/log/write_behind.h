// File: broker/log/write_behind.h
// Starts the kernel's write-out of appended log bytes soon after they are written, on one
// background thread, so dirty pages never pile up for the kernel's own flusher.
//
// Left alone, the kernel writes a file's dirty pages once they are 30 s old
// (vm.dirty_expire_centisecs) and then writes the whole file at once: at 50 MB/s that is
// 1.5 GB in one burst, which takes CPU from the request threads of a 2-core machine and
// holds the locks of the pages being written, among them the page the next append goes to.
// Produce latency jumped from 3 ms to 20-57 ms each time. Writing each partition's full
// pages a megabyte at a time spreads that work evenly and keeps the burst from forming.
// The broker turns it on only with log.write.behind.bytes > 0: broker/log/README.md has
// the measurements for and against.
//
// Write-out is a hint: it neither makes data durable (fdatasync does, see log_flusher.h)
// nor is needed for correctness. So Submit() never blocks its caller: when the queue is
// full the request is dropped and the kernel writes those pages later by itself.
//
// Example: a partition's active segment has 1.2 MiB appended since its last write-out;
// PartitionLog submits [0, 1 MiB + 0.2 MiB rounded down to a page) here, and this thread
// calls sync_file_range(WRITE) on it while producers keep appending.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "broker/log/file.h"

namespace sluice::log {

class WriteBehind {
 public:
  struct Stats {
    int64_t requests = 0;  // Ranges whose write-out was started.
    int64_t bytes = 0;     // Bytes of those ranges.
    int64_t dropped = 0;   // Ranges dropped because the queue was full (or stopped).
    int64_t errors = 0;    // sync_file_range calls that failed (logged, then ignored).
  };

  // At most `max_queued` ranges wait; more are dropped. The thread starts with Start().
  explicit WriteBehind(size_t max_queued = 4096) : max_queued_(max_queued) {}
  // Stops (see Stop()).
  ~WriteBehind();
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;

  // Starts the thread. REQUIRES: called at most once, before Stop().
  void Start();
  // Drops what is still queued and joins the thread. Idempotent.
  void Stop();

  // Queues write-out of [from, to) of `file`, which stays open until it has run. Ranges
  // with to <= from are ignored.
  void Submit(std::shared_ptr<const File> file, int64_t from, int64_t to);

  // Returns once every range queued before the call has run (or was dropped). For tests:
  // the broker never waits for write-out (Stop() drops what is queued).
  void Drain();

  Stats stats() const;

 private:
  struct Range {
    std::shared_ptr<const File> file;
    int64_t from = 0;
    int64_t to = 0;
  };

  void Run();

  const size_t max_queued_;
  mutable absl::Mutex mu_;
  std::deque<Range> queue_ ABSL_GUARDED_BY(mu_);
  bool running_one_ ABSL_GUARDED_BY(mu_) = false;  // The thread holds a range it took.
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  Stats stats_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace sluice::log

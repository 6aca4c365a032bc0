// File: broker/server/cleaner_task.h
// The broker's log cleaner: every log.cleaner.backoff.ms it runs one compaction pass
// (PartitionLog::Compact, broker/log/compactor.h) over each partition of every topic whose
// cleanup.policy contains "compact", with the topic's delete.retention.ms,
// min.compaction.lag.ms and min.cleanable.dirty.ratio (log_settings.h). A partition whose
// dirty share is below the ratio is skipped cheaply (no file is read).
//
// It runs on its own thread, one partition at a time, so request threads never wait for
// it except during the short swap under a log's lock. Each pass that compacts writes one
// log line with the sizes before and after (in broker/log).
//
// Metrics (registered once): sluice_log_cleaner_runs_total (passes over all partitions),
// sluice_log_cleaner_compactions_total (partitions compacted),
// sluice_log_cleaner_removed_records_total, sluice_log_cleaner_removed_bytes_total
// (bytes before minus bytes after), sluice_log_cleaner_failures_total.
//
// Thread-safety: RunOnce/Tick from one thread at a time; Start/Stop from the owner.
#pragma once

#include <cstdint>
#include <functional>

#include "broker/log/partition_log.h"
#include "broker/server/periodic_thread.h"
#include "broker/server/topic_table.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"

namespace sluice::server {

struct CleanerPassResult {
  size_t partitions = 0;  // partitions of compacted topics looked at
  size_t compacted = 0;   // of which compacted
  int64_t records_removed = 0;
  int64_t bytes_removed = 0;
};

class CleanerTask {
 public:
  // `topics` and `registry` must outlive the task. `backoff_ms` (log.cleaner.backoff.ms)
  // is read before every wait; `enabled` (log.cleaner.enable) before every pass;
  // `max_map_bytes` (log.cleaner.dedupe.buffer.size) before every partition.
  CleanerTask(TopicTable& topics, prometheus::Registry& registry,
              std::function<int64_t()> backoff_ms, std::function<bool()> enabled,
              std::function<int64_t()> max_map_bytes, std::function<int64_t()> clock);
  ~CleanerTask();

  // One pass over every partition of every compacted topic. A failing partition is
  // logged and counted; the others still run.
  CleanerPassResult RunOnce();

  // Runs a pass if one is due at `now_ms` (the first one backoff after construction);
  // returns the time the next one is due.
  int64_t Tick(int64_t now_ms);

  void Start();
  void Stop();  // Idempotent; waits for a running pass to finish.

 private:
  TopicTable& topics_;
  std::function<int64_t()> backoff_ms_;
  std::function<bool()> enabled_;
  std::function<int64_t()> max_map_bytes_;
  std::function<int64_t()> clock_;
  int64_t next_due_ms_;

  prometheus::Counter* runs_;
  prometheus::Counter* compactions_;
  prometheus::Counter* removed_records_;
  prometheus::Counter* removed_bytes_;
  prometheus::Counter* failures_;

  PeriodicThread thread_{[this](int64_t now_ms) { return Tick(now_ms); }, clock_};
};

}  // namespace sluice::server

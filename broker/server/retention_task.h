// File: broker/server/retention_task.h
// The broker's periodic retention: every log.retention.check.interval.ms it applies each
// partition's retention.ms / retention.bytes (topic configs, else the broker defaults,
// log_settings.h) through PartitionLog::ApplyRetention, which deletes whole segments,
// never the active one, and moves the log start offset. A compact-only topic is skipped.
//
// It runs on its own thread, so request threads never wait for it; a log's lock is held
// only while segments are detached, and files are unlinked after it is released.
//
// Metrics (registered once): sluice_log_deleted_segments_total{reason} and
// sluice_log_deleted_bytes_total{reason}, reason "retention" or "delete_records"; and
// sluice_log_retention_runs_total.
//
// Thread-safety: RunOnce/Tick may be called from any one thread at a time; Start/Stop
// from the owner. RecordDeleteRecords is thread-safe.
#pragma once

#include <cstdint>
#include <functional>

#include "broker/log/partition_log.h"
#include "broker/server/periodic_thread.h"
#include "broker/server/topic_table.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"

namespace sluice::server {

struct RetentionPassResult {
  size_t partitions = 0;  // partitions looked at
  size_t segments_deleted = 0;
  int64_t bytes_deleted = 0;
};

class RetentionTask {
 public:
  // `topics` and `registry` must outlive the task. `clock` (ms) drives Tick and the
  // background thread's schedule; `interval_ms` is read before every wait.
  RetentionTask(TopicTable& topics, prometheus::Registry& registry,
                std::function<int64_t()> interval_ms, std::function<int64_t()> clock);
  ~RetentionTask();

  // One pass over every partition of every topic. A failing partition is logged and
  // skipped; the others still run.
  RetentionPassResult RunOnce();

  // Runs a pass if one is due at `now_ms` (the first is due one interval after
  // construction); returns the time the next one is due.
  int64_t Tick(int64_t now_ms);

  // Starts / stops the background thread that calls Tick on schedule. Stop is idempotent.
  void Start();
  void Stop();

  // Counts segments deleted by DeleteRecords in the same metrics.
  void RecordDeleteRecords(const log::RetentionResult& result);

 private:
  TopicTable& topics_;
  std::function<int64_t()> interval_ms_;
  std::function<int64_t()> clock_;
  int64_t next_due_ms_;

  prometheus::Counter* retention_segments_;
  prometheus::Counter* retention_bytes_;
  prometheus::Counter* delete_records_segments_;
  prometheus::Counter* delete_records_bytes_;
  prometheus::Counter* runs_;

  PeriodicThread thread_{[this](int64_t now_ms) { return Tick(now_ms); }, clock_};
};

}  // namespace sluice::server

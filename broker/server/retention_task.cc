#include "broker/server/retention_task.h"

#include <algorithm>
#include <chrono>

#include "broker/server/log_settings.h"
#include "common/log.h"
#include "prometheus/family.h"

namespace sluice::server {

RetentionTask::RetentionTask(TopicTable& topics, prometheus::Registry& registry,
                             std::function<int64_t()> interval_ms, std::function<int64_t()> clock)
    : topics_(topics),
      interval_ms_(std::move(interval_ms)),
      clock_(std::move(clock)),
      next_due_ms_(clock_() + std::max<int64_t>(1, interval_ms_())) {
  auto& segments = prometheus::BuildCounter()
                       .Name("sluice_log_deleted_segments_total")
                       .Help("Log segments deleted, by retention or DeleteRecords")
                       .Register(registry);
  auto& bytes = prometheus::BuildCounter()
                    .Name("sluice_log_deleted_bytes_total")
                    .Help("Bytes of log segments deleted, by retention or DeleteRecords")
                    .Register(registry);
  retention_segments_ = &segments.Add({{"reason", "retention"}});
  delete_records_segments_ = &segments.Add({{"reason", "delete_records"}});
  retention_bytes_ = &bytes.Add({{"reason", "retention"}});
  delete_records_bytes_ = &bytes.Add({{"reason", "delete_records"}});
  runs_ = &prometheus::BuildCounter()
               .Name("sluice_log_retention_runs_total")
               .Help("Passes of the retention task over all partitions")
               .Register(registry)
               .Add({});
}

RetentionTask::~RetentionTask() { Stop(); }

RetentionPassResult RetentionTask::RunOnce() {
  RetentionPassResult total;
  for (const auto& view : topics_.List()) {
    const log::RetentionPolicy policy = TopicRetentionPolicy(view->record.configs);
    if (policy.retention_ms < 0 && policy.retention_bytes < 0) continue;
    for (const PartitionView& p : view->partitions) {
      if (!p.log) continue;  // offline
      ++total.partitions;
      absl::StatusOr<log::RetentionResult> r = p.log->ApplyRetention(policy);
      if (!r.ok()) {
        // A deleted topic's log is closed (kFailedPrecondition): nothing to report.
        if (r.status().code() != absl::StatusCode::kFailedPrecondition) {
          SLUICE_LOG(kWarn) << "retention of " << view->record.name << "-" << p.index
                            << " failed: " << r.status().message();
        }
        continue;
      }
      total.segments_deleted += r->segments_deleted;
      total.bytes_deleted += r->bytes_deleted;
    }
  }
  retention_segments_->Increment(static_cast<double>(total.segments_deleted));
  retention_bytes_->Increment(static_cast<double>(total.bytes_deleted));
  runs_->Increment();
  return total;
}

int64_t RetentionTask::Tick(int64_t now_ms) {
  if (now_ms >= next_due_ms_) {
    RunOnce();
    next_due_ms_ = now_ms + std::max<int64_t>(1, interval_ms_());
  }
  return next_due_ms_;
}

void RetentionTask::Start() { thread_.Start(); }

void RetentionTask::Stop() { thread_.Stop(); }

void RetentionTask::RecordDeleteRecords(const log::RetentionResult& result) {
  delete_records_segments_->Increment(static_cast<double>(result.segments_deleted));
  delete_records_bytes_->Increment(static_cast<double>(result.bytes_deleted));
}

}  // namespace sluice::server

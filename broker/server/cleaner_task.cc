#include "broker/server/cleaner_task.h"

#include <algorithm>
#include <chrono>

#include "broker/server/log_settings.h"
#include "common/log.h"
#include "prometheus/family.h"

namespace sluice::server {
namespace {

prometheus::Counter* Counter(prometheus::Registry& registry, const char* name, const char* help) {
  return &prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

CleanerTask::CleanerTask(TopicTable& topics, prometheus::Registry& registry,
                         std::function<int64_t()> backoff_ms, std::function<bool()> enabled,
                         std::function<int64_t()> max_map_bytes, std::function<int64_t()> clock)
    : topics_(topics),
      backoff_ms_(std::move(backoff_ms)),
      enabled_(std::move(enabled)),
      max_map_bytes_(std::move(max_map_bytes)),
      clock_(std::move(clock)),
      next_due_ms_(clock_() + std::max<int64_t>(1, backoff_ms_())) {
  runs_ = Counter(registry, "sluice_log_cleaner_runs_total",
                  "Passes of the log cleaner over all compacted partitions");
  compactions_ = Counter(registry, "sluice_log_cleaner_compactions_total",
                         "Partitions compacted by the log cleaner");
  removed_records_ = Counter(registry, "sluice_log_cleaner_removed_records_total",
                             "Records removed by compaction (superseded, tombstones, keyless)");
  removed_bytes_ = Counter(registry, "sluice_log_cleaner_removed_bytes_total",
                           "Bytes of log segments freed by compaction");
  failures_ = Counter(registry, "sluice_log_cleaner_failures_total",
                      "Compaction passes of a partition that failed");
}

CleanerTask::~CleanerTask() { Stop(); }

CleanerPassResult CleanerTask::RunOnce() {
  CleanerPassResult total;
  for (const auto& view : topics_.List()) {
    std::optional<log::CompactionPolicy> policy = TopicCompactionPolicy(view->record.configs);
    if (!policy) continue;
    for (const PartitionView& p : view->partitions) {
      if (!p.log) continue;  // offline
      if (thread_.stopping()) return total;
      ++total.partitions;
      policy->max_map_bytes = max_map_bytes_();
      absl::StatusOr<log::CompactionResult> r = p.log->Compact(*policy);
      if (!r.ok()) {
        // A deleted topic's log is closed (kFailedPrecondition): nothing to report.
        if (r.status().code() != absl::StatusCode::kFailedPrecondition) {
          failures_->Increment();
          SLUICE_LOG(kWarn) << "compaction of " << view->record.name << "-" << p.index
                            << " failed: " << r.status().message();
        }
        continue;
      }
      if (!r->ran) continue;
      ++total.compacted;
      total.records_removed += r->records_removed;
      total.bytes_removed += r->bytes_before - r->bytes_after;
    }
  }
  compactions_->Increment(static_cast<double>(total.compacted));
  removed_records_->Increment(static_cast<double>(total.records_removed));
  removed_bytes_->Increment(static_cast<double>(std::max<int64_t>(0, total.bytes_removed)));
  runs_->Increment();
  return total;
}

int64_t CleanerTask::Tick(int64_t now_ms) {
  if (now_ms >= next_due_ms_) {
    if (enabled_()) RunOnce();
    next_due_ms_ = now_ms + std::max<int64_t>(1, backoff_ms_());
  }
  return next_due_ms_;
}

void CleanerTask::Start() { thread_.Start(); }

void CleanerTask::Stop() { thread_.Stop(); }

}  // namespace sluice::server

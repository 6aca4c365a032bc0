#include "broker/server/storage_collector.h"

#include "common/metric_family.h"

namespace sluice::server {
namespace {

prometheus::MetricFamily Gauge(const char* name, const char* help, double value) {
  return GaugeFamily(name, help, value);
}

prometheus::MetricFamily Counter(const char* name, const char* help, int64_t value) {
  return CounterFamily(name, help, static_cast<double>(value));
}

}  // namespace

std::vector<prometheus::MetricFamily> StorageCollector::Collect() const {
  const log::LogFlusher::Stats flushes = flusher_.stats();
  const log::WriteBehind::Stats written =
      write_behind_ ? write_behind_->stats() : log::WriteBehind::Stats{};
  double topics = 0, partitions = 0, segments = 0, bytes = 0;
  for (const auto& topic : topics_.List()) {
    ++topics;
    for (const auto& p : topic->partitions) {
      ++partitions;
      if (!p.log) continue;  // offline
      segments += static_cast<double>(p.log->segment_count());
      bytes += static_cast<double>(p.log->size_bytes());
    }
  }
  return {
      Gauge("sluice_log_topics", "Topics hosted by this broker", topics),
      Gauge("sluice_log_partitions", "Partitions hosted by this broker", partitions),
      Gauge("sluice_log_segments", "Log segments of all partitions", segments),
      Gauge("sluice_log_size_bytes", "Bytes of record batches in all partition logs", bytes),
      Counter("sluice_log_flush_rounds_total", "Group-commit rounds of the durable-mode flusher",
              flushes.rounds),
      Counter("sluice_log_flush_syncs_total", "Partition log fdatasyncs by the flusher",
              flushes.syncs),
      Counter("sluice_log_flush_requests_total",
              "Flush requests served (one per durable "
              "partition append, plus background flushes)",
              flushes.requests),
      Counter("sluice_log_flush_errors_total", "Partition log flushes that failed", flushes.errors),
      Counter("sluice_log_write_behind_requests_total",
              "Ranges of appended log bytes whose disk write was started early", written.requests),
      Counter("sluice_log_write_behind_bytes_total", "Bytes of those ranges", written.bytes),
      Counter("sluice_log_write_behind_dropped_total",
              "Ranges left to the kernel because the write-behind queue was full", written.dropped),
      Counter("sluice_log_write_behind_errors_total", "Early disk writes that failed to start",
              written.errors),
  };
}

}  // namespace sluice::server

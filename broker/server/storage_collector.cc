#include "broker/server/storage_collector.h"

#include "prometheus/metric_family.h"

namespace sluice::server {
namespace {

prometheus::MetricFamily Gauge(const char* name, const char* help, double value) {
  prometheus::MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = prometheus::MetricType::Gauge;
  prometheus::ClientMetric metric;
  metric.gauge.value = value;
  family.metric.push_back(metric);
  return family;
}

}  // namespace

std::vector<prometheus::MetricFamily> StorageCollector::Collect() const {
  double topics = 0, partitions = 0, segments = 0, bytes = 0;
  for (const auto& topic : topics_.List()) {
    ++topics;
    for (const auto& p : topic->partitions) {
      ++partitions;
      segments += static_cast<double>(p.log->segment_count());
      bytes += static_cast<double>(p.log->size_bytes());
    }
  }
  return {
      Gauge("sluice_log_topics", "Topics hosted by this broker", topics),
      Gauge("sluice_log_partitions", "Partitions hosted by this broker", partitions),
      Gauge("sluice_log_segments", "Log segments of all partitions", segments),
      Gauge("sluice_log_size_bytes", "Bytes of record batches in all partition logs", bytes),
  };
}

}  // namespace sluice::server

// File: broker/server/storage_collector.h
// Prometheus gauges of the broker's storage, computed when scraped (so the produce path
// pays nothing): topics, partitions, segments and bytes on disk.
#pragma once

#include <vector>

#include "broker/server/topic_table.h"
#include "prometheus/collectable.h"

namespace sluice::server {

class StorageCollector : public prometheus::Collectable {
 public:
  // `topics` must outlive the collector.
  explicit StorageCollector(const TopicTable& topics) : topics_(topics) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const TopicTable& topics_;
};

}  // namespace sluice::server

// File: broker/server/storage_collector.h
// Prometheus gauges of the broker's storage, computed when scraped (so the produce path
// pays nothing): topics, partitions, segments and bytes on disk, and the durable-mode
// flusher's counters (rounds, syncs, requests, errors) and the write-behind's.
#pragma once

#include <vector>

#include "broker/log/log_flusher.h"
#include "broker/log/write_behind.h"
#include "broker/server/topic_table.h"
#include "prometheus/collectable.h"

namespace sluice::server {

class StorageCollector : public prometheus::Collectable {
 public:
  // `topics`, `flusher` and `write_behind` (null when off) must outlive the collector.
  StorageCollector(const TopicTable& topics, const log::LogFlusher& flusher,
                   const log::WriteBehind* write_behind)
      : topics_(topics), flusher_(flusher), write_behind_(write_behind) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const TopicTable& topics_;
  const log::LogFlusher& flusher_;
  const log::WriteBehind* write_behind_;
};

}  // namespace sluice::server

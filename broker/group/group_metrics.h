// File: broker/group/group_metrics.h
// Prometheus gauges of the group coordinator, computed when scraped (nothing is counted on
// the request path):
//   sluice_group_lag_records{group,topic}  sum over the group's committed partitions of the
//                                          topic of max(0, high watermark - committed offset)
//   sluice_group_groups{state}             groups by state (Empty, Stable, ...)
//   sluice_group_members                   members of all groups
// Labels are per group and topic, never per member or partition, to keep cardinality low.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "broker/group/group_coordinator.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace sluice::group {

class GroupMetrics : public prometheus::Collectable {
 public:
  // The partition's high watermark, or nullopt if the partition does not exist.
  using HighWatermark =
      std::function<std::optional<int64_t>(const std::string& topic, int32_t partition)>;

  // `coordinator` must outlive the collector.
  GroupMetrics(const GroupCoordinator& coordinator, HighWatermark high_watermark)
      : coordinator_(coordinator), high_watermark_(std::move(high_watermark)) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const GroupCoordinator& coordinator_;
  HighWatermark high_watermark_;
};

}  // namespace sluice::group

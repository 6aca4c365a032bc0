// File: broker/group/group_metrics.cc
#include "broker/group/group_metrics.h"

#include <algorithm>
#include <map>

namespace sluice::group {

std::vector<prometheus::MetricFamily> GroupMetrics::Collect() const {
  prometheus::MetricFamily lag;
  lag.name = "sluice_group_lag_records";
  lag.help =
      "Records of a topic not yet consumed by a group: high watermark minus committed "
      "offset, summed over the partitions the group committed";
  lag.type = prometheus::MetricType::Gauge;
  for (const GroupOffsetsSnapshot& group : coordinator_.SnapshotOffsets()) {
    std::map<std::string, int64_t> by_topic;
    for (const metadata::CommittedOffset& committed : group.offsets) {
      std::optional<int64_t> hw = high_watermark_(committed.topic, committed.partition);
      if (!hw.has_value()) continue;  // Topic deleted since the commit.
      by_topic[committed.topic] +=
          std::max<int64_t>(0, *hw - std::max<int64_t>(0, committed.offset));
    }
    for (const auto& [topic, records] : by_topic) {
      prometheus::ClientMetric metric;
      metric.label = {{"group", group.group_id}, {"topic", topic}};
      metric.gauge.value = static_cast<double>(records);
      lag.metric.push_back(std::move(metric));
    }
  }

  prometheus::MetricFamily groups;
  groups.name = "sluice_group_groups";
  groups.help = "Consumer groups coordinated by this broker, by state";
  groups.type = prometheus::MetricType::Gauge;
  auto counts = coordinator_.CountByState();
  for (GroupState state : kAllGroupStates) {
    prometheus::ClientMetric metric;
    metric.label = {{"state", GroupStateName(state)}};
    metric.gauge.value = static_cast<double>(counts[static_cast<size_t>(state)]);
    groups.metric.push_back(std::move(metric));
  }

  prometheus::MetricFamily members;
  members.name = "sluice_group_members";
  members.help = "Members of all consumer groups coordinated by this broker";
  members.type = prometheus::MetricType::Gauge;
  prometheus::ClientMetric total;
  total.gauge.value = static_cast<double>(coordinator_.MemberCount());
  members.metric.push_back(std::move(total));
  return {std::move(lag), std::move(groups), std::move(members)};
}

}  // namespace sluice::group

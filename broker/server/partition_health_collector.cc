#include "broker/server/partition_health_collector.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/metric_family.h"

namespace sluice::server {
namespace {

bool Contains(const std::vector<int32_t>& ids, int32_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

absl::StatusOr<PartitionHealth> CountPartitionHealth(const metadata::MetadataStore& store,
                                                     int32_t node_id, const LogIsOpen& is_open) {
  absl::StatusOr<std::vector<metadata::TopicRecord>> topics = store.ListTopics();
  if (!topics.ok()) return topics.status();
  PartitionHealth health;
  for (const metadata::TopicRecord& topic : *topics) {
    auto partitions = store.GetPartitions(topic.name);
    if (absl::IsNotFound(partitions.status())) continue;  // deleted since ListTopics
    if (!partitions.ok()) {
      SLUICE_LOG(kWarn) << "metrics: partitions of topic " << topic.name
                        << " unreadable, counted offline: " << partitions.status();
      health.offline += topic.partition_count;
      continue;
    }
    for (const metadata::PartitionRecord& p : *partitions) {
      const bool leads = p.leader_id == node_id;
      if (leads && p.isr.size() < p.replicas.size()) ++health.under_replicated;
      if (!Contains(p.replicas, node_id)) continue;  // another broker's partition
      if (p.leader_id == metadata::kNoLeader || (leads && !is_open(topic.name, p.partition))) {
        ++health.offline;
      }
    }
  }
  return health;
}

absl::StatusOr<DiskSpace> StatDiskSpace(const std::string& path) {
  struct statvfs fs {};
  if (statvfs(path.c_str(), &fs) != 0) {
    const int error = errno;
    return absl::Status(absl::ErrnoToStatusCode(error),
                        absl::StrCat("statvfs ", path, ": ", std::strerror(error)));
  }
  DiskSpace space;
  space.capacity_bytes = static_cast<uint64_t>(fs.f_blocks) * fs.f_frsize;
  space.free_bytes =
      std::min<uint64_t>(static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize, space.capacity_bytes);
  return space;
}

std::vector<prometheus::MetricFamily> PartitionHealthCollector::Collect() const {
  std::vector<prometheus::MetricFamily> families;
  if (auto health = CountPartitionHealth(store_, node_id_, is_open_); health.ok()) {
    families.push_back(
        GaugeFamily("sluice_log_partitions_under_replicated",
                    "Partitions led by this broker whose in-sync replica set is smaller "
                    "than their replica set",
                    static_cast<double>(health->under_replicated), {}));
    families.push_back(
        GaugeFamily("sluice_log_partitions_offline",
                    "Partitions hosted by this broker that have no leader, or that it "
                    "leads without an open log",
                    static_cast<double>(health->offline), {}));
  } else {
    SLUICE_LOG(kWarn) << "metrics: cannot read partitions: " << health.status();
  }
  if (auto space = StatDiskSpace(log_dir_); space.ok()) {
    families.push_back(GaugeFamily(
        "sluice_log_dir_capacity_bytes", "Size of the filesystem holding the data directory",
        static_cast<double>(space->capacity_bytes), {{"dir", log_dir_}}));
    families.push_back(
        GaugeFamily("sluice_log_dir_free_bytes",
                    "Bytes of the data directory's filesystem the broker can still use",
                    static_cast<double>(space->free_bytes), {{"dir", log_dir_}}));
  } else {
    SLUICE_LOG(kWarn) << "metrics: " << space.status();
  }
  return families;
}

}  // namespace sluice::server

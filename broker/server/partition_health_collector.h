// File: broker/server/partition_health_collector.h
// The gauges the alert rules need (charts/sluice/files/prometheus-rules.yaml), computed from
// real state when scraped, so no request path pays for them:
//
//   sluice_log_partitions_under_replicated  partitions this broker leads whose ISR is smaller
//                                           than their replica set (Kafka's
//                                           UnderReplicatedPartitions: only the leader counts
//                                           a partition, so a sum over brokers counts each once)
//   sluice_log_partitions_offline           partitions this broker is a replica of that have no
//                                           leader, or that it leads but whose log is not open
//   sluice_log_dir_capacity_bytes{dir}      size of the filesystem holding the data directory
//   sluice_log_dir_free_bytes{dir}          bytes of it still usable by the broker (statvfs
//                                           f_bavail: space reserved for root is not counted)
//
// Partitions come from the metadata store's PartitionRecords (replicas, isr, leader_id), not
// from the open logs, so a partition whose metadata says it is under-replicated or leaderless
// is reported even while this single-node broker never makes it so itself.
//
// A failed metadata read leaves both partition gauges out of that scrape; a topic whose
// partitions cannot be read counts all its partitions offline (its metadata is unreadable).
// A failed statvfs leaves out the two dir gauges. The error is logged.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "broker/metadata/metadata_store.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace sluice::server {

// True if this broker has the partition's log open.
using LogIsOpen = std::function<bool(const std::string& topic, int32_t partition)>;

struct PartitionHealth {
  int64_t under_replicated = 0;
  int64_t offline = 0;
};

// Counts over every partition in `store` as the metric descriptions above say.
// Errors: ListTopics' status, unchanged.
absl::StatusOr<PartitionHealth> CountPartitionHealth(const metadata::MetadataStore& store,
                                                     int32_t node_id, const LogIsOpen& is_open);

struct DiskSpace {
  uint64_t capacity_bytes = 0;
  uint64_t free_bytes = 0;  // Never more than capacity_bytes.
};

// statvfs of the filesystem holding `path`; on failure errno as a status
// (absl::ErrnoToStatusCode) with the path and strerror text.
absl::StatusOr<DiskSpace> StatDiskSpace(const std::string& path);

class PartitionHealthCollector : public prometheus::Collectable {
 public:
  // `store` must outlive the collector. `log_dir` is the broker's data directory; it is the
  // value of the `dir` label as given (the broker passes an absolute path).
  PartitionHealthCollector(const metadata::MetadataStore& store, int32_t node_id, LogIsOpen is_open,
                           std::string log_dir)
      : store_(store),
        node_id_(node_id),
        is_open_(std::move(is_open)),
        log_dir_(std::move(log_dir)) {}

  // Thread-safe: called by the HTTP server's threads, reads only thread-safe state.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const metadata::MetadataStore& store_;
  const int32_t node_id_;
  const LogIsOpen is_open_;
  const std::string log_dir_;
};

}  // namespace sluice::server

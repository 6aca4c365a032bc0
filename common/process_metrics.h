// File: common/process_metrics.h
// This process's open descriptors, their limit, memory and CPU time, read from /proc and
// getrlimit; and a Prometheus collector exporting them under the names of Prometheus'
// standard process collector, so dashboards and alerts written for any exporter work:
//
//   process_open_fds                  descriptors open now
//   process_max_fds                   the soft RLIMIT_NOFILE
//   process_resident_memory_bytes     VmRSS
//   process_virtual_memory_bytes      VmSize
//   process_cpu_seconds_total         user + system CPU time
//   process_start_time_seconds        start time, seconds since the Unix epoch
//
// A value that cannot be read is left out of that scrape.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace sluice {

// Entries of /proc/self/fd.
absl::StatusOr<int64_t> CountOpenFiles();
// The soft RLIMIT_NOFILE (INT64_MAX when unlimited).
int64_t OpenFileLimit();
// Raises the soft RLIMIT_NOFILE to the hard limit (a broker holds a descriptor per segment
// and per connection) and returns the soft limit in force afterwards.
int64_t RaiseOpenFileLimit();

// OK when `more` descriptors fit under the limit with `reserve` (at most a tenth of the
// limit) to spare for connections, the metadata store and rolls; kResourceExhausted naming
// the counts and the fix otherwise.
absl::Status CheckOpenFileHeadroom(int64_t more, int64_t reserve);

class ProcessCollector : public prometheus::Collectable {
 public:
  // Thread-safe.
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace sluice

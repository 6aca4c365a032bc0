// File: broker/log/log_manager.h
// Owns the PartitionLogs of one data directory: `<data_dir>/<topic>-<partition>/`.
// Topic names may contain letters, digits, '.', '_' and '-', so a directory name is split
// at its LAST '-'. Deleted topics are first renamed to `<topic>-<partition>.<n>-delete`
// and then removed, so a crash mid-delete leaves a directory that the next Open removes.
//
// A partition whose log cannot be opened (an unreadable or damaged segment, an I/O error) is
// OFFLINE: Open logs why and carries on with the others, so one bad partition does not keep
// the broker down. An offline partition is never recreated over its files (GetOrCreate fails
// with kUnavailable naming the reason); deleting its topic removes its directory. To bring it
// back, repair or move the directory aside and restart.
//
// Lifetime: logs are handed out as shared_ptr. Delete() and CloseAll() close them, after
// which a holder's calls fail with kFailedPrecondition instead of touching freed memory.
// Thread-safety: internally synchronized.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "broker/log/log_config.h"
#include "broker/log/partition_log.h"

namespace sluice::log {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

// Kafka's rule: 1..249 characters from [a-zA-Z0-9._-], and not "." or "..".
bool IsValidTopicName(std::string_view topic);
// "<topic>-<partition>".
std::string PartitionDirName(const TopicPartition& tp);
// Splits at the last '-'; nullopt unless the topic is valid and the partition is a
// non-negative int32 in plain decimal.
std::optional<TopicPartition> ParsePartitionDirName(std::string_view name);

class LogManager {
 public:
  // Creates `data_dir` if absent, removes left-over `*-delete` directories and opens
  // every partition directory in it (other entries are ignored with a warning).
  // A partition that fails to open is recorded as offline (see Offline()); only errors of
  // the directory itself (creating, listing, removing left-overs) fail the call.
  static absl::StatusOr<std::unique_ptr<LogManager>> Open(const std::string& data_dir,
                                                          const LogConfig& config,
                                                          Clock clock = nullptr);
  // Does not close the logs cleanly; call CloseAll() for that.
  ~LogManager() = default;

  // The log of the partition, created empty if it does not exist.
  // kInvalidArgument for an invalid topic name or a negative partition; kUnavailable for an
  // offline partition.
  absl::StatusOr<std::shared_ptr<PartitionLog>> GetOrCreate(const std::string& topic,
                                                            int32_t partition);
  // nullptr if the partition has no log.
  std::shared_ptr<PartitionLog> Get(const std::string& topic, int32_t partition) const;
  // Closes and removes every partition of `topic`, offline ones included. kNotFound if it
  // has none.
  absl::Status Delete(const std::string& topic);
  // The partitions with an open log.
  std::vector<TopicPartition> List() const;
  // The partitions that failed to open, with the reason.
  std::map<TopicPartition, absl::Status> Offline() const;

  // Flush() of every log; returns the first error after trying all.
  absl::Status FlushAll();
  // Close() of every log and forgets them; returns the first error after trying all.
  absl::Status CloseAll();

  const std::string& data_dir() const { return data_dir_; }

 private:
  LogManager(std::string data_dir, const LogConfig& config, Clock clock)
      : data_dir_(std::move(data_dir)), config_(config), clock_(std::move(clock)) {}

  std::vector<std::shared_ptr<PartitionLog>> Snapshot() const;

  const std::string data_dir_;
  const LogConfig config_;
  const Clock clock_;

  mutable absl::Mutex mu_;
  std::map<TopicPartition, std::shared_ptr<PartitionLog>> logs_ ABSL_GUARDED_BY(mu_);
  std::map<TopicPartition, absl::Status> offline_ ABSL_GUARDED_BY(mu_);
  int64_t delete_counter_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sluice::log

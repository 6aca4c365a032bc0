// File: broker/server/fetch_waiters.h
// Lets long-polling Fetch requests sleep until new records arrive on the partitions
// they read. Produce calls Notify after each append; a waiting fetch registered with
// Watch is woken (its callback runs on the notifying thread, so it must only post work).
// Thread-safe.
//
// Notify runs once per appended batch, so it is one hash lookup (no allocation, no string
// copy) and returns at once when nobody waits on the partition.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "prometheus/gauge.h"

namespace sluice::server {

class FetchWaiters {
 public:
  using TopicPartition = std::pair<std::string, int32_t>;
  using Waker = std::function<void()>;

  // `waiting`, if given, follows the number of registered watchers (a gauge that must
  // outlive this object).
  explicit FetchWaiters(prometheus::Gauge* waiting = nullptr) : waiting_(waiting) {}

  // Registers `wake` for `partitions`; returns a token for Unwatch. `wake` may run any
  // number of times until Unwatch returns.
  uint64_t Watch(const std::vector<TopicPartition>& partitions, Waker wake);
  void Unwatch(uint64_t token);
  void Notify(std::string_view topic, int32_t partition);

  // Counts every Notify. A reader that saw the same value before reading and after
  // Watch knows no append happened in between that it could have missed.
  uint64_t notifications() const { return notifications_.load(std::memory_order_acquire); }
  // Registered watchers: in a quiet broker this returns to 0 (a leak shows here).
  size_t size() const;

 private:
  struct Watcher {
    std::vector<TopicPartition> partitions;
    Waker wake;
  };
  using Tokens = absl::InlinedVector<uint64_t, 2>;

  prometheus::Gauge* const waiting_;
  std::atomic<uint64_t> notifications_{0};
  mutable std::mutex mu_;
  uint64_t next_token_ = 1;                          // guarded by mu_
  absl::flat_hash_map<uint64_t, Watcher> watchers_;  // guarded by mu_
  // topic -> partition -> tokens watching it. Keyed by topic first so that Notify looks
  // up a string_view without building a key.
  absl::flat_hash_map<std::string, absl::flat_hash_map<int32_t, Tokens>> by_topic_;  // mu_
};

}  // namespace sluice::server

// File: broker/server/fetch_waiters.h
// Lets long-polling Fetch requests sleep until new records arrive on the partitions
// they read. Produce calls Notify after each append; a waiting fetch registered with
// Watch is woken (its callback runs on the notifying thread, so it must only post work).
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sluice::server {

class FetchWaiters {
 public:
  using TopicPartition = std::pair<std::string, int32_t>;
  using Waker = std::function<void()>;

  // Registers `wake` for `partitions`; returns a token for Unwatch. `wake` may run any
  // number of times until Unwatch returns.
  uint64_t Watch(const std::vector<TopicPartition>& partitions, Waker wake);
  void Unwatch(uint64_t token);
  void Notify(const std::string& topic, int32_t partition);

 private:
  struct Watcher {
    std::vector<TopicPartition> partitions;
    Waker wake;
  };
  std::mutex mu_;
  uint64_t next_token_ = 1;                                    // guarded by mu_
  std::map<uint64_t, Watcher> watchers_;                       // guarded by mu_
  std::map<TopicPartition, std::set<uint64_t>> by_partition_;  // guarded by mu_
};

}  // namespace sluice::server

#include "broker/server/fetch_waiters.h"

namespace sluice::server {

uint64_t FetchWaiters::Watch(const std::vector<TopicPartition>& partitions, Waker wake) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t token = next_token_++;
  for (const auto& tp : partitions) by_partition_[tp].insert(token);
  watchers_[token] = Watcher{partitions, std::move(wake)};
  return token;
}

void FetchWaiters::Unwatch(uint64_t token) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = watchers_.find(token);
  if (it == watchers_.end()) return;
  for (const auto& tp : it->second.partitions) {
    auto p = by_partition_.find(tp);
    if (p == by_partition_.end()) continue;
    p->second.erase(token);
    if (p->second.empty()) by_partition_.erase(p);
  }
  watchers_.erase(it);
}

void FetchWaiters::Notify(const std::string& topic, int32_t partition) {
  std::vector<Waker> to_wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto p = by_partition_.find({topic, partition});
    if (p == by_partition_.end()) return;
    for (uint64_t token : p->second) to_wake.push_back(watchers_[token].wake);
  }
  for (auto& wake : to_wake) wake();
}

}  // namespace sluice::server

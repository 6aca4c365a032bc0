#include "broker/server/fetch_waiters.h"

#include <algorithm>

#include "absl/strings/string_view.h"

namespace sluice::server {

uint64_t FetchWaiters::Watch(const std::vector<TopicPartition>& partitions, Waker wake) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t token = next_token_++;
  for (const auto& [topic, partition] : partitions) {
    Tokens& tokens = by_topic_[topic][partition];
    if (std::find(tokens.begin(), tokens.end(), token) == tokens.end()) tokens.push_back(token);
  }
  watchers_.emplace(token, Watcher{partitions, std::move(wake)});
  if (waiting_ != nullptr) waiting_->Set(static_cast<double>(watchers_.size()));
  return token;
}

void FetchWaiters::Unwatch(uint64_t token) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = watchers_.find(token);
  if (it == watchers_.end()) return;
  for (const auto& [topic, partition] : it->second.partitions) {
    auto t = by_topic_.find(topic);
    if (t == by_topic_.end()) continue;
    auto p = t->second.find(partition);
    if (p == t->second.end()) continue;
    Tokens& tokens = p->second;
    tokens.erase(std::remove(tokens.begin(), tokens.end(), token), tokens.end());
    if (tokens.empty()) t->second.erase(p);
    if (t->second.empty()) by_topic_.erase(t);
  }
  watchers_.erase(it);
  if (waiting_ != nullptr) waiting_->Set(static_cast<double>(watchers_.size()));
}

void FetchWaiters::Notify(std::string_view topic, int32_t partition) {
  notifications_.fetch_add(1, std::memory_order_acq_rel);
  absl::InlinedVector<Waker, 4> to_wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Debian's Abseil has its own string_view type, not std::string_view.
    auto t = by_topic_.find(absl::string_view(topic.data(), topic.size()));
    if (t == by_topic_.end()) return;
    auto p = t->second.find(partition);
    if (p == t->second.end()) return;
    for (uint64_t token : p->second) {
      auto w = watchers_.find(token);
      if (w != watchers_.end()) to_wake.push_back(w->second.wake);
    }
  }
  for (auto& wake : to_wake) wake();
}

size_t FetchWaiters::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return watchers_.size();
}

}  // namespace sluice::server

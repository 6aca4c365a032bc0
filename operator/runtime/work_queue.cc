#include "operator/runtime/work_queue.h"

#include <algorithm>

namespace sluice::operator_runtime {

WorkQueue::WorkQueue(WorkQueueOptions options)
    : options_(options), bucket_(options.qps, options.burst, std::chrono::steady_clock::now()) {}

void WorkQueue::AddLocked(const std::string& key) {
  if (shutting_down_ || dirty_.count(key) > 0) return;
  dirty_.insert(key);
  if (processing_.count(key) > 0) return;  // Done() re-queues it
  queue_.push_back(key);
  cv_.notify_one();
}

void WorkQueue::Add(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  delayed_.erase(key);
  AddLocked(key);
}

void WorkQueue::AddAfter(const std::string& key, Duration delay) {
  if (delay <= Duration::zero()) return Add(key);
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return;
  TimePoint when = std::chrono::steady_clock::now() + delay;
  auto it = delayed_.find(key);
  if (it == delayed_.end() || when < it->second) delayed_[key] = when;
  cv_.notify_all();  // a waiter may need to wake earlier
}

void WorkQueue::AddRateLimited(const std::string& key) {
  Duration delay;
  {
    std::lock_guard<std::mutex> lock(mu_);
    int failures = ++failures_[key];
    delay = std::max(BackoffDelay(options_.item_backoff, failures),
                     bucket_.Reserve(std::chrono::steady_clock::now()));
  }
  AddAfter(key, delay);
}

void WorkQueue::Forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.erase(key);
}

int WorkQueue::NumRequeues(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::PromoteDueLocked(TimePoint now) {
  for (auto it = delayed_.begin(); it != delayed_.end();) {
    if (it->second <= now) {
      std::string key = it->first;
      it = delayed_.erase(it);
      AddLocked(key);
    } else {
      ++it;
    }
  }
}

bool WorkQueue::Get(std::string* key) {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (shutting_down_) return false;
    PromoteDueLocked(std::chrono::steady_clock::now());
    if (!queue_.empty()) break;
    if (delayed_.empty()) {
      cv_.wait(lock);
    } else {
      TimePoint earliest = TimePoint::max();
      for (const auto& [k, when] : delayed_) earliest = std::min(earliest, when);
      cv_.wait_until(lock, earliest);
    }
  }
  *key = queue_.front();
  queue_.pop_front();
  dirty_.erase(*key);
  processing_.insert(*key);
  return true;
}

void WorkQueue::Done(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  processing_.erase(key);
  if (dirty_.count(key) > 0 && !shutting_down_) {
    queue_.push_back(key);
    cv_.notify_one();
  }
}

void WorkQueue::ShutDown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutting_down_ = true;
  cv_.notify_all();
}

bool WorkQueue::ShuttingDown() const {
  std::lock_guard<std::mutex> lock(mu_);
  return shutting_down_;
}

size_t WorkQueue::Len() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

size_t WorkQueue::DelayedLen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return delayed_.size();
}

}  // namespace sluice::operator_runtime

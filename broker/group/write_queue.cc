// File: broker/group/write_queue.cc
#include "broker/group/write_queue.h"

#include <utility>

namespace sluice::group {

WriteQueue::WriteQueue(metadata::MetadataStore& store) : store_(store) {
  thread_ = std::thread([this] { Run(); });
}

WriteQueue::~WriteQueue() { Stop(); }

void WriteQueue::Push(std::vector<metadata::MetadataChange> changes, Done done) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return;
  queue_.push_back(Item{std::move(changes), std::move(done)});
  ++pushed_;
  wake_.notify_one();
}

void WriteQueue::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t target = pushed_;
  drained_.wait(lock, [&] { return finished_ >= target; });
}

void WriteQueue::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

uint64_t WriteQueue::applies() const {
  std::lock_guard<std::mutex> lock(mu_);
  return applies_;
}

void WriteQueue::Run() {
  while (true) {
    std::vector<Item> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // Stopping with nothing left.
      while (!queue_.empty() && batch.size() < kMaxItemsPerApply) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<absl::Status> statuses(batch.size());
    uint64_t applies = 1;
    if (batch.size() == 1) {
      statuses[0] = store_.Apply(batch[0].changes);
    } else {
      std::vector<metadata::MetadataChange> merged;
      for (const Item& item : batch) {
        merged.insert(merged.end(), item.changes.begin(), item.changes.end());
      }
      absl::Status status = store_.Apply(merged);
      // A change the store refuses (a topic deleted meanwhile, say) fails the merged batch:
      // apply each list alone to fail only that one. Storage failures fail all alike.
      bool refused = status.code() == absl::StatusCode::kInvalidArgument ||
                     status.code() == absl::StatusCode::kNotFound;
      if (!refused) {
        statuses.assign(batch.size(), status);
      } else {
        for (size_t i = 0; i < batch.size(); ++i) statuses[i] = store_.Apply(batch[i].changes);
        applies += batch.size();
      }
    }
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done(statuses[i]);
    {
      std::lock_guard<std::mutex> lock(mu_);
      finished_ += batch.size();
      applies_ += applies;
      drained_.notify_all();
    }
  }
}

}  // namespace sluice::group

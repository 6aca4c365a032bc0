#include "broker/log/write_behind.h"

#include <utility>

#include "common/log.h"

namespace sluice::log {

WriteBehind::~WriteBehind() { Stop(); }

void WriteBehind::Start() {
  {
    absl::MutexLock lock(&mu_);
    if (started_ || stopping_) return;
    started_ = true;
  }
  thread_ = std::thread([this] { Run(); });
}

void WriteBehind::Stop() {
  std::deque<Range> dropped;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    stats_.dropped += static_cast<int64_t>(queue_.size());
    dropped.swap(queue_);  // Files close outside the lock.
  }
  if (thread_.joinable()) thread_.join();
}

void WriteBehind::Submit(std::shared_ptr<const File> file, int64_t from, int64_t to) {
  if (to <= from) return;
  absl::MutexLock lock(&mu_);
  if (stopping_ || queue_.size() >= max_queued_) {
    ++stats_.dropped;
    return;
  }
  queue_.push_back(Range{std::move(file), from, to});
}

void WriteBehind::Drain() {
  absl::MutexLock lock(&mu_);
  // Without a running thread nothing would ever empty the queue.
  if (!started_ || stopping_) return;
  mu_.Await(absl::Condition(
      +[](WriteBehind* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
        return self->stopping_ || (self->queue_.empty() && !self->running_one_);
      },
      this));
}

WriteBehind::Stats WriteBehind::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void WriteBehind::Run() {
  while (true) {
    Range range;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](WriteBehind* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stopping_ || !self->queue_.empty();
          },
          this));
      if (stopping_) return;
      range = std::move(queue_.front());
      queue_.pop_front();
      running_one_ = true;
    }
    // May block for tens of milliseconds when the block layer throttles writeback; that is
    // why it runs here and not on a request thread.
    absl::Status status = range.file->StartWriteOut(range.from, range.to - range.from);
    if (!status.ok()) {
      SLUICE_LOG_EVERY_SECONDS(kWarn, 60) << "write-behind: " << status.message();
    }
    range.file.reset();
    absl::MutexLock lock(&mu_);
    ++(status.ok() ? stats_.requests : stats_.errors);
    if (status.ok()) stats_.bytes += range.to - range.from;
    running_one_ = false;
  }
}

}  // namespace sluice::log

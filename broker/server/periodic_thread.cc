#include "broker/server/periodic_thread.h"

#include <algorithm>
#include <chrono>

namespace sluice::server {

void PeriodicThread::Start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      const int64_t due = tick_(clock_());
      lock.lock();
      const int64_t wait = std::max<int64_t>(0, due - clock_());
      wake_.wait_for(lock, std::chrono::milliseconds(wait), [this] { return stop_; });
    }
  });
}

void PeriodicThread::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool PeriodicThread::stopping() const {
  std::lock_guard lock(mu_);
  return stop_;
}

}  // namespace sluice::server

// File: broker/server/periodic_thread.h
// A background thread for the broker's periodic work (retention, the log cleaner): it calls
// `tick(now_ms)`, which does whatever is due and returns the time it is due next, then sleeps
// until then. Stop() wakes it at once and waits for a tick in progress; a long tick may poll
// stopping() to end early.
//
// Thread-safety: Start and Stop from the owner; stopping() from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace sluice::server {

class PeriodicThread {
 public:
  using Tick = std::function<int64_t(int64_t now_ms)>;

  PeriodicThread(Tick tick, std::function<int64_t()> clock)
      : tick_(std::move(tick)), clock_(std::move(clock)) {}
  ~PeriodicThread() { Stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  void Start();
  // Idempotent.
  void Stop();
  bool stopping() const;

 private:
  const Tick tick_;
  const std::function<int64_t()> clock_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace sluice::server

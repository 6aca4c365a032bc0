#include "broker/log/log_flusher.h"

#include <map>
#include <utility>

namespace sluice::log {

void LogFlusher::Start() {
  thread_ = std::thread([this] { Run(); });
}

LogFlusher::~LogFlusher() { Stop(); }

void LogFlusher::Request(std::shared_ptr<PartitionLog> log, Done done) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(log), std::move(done)});
      return;
    }
  }
  if (done) done(absl::FailedPreconditionError("the log flusher has stopped"));
}

void LogFlusher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) {
    thread_.join();
    return;
  }
  std::deque<Pending> never_served;
  {
    absl::MutexLock lock(&mu_);
    never_served.swap(queue_);
  }
  for (Pending& p : never_served) {
    if (p.done) p.done(absl::FailedPreconditionError("the log flusher was never started"));
  }
}

LogFlusher::Stats LogFlusher::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void LogFlusher::Run() {
  while (true) {
    std::deque<Pending> round;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](LogFlusher* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stopping_ || !self->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // Stopping, nothing left to serve.
      round.swap(queue_);
    }
    ServeRound(std::move(round));
  }
}

void LogFlusher::ServeRound(std::deque<Pending> round) {
  // One Flush() per distinct log covers every request for it in this round: each was
  // queued after its append returned, and Flush() syncs all appends made before it starts.
  std::map<PartitionLog*, absl::Status> outcomes;
  for (const Pending& p : round) {
    if (!outcomes.contains(p.log.get())) outcomes[p.log.get()] = p.log->Flush();
  }
  int64_t errors = 0;
  for (const auto& [log, status] : outcomes) errors += status.ok() ? 0 : 1;
  {
    absl::MutexLock lock(&mu_);
    ++stats_.rounds;
    stats_.syncs += static_cast<int64_t>(outcomes.size());
    stats_.requests += static_cast<int64_t>(round.size());
    stats_.errors += errors;
  }
  for (Pending& p : round) {
    if (p.done) p.done(outcomes[p.log.get()]);
  }
}

}  // namespace sluice::log

#include "operator/runtime/backoff.h"

#include <algorithm>

namespace sluice::operator_runtime {

Duration BackoffDelay(const BackoffPolicy& policy, int failures) {
  if (failures <= 0) return Duration::zero();
  Duration delay = policy.base;
  for (int i = 1; i < failures; ++i) {
    if (delay >= policy.max / 2) return policy.max;
    delay *= 2;
  }
  return std::min(delay, policy.max);
}

TokenBucket::TokenBucket(double qps, int burst, TimePoint now)
    : qps_(qps), burst_(burst), tokens_(burst), last_(now) {}

Duration TokenBucket::Reserve(TimePoint now) {
  if (now > last_) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  tokens_ -= 1;
  if (tokens_ >= 0) return Duration::zero();
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(-tokens_ / qps_));
}

}  // namespace sluice::operator_runtime

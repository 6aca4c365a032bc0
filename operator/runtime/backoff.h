// File: operator/runtime/backoff.h
// Pure delay arithmetic for retries: per-item exponential backoff and a global token bucket.
// No clocks are read here; callers pass time in, so both are unit-tested exactly.
#pragma once

#include <chrono>
#include <cstdint>

namespace sluice::operator_runtime {

using Duration = std::chrono::steady_clock::duration;
using TimePoint = std::chrono::steady_clock::time_point;

struct BackoffPolicy {
  Duration base = std::chrono::milliseconds(5);
  Duration max = std::chrono::seconds(300);
};

// The delay before retry number `failures` (1 = the first retry): base * 2^(failures-1),
// capped at max. failures <= 0 gives 0.
Duration BackoffDelay(const BackoffPolicy& policy, int failures);

// A token bucket: `qps` tokens per second, at most `burst` stored. Reserve() always takes a
// token and says how long the caller must wait for it (0 when one was available), so
// reservations queue up fairly. Not thread-safe; WorkQueue guards it.
class TokenBucket {
 public:
  // REQUIRES: qps > 0, burst >= 1.
  TokenBucket(double qps, int burst, TimePoint now);
  Duration Reserve(TimePoint now);

 private:
  double qps_;
  double burst_;
  double tokens_;  // may go negative: tokens promised to earlier reservations
  TimePoint last_;
};

}  // namespace sluice::operator_runtime

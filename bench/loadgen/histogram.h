#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace sluice::bench {

// Log-bucketed histogram of non-negative integers (nanoseconds in this tool), in the spirit of
// HdrHistogram: values below 128 land in exact buckets; above that each power-of-two range
// [2^m, 2^(m+1)) is cut into 64 equal buckets, so a bucket's bounds are within 1/64 (1.6%) of
// each other. Values of 2^40 (about 18 minutes in ns) and more are clamped into the last bucket.
//
// Example: 1,000,000 ns has bit width 20, so shift = 13 and the bucket is [999,424, 1,007,615].
inline constexpr int kHistogramSubBits = 6;
inline constexpr int kHistogramMaxBits = 40;
inline constexpr int kHistogramBuckets = (kHistogramMaxBits - kHistogramSubBits + 1)
                                         << kHistogramSubBits;

// Bucket index of `value` and the inclusive bounds of a bucket.
int HistogramBucket(uint64_t value);
uint64_t HistogramBucketLow(int bucket);
uint64_t HistogramBucketHigh(int bucket);

// Plain counts: the result of snapshots, deltas and merges. Not thread-safe.
struct HistogramCounts {
  std::vector<uint64_t> counts = std::vector<uint64_t>(kHistogramBuckets, 0);
  uint64_t total = 0;
  uint64_t sum = 0;  // of recorded values, for the mean

  void Add(const HistogramCounts& other);
  // REQUIRES: `earlier` is a snapshot of the same histogram taken before this one.
  void Subtract(const HistogramCounts& earlier);

  // The highest value equivalent to the recorded value at quantile q in [0, 1] (the upper
  // bound of its bucket), as HdrHistogram reports; 0 when empty.
  uint64_t ValueAtQuantile(double q) const;
  uint64_t MaxBucketHigh() const;
  double Mean() const {
    return total ? static_cast<double>(sum) / static_cast<double>(total) : 0.0;
  }
};

// The live histogram a worker thread records into.
// Thread-safety: exactly one thread calls Record(); any thread may call SnapshotInto() at the same
// time. Counters are relaxed atomics written with plain load+store (no locked instruction), so a
// snapshot may miss the last few records but never sees a torn count.
class LogHistogram {
 public:
  void Record(uint64_t value) {
    Bump(counts_[HistogramBucket(value)], 1);
    Bump(total_, 1);
    Bump(sum_, value);
    if (value > max_.load(std::memory_order_relaxed)) max_.store(value, std::memory_order_relaxed);
  }
  void SnapshotInto(HistogramCounts& out) const;
  // Exact largest value recorded since construction.
  uint64_t Max() const { return max_.load(std::memory_order_relaxed); }

 private:
  static void Bump(std::atomic<uint64_t>& a, uint64_t d) {
    a.store(a.load(std::memory_order_relaxed) + d, std::memory_order_relaxed);
  }
  std::array<std::atomic<uint64_t>, kHistogramBuckets> counts_{};
  std::atomic<uint64_t> total_{0};
  std::atomic<uint64_t> sum_{0};
  std::atomic<uint64_t> max_{0};
};

}  // namespace sluice::bench

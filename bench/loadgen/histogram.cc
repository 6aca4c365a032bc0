#include "bench/loadgen/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace sluice::bench {

namespace {
constexpr uint64_t kSub = uint64_t{1} << kHistogramSubBits;  // 64
constexpr uint64_t kMaxValue = (uint64_t{1} << kHistogramMaxBits) - 1;
}  // namespace

int HistogramBucket(uint64_t value) {
  value = std::min(value, kMaxValue);
  if (value < 2 * kSub) return static_cast<int>(value);
  // value >> shift lies in [64, 128).
  const int shift = std::bit_width(value) - (kHistogramSubBits + 1);
  return static_cast<int>(kSub * shift + (value >> shift));
}

uint64_t HistogramBucketLow(int bucket) {
  const auto b = static_cast<uint64_t>(bucket);
  if (b < 2 * kSub) return b;
  const uint64_t shift = b / kSub - 1;
  return (b - kSub * shift) << shift;
}

uint64_t HistogramBucketHigh(int bucket) {
  const auto b = static_cast<uint64_t>(bucket);
  if (b < 2 * kSub) return b;
  const uint64_t shift = b / kSub - 1;
  return ((b - kSub * shift + 1) << shift) - 1;
}

void HistogramCounts::Add(const HistogramCounts& other) {
  for (size_t i = 0; i < counts.size(); ++i) counts[i] += other.counts[i];
  total += other.total;
  sum += other.sum;
}

void HistogramCounts::Subtract(const HistogramCounts& earlier) {
  for (size_t i = 0; i < counts.size(); ++i) counts[i] -= earlier.counts[i];
  total -= earlier.total;
  sum -= earlier.sum;
}

uint64_t HistogramCounts::ValueAtQuantile(double q) const {
  // Sum the buckets rather than trusting `total`: a concurrent snapshot may read them apart.
  uint64_t n = 0;
  for (uint64_t c : counts) n += c;
  if (n == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(n))));
  uint64_t seen = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    seen += counts[i];
    if (seen >= rank) return HistogramBucketHigh(static_cast<int>(i));
  }
  return MaxBucketHigh();
}

uint64_t HistogramCounts::MaxBucketHigh() const {
  for (size_t i = counts.size(); i-- > 0;) {
    if (counts[i]) return HistogramBucketHigh(static_cast<int>(i));
  }
  return 0;
}

void LogHistogram::SnapshotInto(HistogramCounts& out) const {
  for (size_t i = 0; i < counts_.size(); ++i)
    out.counts[i] = counts_[i].load(std::memory_order_relaxed);
  out.total = total_.load(std::memory_order_relaxed);
  out.sum = sum_.load(std::memory_order_relaxed);
}

}  // namespace sluice::bench

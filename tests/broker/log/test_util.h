// File: tests/broker/log/test_util.h
// Helpers for the log tests: valid record batches with fake record bytes, temporary
// directories and a settable clock.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "broker/log/log_config.h"

namespace sluice::log::testing {

struct BatchSpec {
  int32_t records = 1;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int64_t base_timestamp = 1000;
  int64_t max_timestamp = 1000;
  int16_t attributes = 0;
  size_t payload_bytes = 40;  // Fake record bytes after the 61-byte header.
  uint32_t seed = 0;          // Makes the payload distinct.
};

// A batch with baseOffset 0, epoch 0, magic 2, a correct CRC32C and filler records.
std::string MakeBatch(const BatchSpec& spec);
// `batch` with baseOffset and partitionLeaderEpoch overwritten (what the log stores).
std::string Stamped(std::string batch, int64_t base_offset, int32_t epoch);

// A fresh directory under the test's temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class FakeClock {
 public:
  explicit FakeClock(int64_t now_ms = 1'700'000'000'000) : now_(now_ms) {}
  void Advance(int64_t ms) { now_ += ms; }
  int64_t Now() const { return now_.load(); }
  Clock AsClock() {
    return [this] { return now_.load(); };
  }

 private:
  std::atomic<int64_t> now_;
};

std::string ReadFileBytes(const std::string& path);
void WriteFileBytes(const std::string& path, const std::string& bytes);
std::vector<std::string> ListNames(const std::string& dir);

}  // namespace sluice::log::testing

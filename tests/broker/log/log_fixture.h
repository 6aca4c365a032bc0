// File: tests/broker/log/log_fixture.h
// A fixture that opens a PartitionLog in a temporary directory and remembers what every
// successful append should have stored, so tests can compare the log with a model.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "broker/log/partition_log.h"
#include "tests/broker/log/test_util.h"

namespace sluice::log::testing {

struct StoredBatch {
  int64_t base_offset = 0;
  int64_t last_offset = 0;
  int64_t max_timestamp = 0;
  std::string bytes;  // As stored: stamped with base offset and epoch.
};

class LogFixture : public ::testing::Test {
 protected:
  std::string path() const { return dir_.path() + "/topic-0"; }

  // Opens the log; fails the test (and returns nullptr) on error.
  std::unique_ptr<PartitionLog> OpenLog();
  // Appends and records the expected stored batch; fails the test on error.
  AppendResult AppendOk(PartitionLog& log, const BatchSpec& spec, int32_t epoch = 0);
  // Appends `count` batches with varying record counts, sizes and timestamps.
  void AppendMany(PartitionLog& log, int count);
  // Everything from log start to log end in one read.
  std::string ReadAll(const PartitionLog& log);
  // The concatenation of model batches [0, n) (all if n < 0).
  std::string Expected(int n = -1) const;
  // Drops model batches from index n on.
  void ForgetFrom(size_t n) { stored_.resize(n); }
  // Checks that the log holds exactly the model: offsets, bytes and, for every offset,
  // that Read returns the batch containing it.
  void ExpectLogMatchesModel(const PartitionLog& log);

  LogConfig config_;
  TempDir dir_;
  FakeClock clock_;
  std::vector<StoredBatch> stored_;
  uint32_t next_seed_ = 1;
};

}  // namespace sluice::log::testing

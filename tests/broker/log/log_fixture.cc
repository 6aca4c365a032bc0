#include "tests/broker/log/log_fixture.h"

#include <limits>

namespace sluice::log::testing {

std::unique_ptr<PartitionLog> LogFixture::OpenLog() {
  absl::StatusOr<std::unique_ptr<PartitionLog>> log =
      PartitionLog::Open(path(), config_, clock_.AsClock());
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? std::move(*log) : nullptr;
}

AppendResult LogFixture::AppendOk(PartitionLog& log, const BatchSpec& spec, int32_t epoch) {
  std::string batch = MakeBatch(spec);
  absl::StatusOr<AppendResult> result = log.Append(batch, epoch);
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) return {};
  if (result->error == AppendError::kNone && !result->duplicate) {
    stored_.push_back(StoredBatch{result->base_offset, result->last_offset, spec.max_timestamp,
                                  Stamped(batch, result->base_offset, epoch)});
  }
  return *result;
}

void LogFixture::AppendMany(PartitionLog& log, int count) {
  for (int i = 0; i < count; ++i) {
    BatchSpec spec;
    spec.records = 1 + static_cast<int32_t>(next_seed_ % 5);
    spec.payload_bytes = 20 + (next_seed_ * 37) % 180;
    // Mostly increasing timestamps with some going backwards.
    spec.base_timestamp = 10'000 + next_seed_ * 10 - (next_seed_ % 7 == 0 ? 500 : 0);
    spec.max_timestamp = spec.base_timestamp + spec.records;
    spec.seed = next_seed_++;
    AppendOk(log, spec);
  }
}

std::string LogFixture::ReadAll(const PartitionLog& log) {
  absl::StatusOr<ReadResult> r =
      log.Read(log.log_start_offset(), std::numeric_limits<size_t>::max(),
               std::numeric_limits<int64_t>::max(), true);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->records : "";
}

std::string LogFixture::Expected(int n) const {
  std::string out;
  size_t count = n < 0 ? stored_.size() : static_cast<size_t>(n);
  for (size_t i = 0; i < count; ++i) out += stored_[i].bytes;
  return out;
}

void LogFixture::ExpectLogMatchesModel(const PartitionLog& log) {
  const int64_t start = stored_.empty() ? log.log_start_offset() : stored_.front().base_offset;
  const int64_t end = stored_.empty() ? start : stored_.back().last_offset + 1;
  ASSERT_EQ(log.log_start_offset(), start);
  ASSERT_EQ(log.log_end_offset(), end);
  ASSERT_EQ(ReadAll(log), Expected());
  for (const StoredBatch& b : stored_) {
    for (int64_t o = b.base_offset; o <= b.last_offset; ++o) {
      absl::StatusOr<ReadResult> r = log.Read(o, 1, std::numeric_limits<int64_t>::max(), true);
      ASSERT_TRUE(r.ok()) << r.status();
      ASSERT_EQ(r->records, b.bytes) << "offset " << o;
      ASSERT_EQ(r->next_offset, b.last_offset + 1);
    }
  }
}

}  // namespace sluice::log::testing

// File: tests/common/kafka/records/test_batches.h
// Helpers shared by the records tests: typical batches, and raw edits of batch bytes
// that keep (or deliberately break) the length and CRC fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/kafka/records/batch_header.h"
#include "common/byte_order.h"
#include "common/kafka/records/record_batch_builder.h"
#include "gtest/gtest.h"

namespace sluice::kafka::testing {

inline constexpr Compression kAllCodecs[] = {Compression::kNone, Compression::kGzip,
                                             Compression::kSnappy, Compression::kLz4,
                                             Compression::kZstd};

inline constexpr int64_t kNowMs = 1'700'000'000'000;

// A batch exercising every record shape: keys, null keys, null values, empty values,
// headers with null and non-null values, and timestamps below and above the first.
inline std::string TypicalBatch(Compression codec, int records = 5) {
  RecordBatchBuilder b;
  b.set_compression(codec).set_producer(1000, 3, 77);
  for (int i = 0; i < records; ++i) {
    std::optional<std::string> key;
    if (i % 3 != 1) key = "key-" + std::to_string(i);
    std::optional<std::string> value;
    if (i % 4 != 2)
      value = std::string(static_cast<size_t>(i) * 10, static_cast<char>('a' + i % 26));
    std::vector<Header> headers;
    if (i % 2 == 0) headers = {{"h1", "v" + std::to_string(i)}, {"h2", std::nullopt}};
    b.Add(kNowMs + (i % 2 == 0 ? i : -i), key, value, headers);
  }
  auto batch = b.Build();
  EXPECT_TRUE(batch.ok()) << batch.status();
  return batch.ok() ? *batch : std::string();
}

template <typename T>
void Poke(std::string* batch, size_t offset, T value) {
  StoreBigEndian<T>(batch->data() + offset, value);
}

// Recomputes batchLength from the string's size and then the CRC, so that an edit
// reaches the checks behind them.
inline void Reseal(std::string* batch) {
  Poke<int32_t>(batch, 8, static_cast<int32_t>(batch->size() - kBatchLengthFieldEnd));
  StoreBatchCrc(batch->data(), ComputeBatchCrc(*batch));
}

// Replaces the records section (after the header) and reseals.
inline std::string WithRecordsSection(std::string batch, std::string_view records) {
  batch.resize(kBatchHeaderSize);
  batch.append(records);
  Reseal(&batch);
  return batch;
}

}  // namespace sluice::kafka::testing

#include "tests/broker/log/test_util.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/byte_order.h"
#include "common/kafka/records/batch_header.h"
#include "common/kafka/records/crc32c.h"

namespace sluice::log::testing {

std::string MakeBatch(const BatchSpec& spec) {
  std::string b(kafka::kBatchHeaderSize + spec.payload_bytes, '\0');
  char* p = b.data();
  StoreBigEndian<int64_t>(p + 0, 0);
  StoreBigEndian<int32_t>(p + 8, static_cast<int32_t>(b.size() - kafka::kBatchLengthFieldEnd));
  StoreBigEndian<int32_t>(p + 12, 0);
  p[16] = kafka::kMagicV2;
  StoreBigEndian<int16_t>(p + 21, spec.attributes);
  StoreBigEndian<int32_t>(p + 23, spec.records - 1);
  StoreBigEndian<int64_t>(p + 27, spec.base_timestamp);
  StoreBigEndian<int64_t>(p + 35, spec.max_timestamp);
  StoreBigEndian<int64_t>(p + 43, spec.producer_id);
  StoreBigEndian<int16_t>(p + 51, spec.producer_epoch);
  StoreBigEndian<int32_t>(p + 53, spec.base_sequence);
  StoreBigEndian<int32_t>(p + 57, spec.records);
  for (size_t i = 0; i < spec.payload_bytes; ++i) {
    p[kafka::kBatchHeaderSize + i] = static_cast<char>((spec.seed * 131 + i * 7) & 0xff);
  }
  StoreBigEndian<uint32_t>(p + 17, kafka::Crc32c(0, p + 21, b.size() - 21));
  return b;
}

std::string Stamped(std::string batch, int64_t base_offset, int32_t epoch) {
  kafka::StampBatch(batch.data(), base_offset, epoch);
  return batch;
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "x";
  path_ =
      (std::filesystem::temp_directory_path() / ("sluice_log_test_" + std::to_string(::getpid()) +
                                                 "_" + std::to_string(counter++) + "_" + name))
          .string();
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFileBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::string> ListNames(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace sluice::log::testing

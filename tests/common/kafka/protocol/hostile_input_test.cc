// Hostile bodies must fail without allocating memory in proportion to claimed sizes.
// This binary replaces the global operator new to record the largest single allocation.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>

#include "common/kafka/protocol/messages/api_keys.h"
#include "common/kafka/protocol/messages/dispatch.h"
#include "common/kafka/protocol/reader.h"
#include "common/kafka/protocol/writer.h"

namespace {

std::atomic<bool> g_tracking{false};
std::atomic<size_t> g_largest{0};

void* Allocate(size_t n) {
  if (g_tracking.load(std::memory_order_relaxed)) {
    size_t prev = g_largest.load(std::memory_order_relaxed);
    while (n > prev && !g_largest.compare_exchange_weak(prev, n)) {
    }
  }
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) std::abort();
  return p;
}

}  // namespace

void* operator new(size_t n) { return Allocate(n); }
void* operator new[](size_t n) { return Allocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace sluice::kafka {
namespace {

// Inputs here are at most a few hundred bytes; no allocation may come close to this.
constexpr size_t kAllocationLimit = 64 * 1024;

// Runs `fn` and returns the largest single allocation it made.
template <typename Fn>
size_t LargestAllocation(Fn&& fn) {
  g_largest = 0;
  g_tracking = true;
  fn();
  g_tracking = false;
  return g_largest;
}

template <typename T>
absl::Status DecodeBody(const std::string& body, int16_t version) {
  Reader r(body);
  T m;
  return m.Decode(r, version);
}

TEST(HostileInputTest, HugeClassicArrayCountFailsWithoutAllocating) {
  Writer w;
  w.WriteNullableString(std::nullopt);  // transactional_id
  w.WriteInt16(1);                      // acks
  w.WriteInt32(1000);                   // timeout_ms
  w.WriteInt32(0x7fffffff);             // topic_data count
  w.WriteRaw(std::string(16, '\0'));
  const std::string body = w.Take();
  absl::Status status;
  EXPECT_LT(LargestAllocation([&] { status = DecodeBody<ProduceRequest>(body, 3); }),
            kAllocationLimit);
  EXPECT_FALSE(status.ok());
}

TEST(HostileInputTest, HugeCompactArrayCountFailsWithoutAllocating) {
  Writer w;
  w.WriteCompactNullableString(std::nullopt);
  w.WriteInt16(1);
  w.WriteInt32(1000);
  w.WriteUnsignedVarint(0xffffffffu);  // count 2^32 - 2
  w.WriteRaw(std::string(16, '\0'));
  const std::string body = w.Take();
  absl::Status status;
  EXPECT_LT(LargestAllocation([&] { status = DecodeBody<ProduceRequest>(body, 9); }),
            kAllocationLimit);
  EXPECT_FALSE(status.ok());
}

TEST(HostileInputTest, HugeRecordsLengthFailsWithoutAllocating) {
  Writer w;
  w.WriteNullableString(std::nullopt);
  w.WriteInt16(1);
  w.WriteInt32(1000);
  w.WriteInt32(1);  // one topic
  w.WriteString("t");
  w.WriteInt32(1);           // one partition
  w.WriteInt32(0);           // index
  w.WriteInt32(0x7ffffff0);  // records length
  w.WriteRaw(std::string(32, 'r'));
  const std::string body = w.Take();
  absl::Status status;
  EXPECT_LT(LargestAllocation([&] { status = DecodeBody<ProduceRequest>(body, 3); }),
            kAllocationLimit);
  EXPECT_FALSE(status.ok());
}

// Every request and response type at every version, fed bodies made of bytes that
// decode as large lengths and counts (0x7f.., 0xff..) and pseudo-random bytes.
TEST(HostileInputTest, NoDecoderAllocatesInProportionToClaimedSizes) {
  std::vector<std::string> bodies;
  for (int fill : {0x7f, 0xff, 0x80, 0x01}) bodies.emplace_back(256, static_cast<char>(fill));
  uint64_t state = 42;
  for (int i = 0; i < 32; ++i) {
    std::string body(1 + i * 8, '\0');
    for (char& c : body) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      c = static_cast<char>(state >> 56);
    }
    bodies.push_back(body);
  }
  for (const ApiSpec& api : GeneratedApis()) {
    ASSERT_TRUE(VisitApi(api.key, [&](auto types) {
      using Api = decltype(types);
      for (int16_t v = api.min_version; v <= api.max_version; ++v) {
        for (const std::string& body : bodies) {
          SCOPED_TRACE(testing::Message() << api.name << " v" << v << " body " << body.size());
          EXPECT_LT(LargestAllocation([&] {
                      (void)DecodeBody<typename Api::Request>(body, v);
                      (void)DecodeBody<typename Api::Response>(body, v);
                    }),
                    kAllocationLimit);
        }
      }
    }));
  }
}

}  // namespace
}  // namespace sluice::kafka

// File: common/kafka/records/big_endian.h
// Internal to sluice::records: fixed-width big-endian loads and stores used by the
// batch header and the builder. Not part of the module's public API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace sluice::kafka::internal {

// Reads sizeof(T) bytes at `p` as a big-endian integer.
// REQUIRES: `p` points at sizeof(T) readable bytes.
template <typename T>
T LoadBigEndian(const char* p) {
  static_assert(std::is_integral_v<T>);
  std::make_unsigned_t<T> v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    v = static_cast<std::make_unsigned_t<T>>((v << 8) | static_cast<uint8_t>(p[i]));
  }
  return static_cast<T>(v);
}

// Writes `value` as sizeof(T) big-endian bytes at `p`.
// REQUIRES: `p` points at sizeof(T) writable bytes.
template <typename T>
void StoreBigEndian(char* p, T value) {
  static_assert(std::is_integral_v<T>);
  auto v = static_cast<std::make_unsigned_t<T>>(value);
  for (size_t i = sizeof(T); i-- > 0;) {
    p[i] = static_cast<char>(v & 0xff);
    v = static_cast<std::make_unsigned_t<T>>(v >> 8);
  }
}

}  // namespace sluice::kafka::internal

// File: common/byte_order.h
// Big-endian loads and stores, the byte order of Kafka's wire and on-disk formats, for
// code that reads fixed layouts (record batch headers, index files, checkpoints).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

namespace sluice {

// REQUIRES: `p` points at sizeof(T) readable bytes.
template <typename T>
T LoadBigEndian(const char* p) {
  static_assert(std::is_integral_v<T>);
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return static_cast<T>(static_cast<std::make_unsigned_t<T>>(v));
}

// REQUIRES: `p` points at sizeof(T) writable bytes.
template <typename T>
void StoreBigEndian(char* p, T value) {
  static_assert(std::is_integral_v<T>);
  uint64_t v = static_cast<std::make_unsigned_t<T>>(value);
  for (size_t i = sizeof(T); i-- > 0;) {
    p[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

template <typename T>
void AppendBigEndian(std::string* out, T value) {
  char buf[sizeof(T)];
  StoreBigEndian<T>(buf, value);
  out->append(buf, sizeof(T));
}

}  // namespace sluice

namespace sluice {

// Reads big-endian values from a buffer it does not own, never past its end.
// REQUIRES: the buffer outlives the reader.
class ByteReader {
 public:
  ByteReader(const char* data, size_t size) : data_(data), size_(size) {}

  // Reads one value; returns false (and leaves *out unchanged) if too few bytes remain.
  template <typename T>
  bool Read(T* out) {
    if (size_ - pos_ < sizeof(T)) return false;
    *out = LoadBigEndian<T>(data_ + pos_);
    pos_ += sizeof(T);
    return true;
  }

  size_t remaining() const { return size_ - pos_; }
  size_t position() const { return pos_; }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace sluice

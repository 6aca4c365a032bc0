// File: common/kafka/protocol/writer.h
// Encoding of Kafka's wire primitives into an owned buffer; the counterpart of Reader
// (see reader.h for the encodings). The generated message codecs build on this class.
//
// Writing never fails. Values the wire format cannot represent are caller bugs:
// REQUIRES: strings at most kMaxStringLength bytes; byte arrays and array counts at most
// INT32_MAX (compact forms: INT32_MAX - 1).
//
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "common/kafka/protocol/uuid.h"

namespace sluice::kafka {

class Writer {
 public:
  Writer() = default;

  void WriteInt8(int8_t v) { WriteFixed(v); }
  void WriteInt16(int16_t v) { WriteFixed(v); }
  void WriteInt32(int32_t v) { WriteFixed(v); }
  void WriteInt64(int64_t v) { WriteFixed(v); }
  void WriteUint16(uint16_t v) { WriteFixed(v); }
  void WriteUint32(uint32_t v) { WriteFixed(v); }
  void WriteFloat64(double v);
  void WriteBool(bool v) { buffer_.push_back(v ? 1 : 0); }
  void WriteUuid(const Uuid& v);

  void WriteUnsignedVarint(uint32_t v);
  // Zig-zag signed varints as used inside record batches.
  void WriteVarint(int32_t v);
  void WriteVarlong(int64_t v);

  void WriteString(std::string_view v);
  void WriteNullableString(const std::optional<std::string>& v);
  void WriteCompactString(std::string_view v);
  void WriteCompactNullableString(const std::optional<std::string>& v);

  void WriteBytes(std::string_view v);
  void WriteNullableBytes(const std::optional<std::string>& v);
  void WriteCompactBytes(std::string_view v);
  void WriteCompactNullableBytes(const std::optional<std::string>& v);

  // Array counts; -1 writes a null array.
  void WriteArrayLength(int32_t count) { WriteInt32(count); }
  void WriteCompactArrayLength(int32_t count) {
    WriteUnsignedVarint(static_cast<uint32_t>(count + 1));
  }

  // Appends `v` as is.
  void WriteRaw(std::string_view v) { buffer_.append(v.data(), v.size()); }

  // Reserves 4 bytes (e.g. a frame length) to be filled in later by PatchInt32, and
  // returns their position.
  size_t ReserveInt32();
  // REQUIRES: `pos` was returned by ReserveInt32() on this writer (or pos + 4 <= size()).
  void PatchInt32(size_t pos, int32_t v);

  size_t size() const { return buffer_.size(); }
  // The bytes written so far; invalidated by the next write.
  std::string_view view() const { return buffer_; }
  // Moves the bytes out and leaves the writer empty.
  std::string Take() { return std::exchange(buffer_, std::string()); }

 private:
  template <typename T>
  void WriteFixed(T value) {
    auto v = static_cast<std::make_unsigned_t<T>>(value);
    char bytes[sizeof(T)];
    for (size_t i = sizeof(T); i-- > 0;) {
      bytes[i] = static_cast<char>(v & 0xff);
      v = static_cast<decltype(v)>(v >> 8);
    }
    buffer_.append(bytes, sizeof(T));
  }

  std::string buffer_;
};

}  // namespace sluice::kafka

// File: common/kafka/protocol/writer.h
// Encoding of Kafka's wire primitives into an owned buffer; the counterpart of Reader
// (see reader.h for the encodings). The generated message codecs build on this class.
//
// Writing never fails. Values the wire format cannot represent are caller bugs:
// REQUIRES: strings at most kMaxStringLength bytes; byte arrays and array counts at most
// INT32_MAX (compact forms: INT32_MAX - 1).
//
// Zero-copy: AppendSlice records a file slice as an external piece of the output at the
// current position instead of copying its bytes; the `records` overloads call it for a
// Records value holding slices. The encoded message is then Take()'s bytes with each
// slice inserted at its position (TakeSlices). Without slices nothing changes.
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
#include <vector>

#include "common/file_slice.h"
#include "common/kafka/protocol/records.h"
#include "common/kafka/protocol/uuid.h"

namespace sluice::kafka {

// A file slice that belongs at `position` of a writer's bytes (before the byte that is
// there; position == size() means at the end). Positions count owned bytes only.
struct BodySlice {
  size_t position = 0;
  FileSlice slice;
  bool operator==(const BodySlice&) const = default;
};

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
  // Zero-copy records (records.h): the length prefix counts the slices, whose bytes are
  // recorded with AppendSlice rather than copied.
  void WriteNullableBytes(const std::optional<Records>& v);
  void WriteCompactNullableBytes(const std::optional<Records>& v);
  // Viewed records (ProduceRequest's, reader.h Read*BytesView).
  void WriteNullableBytes(const std::optional<std::string_view>& v);
  void WriteCompactNullableBytes(const std::optional<std::string_view>& v);
  // Null bytes (disambiguates std::nullopt between the overloads above).
  void WriteNullableBytes(std::nullopt_t) { WriteInt32(-1); }
  void WriteCompactNullableBytes(std::nullopt_t) { WriteUnsignedVarint(0); }

  // Records `slice` as the next `slice.length` bytes of the output without copying them.
  void AppendSlice(const FileSlice& slice);

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
  // REQUIRES: no slices pending (call TakeSlices first when slices may be present).
  std::string Take();
  // Moves the recorded slices out, in position order.
  std::vector<BodySlice> TakeSlices() { return std::exchange(slices_, {}); }
  bool has_slices() const { return !slices_.empty(); }

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

  void WriteRecordsContent(const Records& v);

  std::string buffer_;
  std::vector<BodySlice> slices_;
};

}  // namespace sluice::kafka

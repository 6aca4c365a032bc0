// File: common/kafka/protocol/reader.h
// Decoding of Kafka's wire primitives from untrusted bytes. The generated message codecs
// (messages/*.h) are built on this class; it is the only hand-written decoding code.
//
// Errors are sticky: the first failure (too few bytes, a negative length where null is
// not allowed, a length longer than the bytes that remain, a varint longer than 5 bytes,
// an array count that the remaining bytes cannot hold) records a kInvalidArgument status
// naming what was being read and where; every later read returns a zero value and
// consumes nothing. Callers therefore read a whole structure and check ok() once.
//
// Memory: a claimed length or count is checked against remaining() before anything is
// allocated, so memory use is bounded by the input size, never by claimed sizes.
//
// Encodings, all big-endian:
//   classic string: int16 length, -1 = null.     compact string: uvarint length+1, 0 = null.
//   classic bytes:  int32 length, -1 = null.     compact bytes:  uvarint length+1, 0 = null.
//   classic array:  int32 count,  -1 = null.     compact array:  uvarint count+1,  0 = null.
//   tagged fields:  uvarint count, then per field uvarint tag, uvarint size, size bytes.
//
// Not thread-safe. The Reader does not own the bytes: they must outlive it and every
// string_view returned by ReadRaw() and the Read*BytesView() methods.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/kafka/protocol/uuid.h"

namespace sluice::kafka {

// Kafka caps every string (classic or compact) at this many bytes.
inline constexpr size_t kMaxStringLength = 0x7fff;

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  bool ok() const { return status_.ok(); }
  // The first error recorded, or OK.
  const absl::Status& status() const { return status_; }
  // Bytes not yet consumed (0 after an error).
  size_t remaining() const { return ok() ? data_.size() - pos_ : 0; }
  // Bytes consumed so far.
  size_t position() const { return pos_; }

  // Records kInvalidArgument "reading <what> at offset <position>: <problem>" unless an
  // error is already recorded. For checks made by callers (e.g. generated codecs).
  void Fail(std::string_view what, std::string_view problem);

  // Each read names what it reads (`what`, e.g. "ProduceRequest.acks") for error messages.
  // `what` must point at a string that outlives the call (typically a literal).
  int8_t ReadInt8(const char* what = "int8");
  int16_t ReadInt16(const char* what = "int16");
  int32_t ReadInt32(const char* what = "int32");
  int64_t ReadInt64(const char* what = "int64");
  uint16_t ReadUint16(const char* what = "uint16");
  uint32_t ReadUint32(const char* what = "uint32");
  double ReadFloat64(const char* what = "float64");
  // Any non-zero byte is true.
  bool ReadBool(const char* what = "bool");
  Uuid ReadUuid(const char* what = "uuid");

  // Unsigned LEB128 of at most 5 bytes whose value fits in 32 bits.
  uint32_t ReadUnsignedVarint(const char* what = "unsigned varint");
  // Zig-zag signed varints as used inside record batches (at most 5 and 10 bytes).
  int32_t ReadVarint(const char* what = "varint");
  int64_t ReadVarlong(const char* what = "varlong");

  // Strings (at most kMaxStringLength bytes; the bytes are not checked for UTF-8).
  // The non-nullable forms fail on a null length.
  std::string ReadString(const char* what = "string");
  std::optional<std::string> ReadNullableString(const char* what = "string");
  std::string ReadCompactString(const char* what = "compact string");
  std::optional<std::string> ReadCompactNullableString(const char* what = "compact string");

  // Byte arrays (also used for `records`). The non-nullable forms fail on a null length.
  std::string ReadBytes(const char* what = "bytes");
  std::optional<std::string> ReadNullableBytes(const char* what = "bytes");
  std::string ReadCompactBytes(const char* what = "compact bytes");
  std::optional<std::string> ReadCompactNullableBytes(const char* what = "compact bytes");
  // The same, as views of the input instead of copies (the `records` of ProduceRequest:
  // spec.py VIEW_RECORDS_MESSAGES). They point into the bytes the Reader was given.
  std::string_view ReadBytesView(const char* what = "bytes");
  std::optional<std::string_view> ReadNullableBytesView(const char* what = "bytes");
  std::string_view ReadCompactBytesView(const char* what = "compact bytes");
  std::optional<std::string_view> ReadCompactNullableBytesView(const char* what = "compact bytes");

  // Reads an array count: returns the count, or -1 for a null array (only when
  // `nullable`; otherwise null is an error). Fails if count * max(1, min_element_size)
  // exceeds remaining(), so the result is always safe to reserve().
  int32_t ReadArrayLength(bool nullable, size_t min_element_size, const char* what = "array");
  int32_t ReadCompactArrayLength(bool nullable, size_t min_element_size,
                                 const char* what = "compact array");

  // Returns the next `n` bytes without copying (empty on error).
  std::string_view ReadRaw(size_t n, const char* what = "raw bytes");

  // Reads a tagged-field section. For each field calls `on_field(uint32_t tag, Reader&
  // field)`, where `field` covers exactly that field's bytes; `on_field` returns false
  // for an unknown tag (it is skipped) or true after decoding it, in which case `field`
  // must be ok and fully consumed, else this reader fails.
  template <typename OnField>
  void ReadTaggedFields(OnField&& on_field, const char* what = "tagged fields");
  // Reads a tagged-field section and ignores every field in it.
  void SkipTaggedFields(const char* what = "tagged fields") {
    ReadTaggedFields([](uint32_t, Reader&) { return false; }, what);
  }

 private:
  // Returns a pointer to the next `n` bytes and consumes them, or nullptr after failing.
  const char* Take(size_t n, const char* what);
  template <typename T>
  T ReadFixed(const char* what);
  // Reads `length` bytes as a string; `length` < 0 means null.
  std::optional<std::string> ReadSized(int64_t length, bool nullable, size_t max_length,
                                       const char* what);
  std::optional<std::string_view> ReadSizedView(int64_t length, bool nullable, size_t max_length,
                                                const char* what);
  // Helpers for ReadTaggedFields (kept out of the template).
  bool BeginTaggedField(uint32_t* tag, std::string_view* body, const char* what);
  void FinishTaggedField(uint32_t tag, const Reader& field, const char* what);
  uint32_t ReadTaggedFieldCount(const char* what);

  std::string_view data_;
  size_t pos_ = 0;
  absl::Status status_;
};

template <typename OnField>
void Reader::ReadTaggedFields(OnField&& on_field, const char* what) {
  const uint32_t count = ReadTaggedFieldCount(what);
  // Bounded: ReadTaggedFieldCount checked that count <= remaining() / 2 and every
  // field consumes at least 2 bytes (tag and size).
  for (uint32_t i = 0; i < count && ok(); ++i) {
    uint32_t tag = 0;
    std::string_view body;
    if (!BeginTaggedField(&tag, &body, what)) return;
    Reader field(body);
    if (on_field(tag, field)) FinishTaggedField(tag, field, what);
  }
}

}  // namespace sluice::kafka

// File: common/kafka/records/varint.h
// Zigzag variable-length integers as used inside record batch v2 records (the
// protobuf "sint32"/"sint64" encoding): value v is zigzag-mapped so that small
// magnitudes of either sign are short, e.g. 0 -> 00, -1 -> 01, 1 -> 02, 63 -> 7e,
// -64 -> 7f, 64 -> 80 01. Each byte carries 7 bits, least significant group first,
// and the top bit marks that another byte follows.
//
// These are NOT the unsigned varints of the flexible request headers (those live in
// the protocol module).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::kafka {

inline constexpr size_t kMaxVarintBytes = 5;    // int32
inline constexpr size_t kMaxVarlongBytes = 10;  // int64

// Number of bytes AppendVarint / AppendVarlong write for `value`.
size_t VarintSize(int32_t value);
size_t VarlongSize(int64_t value);

// Appends the encoding of `value` to *out.
void AppendVarint(int32_t value, std::string* out);
void AppendVarlong(int64_t value, std::string* out);

// Decodes one varint from the front of *in and, on success, stores it in *value and
// removes the consumed bytes from *in. Fails (returning false and leaving *in and
// *value unchanged) when *in ends before the last byte, when the encoding runs past
// kMaxVarintBytes / kMaxVarlongBytes, or when its last byte carries bits that do not
// fit the type. Redundant zero groups (e.g. 80 00 for 0) are accepted, as Kafka does.
// Safe on arbitrary untrusted bytes.
inline bool ReadVarint(std::string_view* in, int32_t* value);
inline bool ReadVarlong(std::string_view* in, int64_t* value);

namespace varint_internal {

// Any encoding, byte by byte, with every check above.
bool ReadVarintSlow(std::string_view* in, int32_t* value);
bool ReadVarlongSlow(std::string_view* in, int64_t* value);

// The one- and two-byte encodings (0 to 16383), inline: a batch's lengths, deltas and counts
// almost always are, and reading them byte by byte was about 15% of the broker's CPU in W5
// (100-byte records).
// Leaves *in alone and returns false for anything else.
inline bool ReadShortUnsigned(std::string_view* in, uint32_t* u) {
  if (in->empty()) return false;
  const auto b0 = static_cast<uint8_t>(in->front());
  if (b0 < 0x80) {
    *u = b0;
    in->remove_prefix(1);
    return true;
  }
  if (in->size() < 2) return false;
  const auto b1 = static_cast<uint8_t>((*in)[1]);
  if (b1 >= 0x80) return false;
  *u = (b0 & 0x7fu) | (uint32_t{b1} << 7);
  in->remove_prefix(2);
  return true;
}

}  // namespace varint_internal

inline bool ReadVarint(std::string_view* in, int32_t* value) {
  uint32_t u;
  if (!varint_internal::ReadShortUnsigned(in, &u))
    return varint_internal::ReadVarintSlow(in, value);
  *value = static_cast<int32_t>((u >> 1) ^ (0u - (u & 1)));
  return true;
}

inline bool ReadVarlong(std::string_view* in, int64_t* value) {
  uint32_t u;
  if (!varint_internal::ReadShortUnsigned(in, &u))
    return varint_internal::ReadVarlongSlow(in, value);
  const uint64_t wide = u;
  *value = static_cast<int64_t>((wide >> 1) ^ (0ull - (wide & 1)));
  return true;
}

}  // namespace sluice::kafka

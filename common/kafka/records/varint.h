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
bool ReadVarint(std::string_view* in, int32_t* value);
bool ReadVarlong(std::string_view* in, int64_t* value);

}  // namespace sluice::kafka

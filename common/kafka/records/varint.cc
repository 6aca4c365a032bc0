#include "common/kafka/records/varint.h"

namespace sluice::kafka {
namespace {

uint32_t ZigZag32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(-(static_cast<uint32_t>(v) >> 31));
}
uint64_t ZigZag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(-(static_cast<uint64_t>(v) >> 63));
}
int32_t UnZigZag32(uint32_t u) { return static_cast<int32_t>((u >> 1) ^ (0u - (u & 1))); }
int64_t UnZigZag64(uint64_t u) { return static_cast<int64_t>((u >> 1) ^ (0ull - (u & 1))); }

size_t UnsignedSize(uint64_t u) {
  size_t n = 1;
  while (u >= 0x80) {
    u >>= 7;
    ++n;
  }
  return n;
}

void AppendUnsigned(uint64_t u, std::string* out) {
  char buf[kMaxVarlongBytes];
  size_t n = 0;
  while (u >= 0x80) {
    buf[n++] = static_cast<char>((u & 0x7f) | 0x80);
    u >>= 7;
  }
  buf[n++] = static_cast<char>(u);
  out->append(buf, n);
}

// Reads an unsigned group varint of at most `max_bytes` bytes whose value must fit in
// `bits` bits.
bool ReadUnsigned(std::string_view* in, size_t max_bytes, unsigned bits, uint64_t* value) {
  uint64_t result = 0;
  const size_t limit = in->size() < max_bytes ? in->size() : max_bytes;
  for (size_t i = 0; i < limit; ++i) {
    const auto byte = static_cast<uint8_t>((*in)[i]);
    const unsigned shift = static_cast<unsigned>(7 * i);
    const uint64_t group = byte & 0x7f;
    if (i + 1 == max_bytes) {
      // Last permitted byte: no continuation, and no bits beyond the type's width.
      if ((byte & 0x80) != 0 || (group >> (bits - shift)) != 0) return false;
    }
    result |= group << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      in->remove_prefix(i + 1);
      return true;
    }
  }
  return false;  // truncated
}

}  // namespace

size_t VarintSize(int32_t value) { return UnsignedSize(ZigZag32(value)); }
size_t VarlongSize(int64_t value) { return UnsignedSize(ZigZag64(value)); }

void AppendVarint(int32_t value, std::string* out) { AppendUnsigned(ZigZag32(value), out); }
void AppendVarlong(int64_t value, std::string* out) { AppendUnsigned(ZigZag64(value), out); }

namespace varint_internal {

bool ReadVarintSlow(std::string_view* in, int32_t* value) {
  uint64_t u;
  if (!ReadUnsigned(in, kMaxVarintBytes, 32, &u)) return false;
  *value = UnZigZag32(static_cast<uint32_t>(u));
  return true;
}

bool ReadVarlongSlow(std::string_view* in, int64_t* value) {
  uint64_t u;
  if (!ReadUnsigned(in, kMaxVarlongBytes, 64, &u)) return false;
  *value = UnZigZag64(u);
  return true;
}

}  // namespace varint_internal

}  // namespace sluice::kafka

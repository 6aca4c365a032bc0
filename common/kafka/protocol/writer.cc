#include "common/kafka/protocol/writer.h"

#include <cassert>
#include <cstring>

namespace sluice::kafka {

void Writer::WriteFloat64(double v) {
  uint64_t bits;
  static_assert(sizeof(v) == sizeof(bits));
  std::memcpy(&bits, &v, sizeof(bits));
  WriteFixed(bits);
}

void Writer::WriteUuid(const Uuid& v) {
  buffer_.append(reinterpret_cast<const char*>(v.bytes.data()), v.bytes.size());
}

void Writer::WriteUnsignedVarint(uint32_t v) {
  while (v >= 0x80) {
    buffer_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  buffer_.push_back(static_cast<char>(v));
}

void Writer::WriteVarint(int32_t v) {
  const uint32_t u = static_cast<uint32_t>(v);
  WriteUnsignedVarint((u << 1) ^ (v < 0 ? ~uint32_t{0} : 0));
}

void Writer::WriteVarlong(int64_t v) {
  uint64_t u = (static_cast<uint64_t>(v) << 1) ^ (v < 0 ? ~uint64_t{0} : 0);
  while (u >= 0x80) {
    buffer_.push_back(static_cast<char>((u & 0x7f) | 0x80));
    u >>= 7;
  }
  buffer_.push_back(static_cast<char>(u));
}

void Writer::WriteString(std::string_view v) {
  WriteInt16(static_cast<int16_t>(v.size()));
  WriteRaw(v);
}

void Writer::WriteNullableString(const std::optional<std::string>& v) {
  if (!v) {
    WriteInt16(-1);
  } else {
    WriteString(*v);
  }
}

void Writer::WriteCompactString(std::string_view v) {
  WriteUnsignedVarint(static_cast<uint32_t>(v.size() + 1));
  WriteRaw(v);
}

void Writer::WriteCompactNullableString(const std::optional<std::string>& v) {
  if (!v) {
    WriteUnsignedVarint(0);
  } else {
    WriteCompactString(*v);
  }
}

void Writer::WriteBytes(std::string_view v) {
  WriteInt32(static_cast<int32_t>(v.size()));
  WriteRaw(v);
}

void Writer::WriteNullableBytes(const std::optional<std::string>& v) {
  WriteNullableBytes(std::optional<std::string_view>(v));
}

void Writer::WriteCompactBytes(std::string_view v) { WriteCompactString(v); }

void Writer::WriteCompactNullableBytes(const std::optional<std::string>& v) {
  WriteCompactNullableBytes(std::optional<std::string_view>(v));
}

void Writer::WriteNullableBytes(const std::optional<std::string_view>& v) {
  if (!v) {
    WriteInt32(-1);
  } else {
    WriteBytes(*v);
  }
}

void Writer::WriteCompactNullableBytes(const std::optional<std::string_view>& v) {
  if (!v) {
    WriteUnsignedVarint(0);
  } else {
    WriteCompactBytes(*v);
  }
}

void Writer::WriteRecordsContent(const Records& v) {
  WriteRaw(v.bytes());
  for (const FileSlice& slice : v.slices()) AppendSlice(slice);
}

void Writer::WriteNullableBytes(const std::optional<Records>& v) {
  if (!v) {
    WriteInt32(-1);
    return;
  }
  WriteInt32(static_cast<int32_t>(v->size()));
  WriteRecordsContent(*v);
}

void Writer::WriteCompactNullableBytes(const std::optional<Records>& v) {
  if (!v) {
    WriteUnsignedVarint(0);
    return;
  }
  WriteUnsignedVarint(static_cast<uint32_t>(v->size() + 1));
  WriteRecordsContent(*v);
}

void Writer::AppendSlice(const FileSlice& slice) {
  if (slice.length > 0) slices_.push_back({buffer_.size(), slice});
}

std::string Writer::Take() {
  assert(slices_.empty());
  return std::exchange(buffer_, std::string());
}

size_t Writer::ReserveInt32() {
  const size_t pos = buffer_.size();
  buffer_.append(4, '\0');
  return pos;
}

void Writer::PatchInt32(size_t pos, int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  for (size_t i = 0; i < 4; ++i) {
    buffer_[pos + i] = static_cast<char>(u >> (24 - 8 * i));
  }
}

}  // namespace sluice::kafka

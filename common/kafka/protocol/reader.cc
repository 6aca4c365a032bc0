#include "common/kafka/protocol/reader.h"

#include <cstring>
#include <type_traits>

#include "absl/strings/str_cat.h"

namespace sluice::kafka {

void Reader::Fail(std::string_view what, std::string_view problem) {
  if (!ok()) return;
  // Debian's Abseil has its own string_view type, so spell the views out as strings.
  status_ = absl::InvalidArgumentError(
      absl::StrCat("reading ", std::string(what), " at offset ", pos_, ": ", std::string(problem)));
}

const char* Reader::Take(size_t n, const char* what) {
  if (!ok()) return nullptr;
  if (n > data_.size() - pos_) {
    Fail(what, absl::StrCat("needs ", n, " bytes but only ", data_.size() - pos_, " remain"));
    return nullptr;
  }
  const char* p = data_.data() + pos_;
  pos_ += n;
  return p;
}

template <typename T>
T Reader::ReadFixed(const char* what) {
  const char* p = Take(sizeof(T), what);
  if (p == nullptr) return T{};
  std::make_unsigned_t<T> v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    v = static_cast<std::make_unsigned_t<T>>((v << 8) | static_cast<uint8_t>(p[i]));
  }
  return static_cast<T>(v);
}

int8_t Reader::ReadInt8(const char* what) { return ReadFixed<int8_t>(what); }
int16_t Reader::ReadInt16(const char* what) { return ReadFixed<int16_t>(what); }
int32_t Reader::ReadInt32(const char* what) { return ReadFixed<int32_t>(what); }
int64_t Reader::ReadInt64(const char* what) { return ReadFixed<int64_t>(what); }
uint16_t Reader::ReadUint16(const char* what) { return ReadFixed<uint16_t>(what); }
uint32_t Reader::ReadUint32(const char* what) { return ReadFixed<uint32_t>(what); }

double Reader::ReadFloat64(const char* what) {
  const uint64_t bits = ReadFixed<uint64_t>(what);
  double v;
  static_assert(sizeof(v) == sizeof(bits));
  std::memcpy(&v, &bits, sizeof(v));
  return v;
}

bool Reader::ReadBool(const char* what) { return ReadFixed<uint8_t>(what) != 0; }

Uuid Reader::ReadUuid(const char* what) {
  Uuid id;
  const char* p = Take(id.bytes.size(), what);
  if (p != nullptr) std::memcpy(id.bytes.data(), p, id.bytes.size());
  return id;
}

uint32_t Reader::ReadUnsignedVarint(const char* what) {
  uint32_t value = 0;
  for (int i = 0; i < 5; ++i) {
    const char* p = Take(1, what);
    if (p == nullptr) return 0;
    const uint8_t b = static_cast<uint8_t>(*p);
    if (i == 4 && b > 0x0f) {
      Fail(what, "varint is longer than 5 bytes or does not fit in 32 bits");
      return 0;
    }
    value |= static_cast<uint32_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) return value;
  }
  return value;  // Unreachable: the fifth byte either ends the varint or fails.
}

int32_t Reader::ReadVarint(const char* what) {
  const uint32_t raw = ReadUnsignedVarint(what);
  return static_cast<int32_t>((raw >> 1) ^ (~(raw & 1) + 1));
}

int64_t Reader::ReadVarlong(const char* what) {
  uint64_t raw = 0;
  for (int i = 0; i < 10; ++i) {
    const char* p = Take(1, what);
    if (p == nullptr) return 0;
    const uint8_t b = static_cast<uint8_t>(*p);
    if (i == 9 && b > 0x01) {
      Fail(what, "varlong is longer than 10 bytes or does not fit in 64 bits");
      return 0;
    }
    raw |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) break;
  }
  return static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
}

namespace {

std::optional<std::string> Owned(std::optional<std::string_view> view) {
  if (!view) return std::nullopt;
  return std::string(*view);
}

}  // namespace

std::optional<std::string_view> Reader::ReadSizedView(int64_t length, bool nullable,
                                                      size_t max_length, const char* what) {
  if (!ok()) return std::nullopt;
  if (length < 0) {
    if (length != -1) {
      Fail(what, absl::StrCat("invalid length ", length));
    } else if (!nullable) {
      Fail(what, "null where a value is required");
    }
    return std::nullopt;
  }
  if (static_cast<uint64_t>(length) > max_length) {
    Fail(what, absl::StrCat("length ", length, " exceeds the limit of ", max_length));
    return std::nullopt;
  }
  const char* p = Take(static_cast<size_t>(length), what);
  if (p == nullptr) return std::nullopt;
  return std::string_view(p, static_cast<size_t>(length));
}

std::optional<std::string> Reader::ReadSized(int64_t length, bool nullable, size_t max_length,
                                             const char* what) {
  return Owned(ReadSizedView(length, nullable, max_length, what));
}

std::string Reader::ReadString(const char* what) {
  return ReadSized(ReadInt16(what), false, kMaxStringLength, what).value_or(std::string());
}

std::optional<std::string> Reader::ReadNullableString(const char* what) {
  return ReadSized(ReadInt16(what), true, kMaxStringLength, what);
}

std::string Reader::ReadCompactString(const char* what) {
  const int64_t length = int64_t{ReadUnsignedVarint(what)} - 1;
  return ReadSized(length, false, kMaxStringLength, what).value_or(std::string());
}

std::optional<std::string> Reader::ReadCompactNullableString(const char* what) {
  const int64_t length = int64_t{ReadUnsignedVarint(what)} - 1;
  return ReadSized(length, true, kMaxStringLength, what);
}

std::string Reader::ReadBytes(const char* what) { return std::string(ReadBytesView(what)); }

std::optional<std::string> Reader::ReadNullableBytes(const char* what) {
  return Owned(ReadNullableBytesView(what));
}

std::string Reader::ReadCompactBytes(const char* what) {
  return std::string(ReadCompactBytesView(what));
}

std::optional<std::string> Reader::ReadCompactNullableBytes(const char* what) {
  return Owned(ReadCompactNullableBytesView(what));
}

std::string_view Reader::ReadBytesView(const char* what) {
  return ReadSizedView(ReadInt32(what), false, SIZE_MAX, what).value_or(std::string_view());
}

std::optional<std::string_view> Reader::ReadNullableBytesView(const char* what) {
  return ReadSizedView(ReadInt32(what), true, SIZE_MAX, what);
}

std::string_view Reader::ReadCompactBytesView(const char* what) {
  const int64_t length = int64_t{ReadUnsignedVarint(what)} - 1;
  return ReadSizedView(length, false, SIZE_MAX, what).value_or(std::string_view());
}

std::optional<std::string_view> Reader::ReadCompactNullableBytesView(const char* what) {
  const int64_t length = int64_t{ReadUnsignedVarint(what)} - 1;
  return ReadSizedView(length, true, SIZE_MAX, what);
}

namespace {

// Shared by both array forms: validates a decoded count (-1 = null).
int32_t CheckArrayLength(Reader& reader, int64_t count, bool nullable, size_t min_element_size,
                         const char* what) {
  if (!reader.ok()) return 0;
  if (count < 0) {
    if (count != -1) {
      reader.Fail(what, absl::StrCat("invalid array count ", count));
    } else if (!nullable) {
      reader.Fail(what, "null array where a value is required");
      return 0;
    }
    return count == -1 ? -1 : 0;
  }
  const uint64_t min_size = min_element_size == 0 ? 1 : min_element_size;
  if (static_cast<uint64_t>(count) > reader.remaining() / min_size) {
    reader.Fail(what, absl::StrCat("array count ", count, " cannot fit in the ", reader.remaining(),
                                   " remaining bytes"));
    return 0;
  }
  return static_cast<int32_t>(count);
}

}  // namespace

int32_t Reader::ReadArrayLength(bool nullable, size_t min_element_size, const char* what) {
  const int32_t count = ReadInt32(what);
  return CheckArrayLength(*this, count, nullable, min_element_size, what);
}

int32_t Reader::ReadCompactArrayLength(bool nullable, size_t min_element_size, const char* what) {
  const int64_t count = int64_t{ReadUnsignedVarint(what)} - 1;
  return CheckArrayLength(*this, count, nullable, min_element_size, what);
}

std::string_view Reader::ReadRaw(size_t n, const char* what) {
  const char* p = Take(n, what);
  return p == nullptr ? std::string_view() : std::string_view(p, n);
}

uint32_t Reader::ReadTaggedFieldCount(const char* what) {
  const uint32_t count = ReadUnsignedVarint(what);
  if (ok() && count > remaining() / 2) {
    Fail(what, absl::StrCat("tagged field count ", count, " cannot fit in the ", remaining(),
                            " remaining bytes"));
    return 0;
  }
  return count;
}

bool Reader::BeginTaggedField(uint32_t* tag, std::string_view* body, const char* what) {
  *tag = ReadUnsignedVarint(what);
  const uint32_t size = ReadUnsignedVarint(what);
  *body = ReadRaw(size, what);
  return ok();
}

void Reader::FinishTaggedField(uint32_t tag, const Reader& field, const char* what) {
  if (!field.ok()) {
    Fail(what, absl::StrCat("tag ", tag, ": ", field.status().message()));
  } else if (field.remaining() != 0) {
    Fail(what, absl::StrCat("tag ", tag, ": ", field.remaining(), " bytes left unread"));
  }
}

}  // namespace sluice::kafka

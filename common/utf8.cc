#include "common/utf8.h"

#include <cstdint>

namespace sluice {

size_t Utf8SequenceLength(std::string_view text, size_t i) {
  auto byte = static_cast<unsigned char>(text[i]);
  if (byte < 0x80) return 1;
  size_t extra = 0;
  uint32_t code = 0;
  if ((byte & 0xe0) == 0xc0) {
    extra = 1;
    code = byte & 0x1f;
  } else if ((byte & 0xf0) == 0xe0) {
    extra = 2;
    code = byte & 0x0f;
  } else if ((byte & 0xf8) == 0xf0) {
    extra = 3;
    code = byte & 0x07;
  } else {
    return 0;
  }
  if (i + extra >= text.size()) return 0;  // Truncated.
  for (size_t j = 1; j <= extra; ++j) {
    auto next = static_cast<unsigned char>(text[i + j]);
    if ((next & 0xc0) != 0x80) return 0;
    code = (code << 6) | (next & 0x3f);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
  if (code < kMinForLength[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
    return 0;
  }
  return extra + 1;
}

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string ToValidUtf8(const std::string& text) {
  if (IsValidUtf8(text)) return text;
  static constexpr char kReplacement[] = "\xef\xbf\xbd";  // U+FFFD
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text, i, length);
      i += length;
    }
  }
  return out;
}

}  // namespace sluice

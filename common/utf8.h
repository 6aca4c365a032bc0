// File: common/utf8.h
// UTF-8 checks for text that arrives as bytes (Kafka strings, stored JSON). Well-formed means
// RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF, no truncated sequence.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice {

// Length of the well-formed sequence starting at text[i]; 0 if none starts there.
// REQUIRES: i < text.size().
size_t Utf8SequenceLength(std::string_view text, size_t i);

bool IsValidUtf8(std::string_view text);

// `text` with every byte that starts no well-formed sequence replaced by U+FFFD.
std::string ToValidUtf8(const std::string& text);

}  // namespace sluice

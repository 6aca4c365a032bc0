// File: broker/metadata/topic_id.cc
#include "broker/metadata/topic_id.h"

#include <random>

namespace sluice::metadata {
namespace {

// 16 bytes from the OS entropy source, shaped as a version-4, variant-1 UUID.
std::array<uint8_t, 16> RandomUuidBytes() {
  // std::random_device is not guaranteed thread-safe; one per call keeps it simple and
  // these calls are rare (topic creation, first start).
  std::random_device device;
  std::array<uint8_t, 16> out{};
  for (size_t i = 0; i < out.size(); i += 4) {
    uint32_t word = device();
    for (size_t j = 0; j < 4; ++j) out[i + j] = static_cast<uint8_t>(word >> (8 * j));
  }
  out[6] = static_cast<uint8_t>((out[6] & 0x0f) | 0x40);
  out[8] = static_cast<uint8_t>((out[8] & 0x3f) | 0x80);
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

TopicId TopicId::Random() {
  TopicId id;
  id.bytes = RandomUuidBytes();  // Version bits make the result non-zero.
  return id;
}

std::optional<TopicId> TopicId::FromHex(const std::string& hex) {
  if (hex.size() != 32) return std::nullopt;
  TopicId id;
  for (size_t i = 0; i < 16; ++i) {
    int high = HexValue(hex[2 * i]);
    int low = HexValue(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    id.bytes[i] = static_cast<uint8_t>((high << 4) | low);
  }
  return id;
}

std::string TopicId::ToHex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

bool TopicId::IsZero() const {
  for (uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

std::string GenerateClusterId() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::array<uint8_t, 16> raw = RandomUuidBytes();
  std::string out;
  out.reserve(22);
  // 16 bytes = 128 bits = 21 full sextets + 2 leftover bits.
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t b : raw) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3f]);
  return out;
}

}  // namespace sluice::metadata

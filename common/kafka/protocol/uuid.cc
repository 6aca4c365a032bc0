#include "common/kafka/protocol/uuid.h"

#include <random>

#include "absl/strings/str_cat.h"

namespace sluice::kafka {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

bool IsReserved(const Uuid& id) {
  Uuid one;
  one.bytes[15] = 1;
  return id.IsZero() || id == one;
}

}  // namespace

Uuid Uuid::Random() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  Uuid id;
  // Bounded: a random id is reserved or starts with '-' with probability about 1/64.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    for (size_t i = 0; i < id.bytes.size(); i += 8) {
      uint64_t v = engine();
      for (size_t j = 0; j < 8; ++j) id.bytes[i + j] = static_cast<uint8_t>(v >> (8 * j));
    }
    id.bytes[6] = static_cast<uint8_t>((id.bytes[6] & 0x0f) | 0x40);  // version 4
    id.bytes[8] = static_cast<uint8_t>((id.bytes[8] & 0x3f) | 0x80);  // IETF variant
    if (!IsReserved(id) && id.ToBase64()[0] != '-') break;
  }
  return id;
}

std::string Uuid::ToBase64() const {
  std::string out;
  out.reserve(22);
  // 16 bytes = 5 groups of 3 bytes (20 chars) + 1 byte (2 chars).
  for (size_t i = 0; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  out.push_back(kAlphabet[bytes[15] >> 2]);
  out.push_back(kAlphabet[(bytes[15] & 3) << 4]);
  return out;
}

absl::StatusOr<Uuid> Uuid::FromBase64(std::string_view text) {
  if (text.size() != 22) {
    return absl::InvalidArgumentError(
        absl::StrCat("uuid must be 22 base64 characters, got ", text.size()));
  }
  int values[22];
  for (size_t i = 0; i < text.size(); ++i) {
    values[i] = DecodeChar(text[i]);
    if (values[i] < 0) {
      return absl::InvalidArgumentError(absl::StrCat("uuid has a non-base64 character at ", i));
    }
  }
  if ((values[21] & 15) != 0) {
    return absl::InvalidArgumentError("uuid base64 has non-zero padding bits");
  }
  Uuid id;
  for (size_t g = 0; g < 5; ++g) {
    const int* v = values + 4 * g;
    uint32_t bits =
        (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | uint32_t(v[3]);
    id.bytes[3 * g] = static_cast<uint8_t>(bits >> 16);
    id.bytes[3 * g + 1] = static_cast<uint8_t>(bits >> 8);
    id.bytes[3 * g + 2] = static_cast<uint8_t>(bits);
  }
  id.bytes[15] = static_cast<uint8_t>((values[20] << 2) | (values[21] >> 4));
  return id;
}

}  // namespace sluice::kafka

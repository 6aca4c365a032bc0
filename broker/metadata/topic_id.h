// File: broker/metadata/topic_id.h
// The 16-byte identifier Kafka gives every topic (KIP-516). This is the metadata store's own
// small value type; the wire codec has its own Uuid, and converting between the two is a copy
// of 16 bytes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace sluice::metadata {

struct TopicId {
  std::array<uint8_t, 16> bytes{};

  // A random version-4 UUID (122 random bits). Never returns the all-zero id.
  // Thread-safe.
  static TopicId Random();

  // Parses exactly 32 hex digits (either case). Returns nullopt for anything else.
  static std::optional<TopicId> FromHex(const std::string& hex);

  // 32 lowercase hex digits; FromHex(id.ToHex()) == id.
  std::string ToHex() const;
  std::string ToString() const { return ToHex(); }

  // Kafka reserves the all-zero id ("no topic id"); a stored topic never has it.
  bool IsZero() const;

  friend bool operator==(const TopicId&, const TopicId&) = default;
};

// 16 random bytes rendered as 22 characters of unpadded base64url, the shape of a Kafka
// cluster id (e.g. "MkU3OEVBNTcwNTJENDM2Qg"). Thread-safe.
std::string GenerateClusterId();

}  // namespace sluice::metadata

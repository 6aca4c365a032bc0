// File: common/kafka/protocol/uuid.h
// Kafka's 128-bit UUID (topic ids, incarnation ids). On the wire it is 16 raw bytes; in
// text (logs, admin tools, configs) Kafka shows it as 22 characters of URL-safe base64
// without padding, e.g. "AAAAAAAAAAAAAAAAAAAAAA" for the all-zero id.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sluice::kafka {

struct Uuid {
  std::array<uint8_t, 16> bytes{};

  bool operator==(const Uuid&) const = default;

  // True for the all-zero id, which Kafka uses to mean "no id".
  bool IsZero() const { return *this == Uuid{}; }

  // A random version-4 id that is never one of Kafka's reserved ids (all-zero, and the
  // id ending in 1 used for the metadata topic) and whose base64 form does not start
  // with '-' (so it cannot be mistaken for a command-line flag). Thread-safe.
  static Uuid Random();

  // 22-character URL-safe base64, no padding.
  std::string ToBase64() const;

  // Parses the ToBase64() form. Fails with kInvalidArgument on any other input.
  static absl::StatusOr<Uuid> FromBase64(std::string_view text);
};

}  // namespace sluice::kafka

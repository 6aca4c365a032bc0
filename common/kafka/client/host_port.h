// File: common/kafka/client/host_port.h
// A "host:port" network address as Kafka advertises it, and its parser.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sluice::kafka::client {

struct HostPort {
  std::string host;  // DNS name, IPv4 literal, or IPv6 literal without brackets
  uint16_t port = 0;

  // "host:port", with brackets around an IPv6 literal.
  std::string ToString() const;
  bool operator==(const HostPort&) const = default;
  auto operator<=>(const HostPort&) const = default;
};

// Parses "host:port" or "[v6]:port". Fails with kInvalidArgument on a missing host,
// a missing or non-numeric port, or a port outside 1..65535.
absl::StatusOr<HostPort> ParseHostPort(absl::string_view text);

}  // namespace sluice::kafka::client

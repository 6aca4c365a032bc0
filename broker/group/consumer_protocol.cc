// File: broker/group/consumer_protocol.cc
#include "broker/group/consumer_protocol.h"

#include <cstdint>

#include "common/byte_order.h"

namespace sluice::group {

std::optional<std::set<std::string>> ParseSubscriptionTopics(std::string_view metadata) {
  size_t pos = 0;
  auto remaining = [&] { return metadata.size() - pos; };
  if (remaining() < 6) return std::nullopt;
  auto version = LoadBigEndian<int16_t>(metadata.data());
  auto count = LoadBigEndian<int32_t>(metadata.data() + 2);
  pos = 6;
  if (version < 0 || count < 0) return std::nullopt;
  std::set<std::string> topics;
  // Each topic takes at least 2 bytes, so the loop is bounded by the input size.
  for (int32_t i = 0; i < count; ++i) {
    if (remaining() < 2) return std::nullopt;
    auto length = LoadBigEndian<int16_t>(metadata.data() + pos);
    pos += 2;
    if (length < 0 || remaining() < static_cast<size_t>(length)) return std::nullopt;
    topics.emplace(metadata.substr(pos, static_cast<size_t>(length)));
    pos += static_cast<size_t>(length);
  }
  return topics;
}

}  // namespace sluice::group

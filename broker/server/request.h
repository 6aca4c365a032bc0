// File: broker/server/request.h
// What a request handler sees of a request, and how it answers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/kafka/protocol/writer.h"

namespace sluice::server {

struct RequestContext {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::string client_id;
  uint64_t connection_id = 0;
  std::string peer;  // "address:port" of the client
  // Authenticated principal; every connection is anonymous until SASL exists.
  std::string principal = "User:ANONYMOUS";
};

// A handler's answer to one request.
struct Response {
  enum class Kind { kBody, kNone, kClose };
  Kind kind = Kind::kBody;
  std::string body;  // encoded response body, without size prefix or header
  // Zero-copy pieces (a Fetch's records): the body on the wire is `body` with each slice's
  // bytes inserted at its position, in order. The connection sends them with sendfile(2);
  // each slice keeps its file open until the response is written or dropped.
  std::vector<kafka::BodySlice> slices;

  static Response Body(std::string body, std::vector<kafka::BodySlice> slices = {}) {
    return {Kind::kBody, std::move(body), std::move(slices)};
  }
  // No response is sent (Produce with acks=0); later responses still go out in order.
  static Response None() { return {Kind::kNone, {}}; }
  // The connection is closed after the responses queued before this one.
  static Response Close() { return {Kind::kClose, {}}; }
};

// Completes a request. Call exactly once, from any thread.
using Responder = std::function<void(Response)>;

}  // namespace sluice::server

// File: broker/server/dispatcher.h
// Routes parsed requests to the handler registered for their API key, checks versions,
// and records per-API metrics. Built at start-up; read-only (and so thread-safe) after.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "broker/server/api_handler.h"
#include "broker/server/server_probe.h"

namespace sluice::server {

class Dispatcher {
 public:
  // `probe` must outlive the dispatcher; may be null (tests).
  explicit Dispatcher(ServerProbe* probe) : probe_(probe) {}

  // REQUIRES: no handler is registered yet for handler->api_key(); called before serving.
  void Register(std::unique_ptr<ApiHandler> handler);

  const ApiHandler* Find(int16_t api_key) const;
  // Registered handlers in API key order.
  std::vector<const ApiHandler*> Handlers() const;

  // Serves one request. Unknown API keys and unsupported versions close the connection,
  // except ApiVersions, which answers an unsupported version with a v0 body carrying
  // UNSUPPORTED_VERSION (KIP-511) so that the client can retry with a lower version.
  // `body` is valid only during this call.
  void Dispatch(const RequestContext& ctx, std::string_view body, Responder respond);

 private:
  static constexpr size_t kMaxApiKey = 128;
  ServerProbe* probe_;
  std::array<std::unique_ptr<ApiHandler>, kMaxApiKey> handlers_{};
};

}  // namespace sluice::server

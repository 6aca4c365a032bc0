// File: broker/server/handlers/api_versions.h
// ApiVersions (key 18): lists every API the broker serves with its version range.
#pragma once

#include <string>

#include "broker/server/api_handler.h"
#include "common/kafka/protocol/messages/api_versions.h"

namespace sluice::server {
class Dispatcher;
}

namespace sluice::server::handlers {

class ApiVersionsHandler
    : public SyncHandler<kafka::ApiVersionsRequest, kafka::ApiVersionsResponse> {
 public:
  static constexpr int16_t kKey = kafka::ApiVersionsRequest::kApiKey;

  // `dispatcher` must outlive the handler; its handlers are listed at request time.
  explicit ApiVersionsHandler(const Dispatcher& dispatcher) : dispatcher_(dispatcher) {}

  // The v0 body with UNSUPPORTED_VERSION that answers an ApiVersions request of a
  // version the broker does not know (KIP-511).
  static std::string UnsupportedVersionBody(const Dispatcher& dispatcher);

 protected:
  kafka::ApiVersionsResponse ServeNow(const RequestContext& ctx,
                                      const kafka::ApiVersionsRequest& request) override;

 private:
  const Dispatcher& dispatcher_;
};

}  // namespace sluice::server::handlers

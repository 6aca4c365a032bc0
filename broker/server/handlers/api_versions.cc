#include "broker/server/handlers/api_versions.h"

#include "broker/server/dispatcher.h"
#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {
namespace {

kafka::ApiVersionsResponse ListApis(const Dispatcher& dispatcher) {
  kafka::ApiVersionsResponse response;
  for (const ApiHandler* h : dispatcher.Handlers()) {
    kafka::ApiVersionsResponse::ApiVersion api;
    api.api_key = h->api_key();
    api.min_version = h->advertised_min_version();
    api.max_version = h->max_version();
    response.api_keys.push_back(api);
  }
  return response;
}

}  // namespace

std::string ApiVersionsHandler::UnsupportedVersionBody(const Dispatcher& dispatcher) {
  kafka::ApiVersionsResponse response = ListApis(dispatcher);
  response.error_code = Code(KafkaError::kUnsupportedVersion);
  kafka::Writer writer;
  response.Encode(writer, 0);
  return writer.Take();
}

kafka::ApiVersionsResponse ApiVersionsHandler::ServeNow(const RequestContext&,
                                                        const kafka::ApiVersionsRequest&) {
  // Client software name and version (v3+) are accepted as sent, without checks.
  return ListApis(dispatcher_);
}

}  // namespace sluice::server::handlers

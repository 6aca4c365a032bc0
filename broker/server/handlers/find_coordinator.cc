#include "broker/server/handlers/find_coordinator.h"

#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {

namespace {
constexpr int8_t kGroupKey = 0;
}  // namespace

kafka::FindCoordinatorResponse FindCoordinatorHandler::ServeNow(
    const RequestContext&, const kafka::FindCoordinatorRequest& request) {
  kafka::FindCoordinatorResponse response;
  if (request.key_type != kGroupKey) {
    response.error_code = Code(KafkaError::kCoordinatorNotAvailable);
    response.error_message = "transactions are not supported by this broker yet";
    response.node_id = -1;
    response.port = -1;
    return response;
  }
  HostPort advertised = broker_.config.Advertised();
  response.error_message = std::nullopt;
  response.node_id = broker_.config.node_id;
  response.host = advertised.host;
  response.port = advertised.port;
  return response;
}

}  // namespace sluice::server::handlers

#include "broker/server/handlers/init_producer_id.h"

#include <limits>

#include "broker/server/kafka_errors.h"
#include "common/log.h"

namespace sluice::server::handlers {

kafka::InitProducerIdResponse InitProducerIdHandler::ServeNow(
    const RequestContext& ctx, const kafka::InitProducerIdRequest& request) {
  kafka::InitProducerIdResponse response;
  response.producer_id = -1;
  response.producer_epoch = -1;
  if (request.transactional_id.has_value()) {
    SLUICE_LOG(kInfo) << "refusing transactional producer " << *request.transactional_id << " from "
                      << ctx.peer << ": transactions are not supported yet";
    response.error_code = Code(KafkaError::kTransactionalIdAuthorizationFailed);
    return response;
  }
  bool bump = request.producer_id >= 0 && request.producer_epoch >= 0 &&
              request.producer_epoch < std::numeric_limits<int16_t>::max() - 1;
  if (bump) {
    response.producer_id = request.producer_id;
    response.producer_epoch = static_cast<int16_t>(request.producer_epoch + 1);
    return response;
  }
  auto id = broker_.producer_ids.Next();
  if (!id.ok()) {
    SLUICE_LOG(kError) << "allocating a producer id failed: " << id.status().message();
    response.error_code = Code(KafkaError::kUnknownServerError);
    return response;
  }
  response.producer_id = *id;
  response.producer_epoch = 0;
  return response;
}

}  // namespace sluice::server::handlers

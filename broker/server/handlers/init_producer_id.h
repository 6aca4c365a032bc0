// File: broker/server/handlers/init_producer_id.h
// InitProducerId (key 22) for idempotent producers: a fresh producer id at epoch 0, or,
// when a producer asks to bump its epoch (v3+, KIP-360), the same id at epoch + 1.
// Transactions are not served yet: a transactional id is refused.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/init_producer_id.h"

namespace sluice::server::handlers {

class InitProducerIdHandler
    : public SyncHandler<kafka::InitProducerIdRequest, kafka::InitProducerIdResponse> {
 public:
  explicit InitProducerIdHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::InitProducerIdResponse ServeNow(const RequestContext& ctx,
                                         const kafka::InitProducerIdRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

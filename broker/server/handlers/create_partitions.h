// File: broker/server/handlers/create_partitions.h
// CreatePartitions (key 37): grows topics (never shrinks: INVALID_PARTITIONS), with
// validate_only; new partitions are led by this broker and persisted as change records.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/create_partitions.h"

namespace sluice::server::handlers {

class CreatePartitionsHandler
    : public SyncHandler<kafka::CreatePartitionsRequest, kafka::CreatePartitionsResponse> {
 public:
  explicit CreatePartitionsHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::CreatePartitionsResponse ServeNow(const RequestContext& ctx,
                                           const kafka::CreatePartitionsRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

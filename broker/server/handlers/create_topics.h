// File: broker/server/handlers/create_topics.h
// CreateTopics (key 19): validates each topic as Kafka does (name, partitions,
// replication factor, manual assignments, configs) and creates the valid ones.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/create_topics.h"

namespace sluice::server::handlers {

class CreateTopicsHandler
    : public SyncHandler<kafka::CreateTopicsRequest, kafka::CreateTopicsResponse> {
 public:
  explicit CreateTopicsHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::CreateTopicsResponse ServeNow(const RequestContext& ctx,
                                       const kafka::CreateTopicsRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

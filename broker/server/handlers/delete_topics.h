// File: broker/server/handlers/delete_topics.h
// DeleteTopics (key 20): deletes topics by name (v0-5) or by name or id (v6+).
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/delete_topics.h"

namespace sluice::server::handlers {

class DeleteTopicsHandler
    : public SyncHandler<kafka::DeleteTopicsRequest, kafka::DeleteTopicsResponse> {
 public:
  explicit DeleteTopicsHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::DeleteTopicsResponse ServeNow(const RequestContext& ctx,
                                       const kafka::DeleteTopicsRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

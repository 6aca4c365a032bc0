// File: broker/server/handlers/metadata.h
// Metadata (key 3): brokers, cluster id, controller, and topics with their partitions.
// A null topic list (v1+; an empty one in v0) means every topic. Unknown topics are
// created when auto.create.topics.enable is on and the request allows it (v4+).
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/metadata.h"

namespace sluice::server::handlers {

class MetadataHandler : public SyncHandler<kafka::MetadataRequest, kafka::MetadataResponse> {
 public:
  explicit MetadataHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::MetadataResponse ServeNow(const RequestContext& ctx,
                                   const kafka::MetadataRequest& request) override;

 private:
  kafka::MetadataResponse::MetadataResponseTopic Describe(const TopicView& topic) const;
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

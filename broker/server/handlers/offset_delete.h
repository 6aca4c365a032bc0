// File: broker/server/handlers/offset_delete.h
// OffsetDelete (key 47), v0: removes a group's committed offsets of some partitions. Allowed
// for empty groups, and for active consumer groups on topics no member subscribes to
// (GROUP_SUBSCRIBED_TO_TOPIC otherwise). Unknown partitions get UNKNOWN_TOPIC_OR_PARTITION;
// a group-level error replaces the partition list, as in Kafka.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/offset_delete.h"

namespace sluice::server::handlers {

class OffsetDeleteHandler
    : public TypedHandler<kafka::OffsetDeleteRequest, kafka::OffsetDeleteResponse> {
 public:
  explicit OffsetDeleteHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  void Serve(const RequestContext& ctx, kafka::OffsetDeleteRequest request, Done done) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

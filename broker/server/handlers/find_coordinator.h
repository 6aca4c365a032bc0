// File: broker/server/handlers/find_coordinator.h
// FindCoordinator (key 10), v0-3. A single broker coordinates every group itself
// (broker/group), so group lookups name this broker. Transaction coordinators are refused
// with COORDINATOR_NOT_AVAILABLE.
//
// v0 matters beyond groups: librdkafka 2.0.2 enables lz4 only when the broker lists
// FindCoordinator v0 (reference/protocol.md).
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/find_coordinator.h"

namespace sluice::server::handlers {

class FindCoordinatorHandler
    : public SyncHandler<kafka::FindCoordinatorRequest, kafka::FindCoordinatorResponse> {
 public:
  explicit FindCoordinatorHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::FindCoordinatorResponse ServeNow(const RequestContext& ctx,
                                          const kafka::FindCoordinatorRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

// File: broker/server/handlers/heartbeat.h
// Heartbeat (key 12), v0-4: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it
// to rejoin. v3+ carries group.instance.id.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/heartbeat.h"

namespace sluice::server::handlers {

class HeartbeatHandler : public SyncHandler<kafka::HeartbeatRequest, kafka::HeartbeatResponse> {
 public:
  explicit HeartbeatHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::HeartbeatResponse ServeNow(const RequestContext& ctx,
                                    const kafka::HeartbeatRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

// File: broker/server/handlers/leave_group.h
// LeaveGroup (key 13), v0-5. v0-2 name one member and carry its error at the top level;
// v3+ take a batch of members, by member id or (for administrative removal of static
// members) by group.instance.id alone, each answered with its own error.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/leave_group.h"

namespace sluice::server::handlers {

class LeaveGroupHandler : public SyncHandler<kafka::LeaveGroupRequest, kafka::LeaveGroupResponse> {
 public:
  explicit LeaveGroupHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::LeaveGroupResponse ServeNow(const RequestContext& ctx,
                                     const kafka::LeaveGroupRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

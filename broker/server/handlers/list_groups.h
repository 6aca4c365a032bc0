// File: broker/server/handlers/list_groups.h
// ListGroups (key 16), v0-5: every group this broker coordinates, with protocol type, state
// (v4+) and type (v5+, always "classic"). States and types filters (v4, v5) match
// case-insensitively; an empty filter matches everything.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/list_groups.h"

namespace sluice::server::handlers {

class ListGroupsHandler : public SyncHandler<kafka::ListGroupsRequest, kafka::ListGroupsResponse> {
 public:
  explicit ListGroupsHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::ListGroupsResponse ServeNow(const RequestContext& ctx,
                                     const kafka::ListGroupsRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

// File: broker/server/handlers/delete_groups.h
// DeleteGroups (key 42), v0-2: deletes empty groups with their committed offsets
// (NON_EMPTY_GROUP while members remain, GROUP_ID_NOT_FOUND for unknown groups). Answered
// once the deletions are durable.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/delete_groups.h"

namespace sluice::server::handlers {

class DeleteGroupsHandler
    : public TypedHandler<kafka::DeleteGroupsRequest, kafka::DeleteGroupsResponse> {
 public:
  explicit DeleteGroupsHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  void Serve(const RequestContext& ctx, kafka::DeleteGroupsRequest request, Done done) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

// File: broker/server/handlers/sync_group.h
// SyncGroup (key 14), v0-5: the leader hands in the assignment; every member gets its own
// bytes back once the assignment is stored. Followers wait for the leader, so the handler
// is asynchronous. v3+ carries group.instance.id; v5 checks protocol type and name.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/sync_group.h"

namespace sluice::server::handlers {

class SyncGroupHandler : public TypedHandler<kafka::SyncGroupRequest, kafka::SyncGroupResponse> {
 public:
  explicit SyncGroupHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  void Serve(const RequestContext& ctx, kafka::SyncGroupRequest request, Done done) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

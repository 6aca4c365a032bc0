// File: broker/server/handlers/join_group.h
// JoinGroup (key 11), v0-9: asks the group coordinator to add the member to the next
// generation. The answer waits until the rebalance completes (group/group.h), like a long
// poll, so the handler is asynchronous. v0 has no rebalance timeout (the session timeout
// stands in, as in Kafka); v4+ gets MEMBER_ID_REQUIRED on a first join (KIP-394); v5+
// carries group.instance.id; v9 may tell a rejoining static leader to skip assignment.
#pragma once

#include <string>

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/join_group.h"

namespace sluice::server::handlers {

class JoinGroupHandler : public TypedHandler<kafka::JoinGroupRequest, kafka::JoinGroupResponse> {
 public:
  explicit JoinGroupHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  void Serve(const RequestContext& ctx, kafka::JoinGroupRequest request, Done done) override;

 private:
  BrokerContext& broker_;
};

// Kafka's client host for a peer "address:port": "/address".
std::string ClientHost(const std::string& peer);

}  // namespace sluice::server::handlers

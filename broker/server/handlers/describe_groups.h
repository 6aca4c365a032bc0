// File: broker/server/handlers/describe_groups.h
// DescribeGroups (key 15), v0-5: state, protocol and members of each group. Member metadata
// and assignment are the clients' own bytes, returned verbatim (and only while the group is
// Stable, as Kafka does), so kafka-consumer-groups can decode them. A group that does not
// exist is reported as Dead without an error. With include_authorized_operations (v3+) the
// operations are READ, DELETE and DESCRIBE, everything a group supports, since every
// principal may do everything until ACLs exist.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/describe_groups.h"

namespace sluice::server::handlers {

class DescribeGroupsHandler
    : public SyncHandler<kafka::DescribeGroupsRequest, kafka::DescribeGroupsResponse> {
 public:
  explicit DescribeGroupsHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::DescribeGroupsResponse ServeNow(const RequestContext& ctx,
                                         const kafka::DescribeGroupsRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

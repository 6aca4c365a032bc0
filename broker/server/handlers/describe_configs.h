// File: broker/server/handlers/describe_configs.h
// DescribeConfigs (key 32): every config of a topic (set or default, with its source,
// type and documentation) and the broker's static configs.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/describe_configs.h"

namespace sluice::server::handlers {

class DescribeConfigsHandler
    : public SyncHandler<kafka::DescribeConfigsRequest, kafka::DescribeConfigsResponse> {
 public:
  explicit DescribeConfigsHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::DescribeConfigsResponse ServeNow(const RequestContext& ctx,
                                          const kafka::DescribeConfigsRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

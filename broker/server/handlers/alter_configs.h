// File: broker/server/handlers/alter_configs.h
// AlterConfigs (key 33, legacy): replaces a topic's explicit configs or a broker's
// dynamic configs with the given set (config_admin.h).
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/alter_configs.h"

namespace sluice::server::handlers {

class AlterConfigsHandler
    : public SyncHandler<kafka::AlterConfigsRequest, kafka::AlterConfigsResponse> {
 public:
  explicit AlterConfigsHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::AlterConfigsResponse ServeNow(const RequestContext& ctx,
                                       const kafka::AlterConfigsRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

// File: broker/server/handlers/incremental_alter_configs.h
// IncrementalAlterConfigs (key 44): SET, DELETE, APPEND, SUBTRACT on topic configs and
// dynamic broker configs (config_admin.h, config_ops.h).
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/incremental_alter_configs.h"

namespace sluice::server::handlers {

class IncrementalAlterConfigsHandler : public SyncHandler<kafka::IncrementalAlterConfigsRequest,
                                                          kafka::IncrementalAlterConfigsResponse> {
 public:
  explicit IncrementalAlterConfigsHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::IncrementalAlterConfigsResponse ServeNow(
      const RequestContext& ctx, const kafka::IncrementalAlterConfigsRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

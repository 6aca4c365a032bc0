// File: broker/server/handlers/describe_log_dirs.h
// DescribeLogDirs (key 35): the one data directory, the size of each partition in it,
// offset lag 0 (no future replicas), and the file system's total and usable bytes (v4).
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/describe_log_dirs.h"

namespace sluice::server::handlers {

class DescribeLogDirsHandler
    : public SyncHandler<kafka::DescribeLogDirsRequest, kafka::DescribeLogDirsResponse> {
 public:
  explicit DescribeLogDirsHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::DescribeLogDirsResponse ServeNow(const RequestContext& ctx,
                                          const kafka::DescribeLogDirsRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

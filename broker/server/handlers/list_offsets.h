// File: broker/server/handlers/list_offsets.h
// ListOffsets (key 2): the earliest offset (-2), the latest (-1, the high watermark),
// or the first offset whose record timestamp is at or after a given time.
// Served up to v6; v7's max-timestamp lookup (-3) is not offered yet.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/list_offsets.h"

namespace sluice::server::handlers {

class ListOffsetsHandler
    : public SyncHandler<kafka::ListOffsetsRequest, kafka::ListOffsetsResponse> {
 public:
  explicit ListOffsetsHandler(BrokerContext& broker) : broker_(broker) {}
  int16_t max_version() const override { return 6; }

 protected:
  kafka::ListOffsetsResponse ServeNow(const RequestContext& ctx,
                                      const kafka::ListOffsetsRequest& request) override;

 private:
  kafka::ListOffsetsResponse::ListOffsetsPartitionResponse Lookup(
      const std::string& topic, const kafka::ListOffsetsRequest::ListOffsetsPartition& p);
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

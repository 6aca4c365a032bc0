// File: broker/server/handlers/produce.h
// Produce (key 0): validates each partition's record batch, appends it to the log
// (the idempotent producer's duplicates are answered with their original offsets and
// not appended again), and wakes fetches waiting on the partition.
//
// Acknowledgement: the batch is in the operating system's page cache before the
// response is sent, so a killed broker process loses nothing acknowledged. acks=all
// means every in-sync replica, which on one broker is this one. With acks=0 nothing
// is answered, and a failure closes the connection.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/produce.h"

namespace sluice::server::handlers {

class ProduceHandler : public SyncHandler<kafka::ProduceRequest, kafka::ProduceResponse> {
 public:
  explicit ProduceHandler(BrokerContext& broker) : broker_(broker) {}

  // librdkafka only enables compression if Produce v0 is listed (protocol.md); v0-2
  // requests themselves are refused, as Kafka 4 does.
  int16_t advertised_min_version() const override { return 0; }

 protected:
  kafka::ProduceResponse ServeNow(const RequestContext& ctx,
                                  const kafka::ProduceRequest& request) override;
  bool Silent(const kafka::ProduceRequest& request) const override { return request.acks == 0; }
  bool CloseSilently(const kafka::ProduceResponse& response) const override;

 private:
  kafka::ProduceResponse::PartitionProduceResponse Append(
      const RequestContext& ctx, const std::string& topic,
      const kafka::ProduceRequest::PartitionProduceData& data);

  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

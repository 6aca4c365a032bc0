// File: broker/server/handlers/produce.h
// Produce (key 0): validates each partition's record batch, appends it to the log
// (the idempotent producer's duplicates are answered with their original offsets and
// not appended again), and wakes fetches waiting on the partition.
//
// Acknowledgement: the batch is in the operating system's page cache before the
// response is sent, so a killed broker process loses nothing acknowledged. acks=all
// means every in-sync replica, which on one broker is this one. With acks=0 nothing
// is answered, and a failure closes the connection.
//
// Durable mode: where a topic's flush.messages is 1 (topic config, else the broker's
// log.flush.interval.messages), the response waits until an fdatasync covering the batch
// has completed (log/log_flusher.h, shared by concurrent producers), so an acknowledged
// record survives a machine crash; a failed sync answers KAFKA_STORAGE_ERROR. Where it is
// N > 1, a background sync starts once N offsets are unsynced; the acknowledgement does
// not wait for it. Consumers may read a record before it is synced.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/produce.h"

namespace sluice::server::handlers {

class ProduceHandler : public TypedHandler<kafka::ProduceRequest, kafka::ProduceResponse> {
 public:
  explicit ProduceHandler(BrokerContext& broker) : broker_(broker) {}

  // librdkafka only enables compression if Produce v0 is listed (protocol.md); v0-2
  // requests themselves are refused, as Kafka 4 does.
  int16_t advertised_min_version() const override { return 0; }

 protected:
  void Serve(const RequestContext& ctx, kafka::ProduceRequest request, Done done) override;
  bool Silent(const kafka::ProduceRequest& request) const override { return request.acks == 0; }
  bool CloseSilently(const kafka::ProduceResponse& response) const override;

 private:
  // Appends one partition's batch. Sets `*sync` to the log when the acknowledgement must
  // wait for an fdatasync; starts a background sync when flush.messages asks for one.
  // The batch is stamped in place (the request is not used afterwards).
  kafka::ProduceResponse::PartitionProduceResponse Append(
      const RequestContext& ctx, const std::string& topic,
      kafka::ProduceRequest::PartitionProduceData& data, bool acks_wait,
      std::shared_ptr<log::PartitionLog>* sync);

  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

// File: broker/server/handlers/fetch.h
// Fetch (key 1) for consumers: whole batches from the offset asked for, up to the
// high watermark, within the partition and response byte limits (the first batch
// always fits, KIP-74). Long polls: when fewer than min_bytes are available the
// request waits, up to max_wait_ms, for Produce to append to one of its partitions.
// Fetch sessions are not kept (session_id is always 0, so clients send full fetches).
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/fetch.h"

namespace sluice::server::handlers {

class FetchHandler : public TypedHandler<kafka::FetchRequest, kafka::FetchResponse> {
 public:
  explicit FetchHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  void Serve(const RequestContext& ctx, kafka::FetchRequest request, Done done) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

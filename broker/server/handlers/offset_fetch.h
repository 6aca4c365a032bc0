// File: broker/server/handlers/offset_fetch.h
// OffsetFetch (key 9), v1-8: committed offsets of the partitions named, or of every
// partition with a committed offset when the topic list is null (v2+). v8 batches groups.
// Partitions without a commit (and unknown topics) read offset -1, metadata "", no error,
// as in Kafka. require_stable (v7+) needs nothing more: without transactions no commit is
// ever pending. Group-level errors go at the top (v2-7), per group (v8), or into every
// partition (v1).
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/offset_fetch.h"

namespace sluice::server::handlers {

class OffsetFetchHandler
    : public SyncHandler<kafka::OffsetFetchRequest, kafka::OffsetFetchResponse> {
 public:
  explicit OffsetFetchHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::OffsetFetchResponse ServeNow(const RequestContext& ctx,
                                      const kafka::OffsetFetchRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

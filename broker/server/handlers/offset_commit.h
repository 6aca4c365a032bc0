// File: broker/server/handlers/offset_commit.h
// OffsetCommit (key 8), serves v2-8; advertised from v0 because librdkafka 2.0.2 turns
// consumer groups on only if the broker's range contains OffsetCommit v1 (protocol.md).
// Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION here, as in Kafka's request
// layer; the rest go to the coordinator, which checks member and generation and answers
// once the offsets are durable. The commit metadata string is kept verbatim (up to
// offset.metadata.max.bytes, else OFFSET_METADATA_TOO_LARGE for that partition).
#pragma once

#include <string>

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/offset_commit.h"

namespace sluice::server::handlers {

class OffsetCommitHandler
    : public TypedHandler<kafka::OffsetCommitRequest, kafka::OffsetCommitResponse> {
 public:
  explicit OffsetCommitHandler(BrokerContext& broker) : broker_(broker) {}
  int16_t advertised_min_version() const override { return 0; }

 protected:
  void Serve(const RequestContext& ctx, kafka::OffsetCommitRequest request, Done done) override;

 private:
  BrokerContext& broker_;
};

// True if the topic exists on this broker and has the partition.
bool PartitionExists(const BrokerContext& broker, const std::string& topic, int32_t partition);

}  // namespace sluice::server::handlers

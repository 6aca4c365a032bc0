// File: broker/server/handlers/delete_records.h
// DeleteRecords (key 21): moves each partition's log start offset up to the given offset
// (-1: the high watermark), persisted so a restart keeps it (TopicTable::DeleteRecordsBefore).
// OFFSET_OUT_OF_RANGE above the high watermark, POLICY_VIOLATION on compact-only topics.
#pragma once

#include "broker/server/api_handler.h"
#include "broker/server/broker_context.h"
#include "common/kafka/protocol/messages/delete_records.h"

namespace sluice::server::handlers {

class DeleteRecordsHandler
    : public SyncHandler<kafka::DeleteRecordsRequest, kafka::DeleteRecordsResponse> {
 public:
  explicit DeleteRecordsHandler(BrokerContext& broker) : broker_(broker) {}

 protected:
  kafka::DeleteRecordsResponse ServeNow(const RequestContext& ctx,
                                        const kafka::DeleteRecordsRequest& request) override;

 private:
  BrokerContext& broker_;
};

}  // namespace sluice::server::handlers

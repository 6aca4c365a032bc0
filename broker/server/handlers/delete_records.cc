#include "broker/server/handlers/delete_records.h"

#include "broker/server/kafka_errors.h"
#include "broker/server/topic_config.h"

namespace sluice::server::handlers {

using Request = kafka::DeleteRecordsRequest;
using Response = kafka::DeleteRecordsResponse;

Response DeleteRecordsHandler::ServeNow(const RequestContext&, const Request& request) {
  Response response;
  for (const auto& t : request.topics) {
    Response::DeleteRecordsTopicResult topic;
    topic.name = t.name;
    auto view = broker_.topics.Find(t.name);
    const bool compact_only =
        view && EffectiveTopicConfig(view->record.configs, "cleanup.policy").find("delete") ==
                    std::string::npos;
    for (const auto& p : t.partitions) {
      Response::DeleteRecordsPartitionResult out;
      out.partition_index = p.partition_index;
      out.low_watermark = -1;
      if (compact_only) {
        // Kafka refuses it: deleting records would break the compaction guarantees.
        out.error_code = Code(KafkaError::kPolicyViolation);
        topic.partitions.push_back(out);
        continue;
      }
      auto result = broker_.topics.DeleteRecordsBefore(t.name, p.partition_index, p.offset);
      if (!result.ok()) {
        out.error_code = Code(LogError(result.status()));
      } else {
        out.low_watermark = result->log_start_offset;
        broker_.retention.RecordDeleteRecords(*result);
      }
      topic.partitions.push_back(out);
    }
    response.topics.push_back(std::move(topic));
  }
  return response;
}

}  // namespace sluice::server::handlers

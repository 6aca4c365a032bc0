// File: broker/server/handlers/offset_delete.cc
#include "broker/server/handlers/offset_delete.h"

#include <memory>
#include <utility>

#include "broker/server/handlers/offset_commit.h"
#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {

void OffsetDeleteHandler::Serve(const RequestContext&, kafka::OffsetDeleteRequest request,
                                Done done) {
  auto response = std::make_shared<kafka::OffsetDeleteResponse>();
  std::vector<std::pair<size_t, size_t>> places;
  std::vector<group::TopicPartition> partitions;
  for (size_t t = 0; t < request.topics.size(); ++t) {
    const auto& topic = request.topics[t];
    kafka::OffsetDeleteResponse::OffsetDeleteResponseTopic out;
    out.name = topic.name;
    for (size_t p = 0; p < topic.partitions.size(); ++p) {
      kafka::OffsetDeleteResponse::OffsetDeleteResponsePartition result;
      result.partition_index = topic.partitions[p].partition_index;
      if (PartitionExists(broker_, topic.name, result.partition_index)) {
        partitions.push_back(group::TopicPartition{topic.name, result.partition_index});
        places.emplace_back(t, p);
      } else {
        result.error_code = Code(KafkaError::kUnknownTopicOrPartition);
      }
      out.partitions.push_back(result);
    }
    response->topics.push_back(std::move(out));
  }
  broker_.groups.DeleteOffsets(
      request.group_id, std::move(partitions),
      [response, places = std::move(places), done = std::move(done)](
          group::GroupError error, std::vector<group::GroupError> errors) {
        if (error != group::GroupError::kNone) {
          kafka::OffsetDeleteResponse failed;
          failed.error_code = Code(error);
          done(std::move(failed));
          return;
        }
        for (size_t i = 0; i < errors.size() && i < places.size(); ++i) {
          response->topics[places[i].first].partitions[places[i].second].error_code =
              Code(errors[i]);
        }
        done(std::move(*response));
      });
}

}  // namespace sluice::server::handlers

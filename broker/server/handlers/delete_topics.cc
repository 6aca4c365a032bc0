#include "broker/server/handlers/delete_topics.h"

#include "absl/strings/str_cat.h"
#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {

using Response = kafka::DeleteTopicsResponse;

kafka::DeleteTopicsResponse DeleteTopicsHandler::ServeNow(
    const RequestContext&, const kafka::DeleteTopicsRequest& request) {
  // Both request forms become (name or null, id) pairs.
  std::vector<std::pair<std::optional<std::string>, kafka::Uuid>> wanted;
  for (const auto& name : request.topic_names) wanted.emplace_back(name, kafka::Uuid{});
  for (const auto& t : request.topics) wanted.emplace_back(t.name, t.topic_id);

  Response response;
  for (const auto& [name, id] : wanted) {
    Response::DeletableTopicResult result;
    result.name = name;
    result.topic_id = id;
    std::shared_ptr<const TopicView> view;
    if (name.has_value()) {
      view = broker_.topics.Find(*name);
    } else {
      view = broker_.topics.FindById(metadata::TopicId{id.bytes});
    }
    if (!view) {
      bool by_id = !name.has_value();
      result.error_code =
          Code(by_id ? KafkaError::kUnknownTopicId : KafkaError::kUnknownTopicOrPartition);
      result.error_message = by_id ? "This server does not host this topic ID."
                                   : "This server does not host this topic-partition.";
    } else {
      result.name = view->record.name;
      result.topic_id = kafka::Uuid{view->record.topic_id.bytes};
      if (absl::Status s = broker_.topics.Delete(view->record.name); !s.ok()) {
        bool gone = s.code() == absl::StatusCode::kNotFound;
        result.error_code =
            Code(gone ? KafkaError::kUnknownTopicOrPartition : KafkaError::kUnknownServerError);
        result.error_message = std::string(s.message());
      } else {
        broker_.groups.ForgetTopic(view->record.name);  // The store dropped its offsets.
      }
    }
    response.responses.push_back(std::move(result));
  }
  return response;
}

}  // namespace sluice::server::handlers

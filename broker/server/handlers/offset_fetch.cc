// File: broker/server/handlers/offset_fetch.cc
#include "broker/server/handlers/offset_fetch.h"

#include <map>
#include <optional>
#include <vector>

#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {
namespace {

// The requested partitions, or nullopt for "all".
template <typename Topics>
std::optional<std::vector<group::TopicPartition>> Requested(const std::optional<Topics>& topics) {
  if (!topics.has_value()) return std::nullopt;
  std::vector<group::TopicPartition> out;
  for (const auto& topic : *topics) {
    for (int32_t partition : topic.partition_indexes) {
      out.push_back(group::TopicPartition{topic.name, partition});
    }
  }
  return out;
}

// Groups fetched offsets by topic, keeping the order topics first appear in.
template <typename TopicOut, typename PartitionOut>
std::vector<TopicOut> ByTopic(const std::vector<group::FetchedOffset>& fetched,
                              int16_t partition_error) {
  std::vector<TopicOut> topics;
  std::map<std::string, size_t> index;
  for (const group::FetchedOffset& f : fetched) {
    auto [it, added] = index.emplace(f.partition.topic, topics.size());
    if (added) {
      topics.emplace_back();
      topics.back().name = f.partition.topic;
    }
    PartitionOut p;
    p.partition_index = f.partition.partition;
    p.committed_offset = f.offset;
    p.committed_leader_epoch = f.leader_epoch;
    p.metadata = f.metadata;
    p.error_code = partition_error;
    topics[it->second].partitions.push_back(std::move(p));
  }
  return topics;
}

}  // namespace

kafka::OffsetFetchResponse OffsetFetchHandler::ServeNow(const RequestContext& ctx,
                                                        const kafka::OffsetFetchRequest& request) {
  using Response = kafka::OffsetFetchResponse;
  Response response;
  if (ctx.api_version >= 8) {
    for (const auto& g : request.groups) {
      group::GroupError error = group::GroupError::kNone;
      std::vector<group::FetchedOffset> fetched =
          broker_.groups.FetchOffsets(g.group_id, Requested(g.topics), &error);
      Response::OffsetFetchResponseGroup out;
      out.group_id = g.group_id;
      out.error_code = Code(error);
      if (error == group::GroupError::kNone) {
        out.topics =
            ByTopic<Response::OffsetFetchResponseTopics, Response::OffsetFetchResponsePartitions>(
                fetched, 0);
      }
      response.groups.push_back(std::move(out));
    }
    return response;
  }
  group::GroupError error = group::GroupError::kNone;
  std::optional<std::vector<group::TopicPartition>> requested = Requested(request.topics);
  std::vector<group::FetchedOffset> fetched =
      broker_.groups.FetchOffsets(request.group_id, requested, &error);
  if (error == group::GroupError::kNone) {
    response.topics =
        ByTopic<Response::OffsetFetchResponseTopic, Response::OffsetFetchResponsePartition>(fetched,
                                                                                            0);
  } else if (ctx.api_version < 2) {
    // v1 has no top-level error: every requested partition carries it.
    std::vector<group::FetchedOffset> failed;
    for (const group::TopicPartition& tp :
         requested.value_or(std::vector<group::TopicPartition>{})) {
      failed.push_back(group::FetchedOffset{tp, -1, -1, ""});
    }
    response.topics =
        ByTopic<Response::OffsetFetchResponseTopic, Response::OffsetFetchResponsePartition>(
            failed, Code(error));
  }
  response.error_code = Code(error);
  return response;
}

}  // namespace sluice::server::handlers

#include "broker/server/handlers/describe_log_dirs.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <filesystem>

namespace sluice::server::handlers {

using Request = kafka::DescribeLogDirsRequest;
using Response = kafka::DescribeLogDirsResponse;

Response DescribeLogDirsHandler::ServeNow(const RequestContext&, const Request& request) {
  Response response;
  Response::DescribeLogDirsResult dir;
  std::error_code ec;
  std::filesystem::path path = std::filesystem::absolute(broker_.config.data_dir, ec);
  dir.log_dir = (ec ? std::filesystem::path(broker_.config.data_dir) : path).lexically_normal();
  struct statvfs fs;
  if (::statvfs(dir.log_dir.c_str(), &fs) == 0) {
    dir.total_bytes = static_cast<int64_t>(fs.f_blocks) * static_cast<int64_t>(fs.f_frsize);
    dir.usable_bytes = static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize);
  }
  auto add_topic = [&](const TopicView& view, const std::vector<int32_t>* wanted) {
    Response::DescribeLogDirsTopic topic;
    topic.name = view.record.name;
    for (const PartitionView& p : view.partitions) {
      if (wanted && std::find(wanted->begin(), wanted->end(), p.index) == wanted->end()) continue;
      if (!p.log) continue;  // offline: its size is unknown
      Response::DescribeLogDirsPartition out;
      out.partition_index = p.index;
      out.partition_size = p.log->size_bytes();
      out.offset_lag = 0;
      topic.partitions.push_back(out);
    }
    if (!topic.partitions.empty()) dir.topics.push_back(std::move(topic));
  };
  if (!request.topics.has_value()) {
    for (const auto& view : broker_.topics.List()) add_topic(*view, nullptr);
  } else {
    for (const auto& t : *request.topics) {
      if (auto view = broker_.topics.Find(t.topic)) add_topic(*view, &t.partitions);
    }
  }
  response.results.push_back(std::move(dir));
  return response;
}

}  // namespace sluice::server::handlers

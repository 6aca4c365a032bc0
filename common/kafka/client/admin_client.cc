// AdminClient: connection management, discovery and the Metadata-based calls.
// The topic mutations and config calls are in admin_topic_ops.cc.
#include "common/kafka/client/admin_client.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/kafka/client/kafka_error.h"
#include "common/kafka/protocol/messages/metadata.h"
#include "common/log.h"
#include "common/status.h"

namespace sluice::kafka::client {
namespace {

absl::StatusOr<MetadataResponse> CallMetadata(Connection& conn,
                                              std::optional<std::vector<std::string>> topics) {
  MetadataRequest request;
  request.allow_auto_topic_creation = false;
  if (topics.has_value()) {
    request.topics.emplace();
    for (auto& name : *topics) {
      MetadataRequest::MetadataRequestTopic t;
      t.name = std::move(name);
      request.topics->push_back(std::move(t));
    }
  } else {
    request.topics = std::nullopt;  // all topics (v1+)
  }
  return conn.Call<MetadataResponse>(request);
}

TopicDescription ToDescription(const MetadataResponse::MetadataResponseTopic& topic) {
  TopicDescription d;
  d.name = topic.name.value_or("");
  d.topic_id = topic.topic_id;
  d.is_internal = topic.is_internal;
  for (const auto& p : topic.partitions) {
    PartitionInfo info;
    info.partition = p.partition_index;
    info.leader = p.leader_id;
    info.leader_epoch = p.leader_epoch;
    info.replicas = p.replica_nodes;
    info.isr = p.isr_nodes;
    info.offline_replicas = p.offline_replicas;
    d.partitions.push_back(std::move(info));
  }
  std::sort(
      d.partitions.begin(), d.partitions.end(),
      [](const PartitionInfo& a, const PartitionInfo& b) { return a.partition < b.partition; });
  if (!d.partitions.empty()) {
    d.replication_factor = static_cast<int32_t>(d.partitions.front().replicas.size());
  }
  return d;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AdminClient>> AdminClient::Connect(AdminClientOptions options) {
  if (options.bootstrap.empty()) {
    return absl::InvalidArgumentError("AdminClient: no bootstrap addresses");
  }
  std::unique_ptr<AdminClient> client(new AdminClient(std::move(options)));
  absl::MutexLock lock(&client->mu_);
  if (absl::Status s = client->Discover(); !s.ok()) return s;
  return client;
}

HostPort AdminClient::Dial(const HostPort& address) const {
  return options_.address_mapper ? options_.address_mapper(address) : address;
}

HostPort AdminClient::admin_broker() {
  absl::MutexLock lock(&mu_);
  return admin_ != nullptr ? admin_->address() : HostPort{};
}

absl::StatusOr<ClusterInfo> AdminClient::FetchCluster(Connection& conn) {
  SLUICE_ASSIGN_OR_RETURN(MetadataResponse response,
                          CallMetadata(conn, std::vector<std::string>{}));
  ClusterInfo info;
  info.cluster_id = response.cluster_id;
  info.controller_id = response.controller_id;
  for (const auto& b : response.brokers) {
    BrokerInfo broker;
    broker.node_id = b.node_id;
    broker.advertised = HostPort{b.host, static_cast<uint16_t>(b.port)};
    if (b.port <= 0 || b.port > 65535 || b.host.empty()) {
      return absl::InternalError(absl::StrCat("Metadata from ", conn.address().ToString(),
                                              ": broker ", b.node_id, " has address '", b.host, ":",
                                              b.port, "'"));
    }
    broker.dial = Dial(broker.advertised);
    broker.rack = b.rack;
    info.brokers.push_back(std::move(broker));
  }
  return info;
}

absl::Status AdminClient::Discover() {
  admin_.reset();
  std::vector<std::string> failures;
  for (const HostPort& address : options_.bootstrap) {
    const HostPort dial = Dial(address);
    absl::StatusOr<std::unique_ptr<Connection>> conn = Connection::Open(dial, options_.connection);
    if (!conn.ok()) {
      failures.push_back(absl::StrCat(address.ToString(), ": ", conn.status().message()));
      continue;
    }
    absl::StatusOr<ClusterInfo> cluster = FetchCluster(**conn);
    if (!cluster.ok()) {
      failures.push_back(absl::StrCat(address.ToString(), ": ", cluster.status().message()));
      continue;
    }
    auto controller =
        std::find_if(cluster->brokers.begin(), cluster->brokers.end(),
                     [&](const BrokerInfo& b) { return b.node_id == cluster->controller_id; });
    if (controller == cluster->brokers.end() || controller->dial == dial) {
      admin_ = *std::move(conn);
      return absl::OkStatus();
    }
    absl::StatusOr<std::unique_ptr<Connection>> to_controller =
        Connection::Open(controller->dial, options_.connection);
    if (to_controller.ok()) {
      admin_ = *std::move(to_controller);
    } else {
      SLUICE_LOG(kWarn) << "admin client: controller " << controller->node_id << " at "
                        << controller->dial.ToString() << " unreachable, using bootstrap broker "
                        << dial.ToString() << ": " << to_controller.status().message();
      admin_ = *std::move(conn);
    }
    return absl::OkStatus();
  }
  return absl::UnavailableError(
      absl::StrCat("no usable bootstrap broker: ", absl::StrJoin(failures, "; ")));
}

absl::StatusOr<Connection*> AdminClient::Admin() {
  if (admin_ == nullptr || admin_->broken()) SLUICE_RETURN_IF_ERROR(Discover());
  return admin_.get();
}

absl::StatusOr<ClusterInfo> AdminClient::DescribeCluster() {
  absl::MutexLock lock(&mu_);
  SLUICE_ASSIGN_OR_RETURN(Connection * conn, Admin());
  return FetchCluster(*conn);
}

absl::StatusOr<std::vector<std::string>> AdminClient::ListTopics() {
  absl::MutexLock lock(&mu_);
  SLUICE_ASSIGN_OR_RETURN(Connection * conn, Admin());
  SLUICE_ASSIGN_OR_RETURN(MetadataResponse response, CallMetadata(*conn, std::nullopt));
  std::vector<std::string> names;
  for (const auto& t : response.topics) {
    if (t.error_code == kErrorNone && t.name.has_value()) names.push_back(*t.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<std::map<std::string, absl::StatusOr<TopicDescription>>> AdminClient::DescribeTopics(
    const std::vector<std::string>& names) {
  std::map<std::string, absl::StatusOr<TopicDescription>> out;
  if (names.empty()) return out;
  absl::MutexLock lock(&mu_);
  SLUICE_ASSIGN_OR_RETURN(Connection * conn, Admin());
  SLUICE_ASSIGN_OR_RETURN(MetadataResponse response, CallMetadata(*conn, names));
  for (const auto& t : response.topics) {
    if (!t.name.has_value()) continue;
    if (std::find(names.begin(), names.end(), *t.name) == names.end()) continue;
    if (t.error_code != kErrorNone) {
      out.insert_or_assign(*t.name, KafkaErrorStatus(t.error_code, std::nullopt,
                                                     absl::StrCat("describe topic ", *t.name)));
    } else {
      out.insert_or_assign(*t.name, ToDescription(t));
    }
  }
  for (const std::string& name : names) {
    if (out.count(name) == 0) {
      out.emplace(name, KafkaErrorStatus(kErrorUnknownTopicOrPartition,
                                         "the broker's Metadata response does not list it",
                                         absl::StrCat("describe topic ", name)));
    }
  }
  return out;
}

absl::StatusOr<TopicDescription> AdminClient::DescribeTopic(const std::string& name) {
  SLUICE_ASSIGN_OR_RETURN(auto all, DescribeTopics({name}));
  return std::move(all.at(name));
}

}  // namespace sluice::kafka::client

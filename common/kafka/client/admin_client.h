// File: common/kafka/client/admin_client.h
// A small synchronous Kafka admin client: topics, topic configs and partition
// reassignments, over the Kafka protocol (no broker internals). Used by the operator's
// SluiceTopic reconciler.
//
//   AdminClientOptions options;
//   options.bootstrap = {{"sluice-bootstrap.ns.svc", 9092}};
//   const HostPort pod{"sluice-0.sluice.ns.svc", 9092}, local{"127.0.0.1", 41234};
//   options.address_mapper = MapAddresses({{pod, local}});
//   SLUICE_ASSIGN_OR_RETURN(auto admin, AdminClient::Connect(options));
//   SLUICE_ASSIGN_OR_RETURN(TopicDescription t, admin->DescribeTopic("orders"));
//   SLUICE_RETURN_IF_ERROR(admin->CreatePartitions("orders", 12));
//
// Connect() dials the bootstrap addresses in order (each through the AddressMapper),
// asks the first that answers for Metadata, and then talks to the controller it names
// (falling back to the bootstrap broker when the controller is unknown or unreachable:
// Kafka brokers forward admin requests to the controller). Admin requests go to that
// connection. A call that finds the connection broken reconnects first.
//
// Errors: the transport errors of connection.h (kUnavailable, kDeadlineExceeded,
// kInternal for malformed responses, kUnimplemented when the broker lacks the API), and
// Kafka's per-topic error codes through KafkaErrorStatus (kafka_error.h): e.g.
// UNKNOWN_TOPIC_OR_PARTITION is kNotFound, TOPIC_ALREADY_EXISTS kAlreadyExists,
// INVALID_PARTITIONS kInvalidArgument; KafkaErrorCodeOf() recovers the Kafka code, and
// the message carries Kafka's error name and the broker's error message.
// Calls are not retried after a transport error (a create may have been applied
// before the connection dropped); a NOT_CONTROLLER answer is retried once after
// rediscovering the controller.
//
// Thread-safe: calls are serialised by an internal mutex (one request at a time).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/kafka/client/admin_types.h"
#include "common/kafka/client/connection.h"

namespace sluice::kafka::client {

struct AdminClientOptions {
  // Tried in order; at least one is required.
  std::vector<HostPort> bootstrap;
  // Applied to every address before dialling; null means dial addresses as given.
  AddressMapper address_mapper;
  ConnectionOptions connection;
};

class AdminClient {
 public:
  // Connects and discovers the cluster. kInvalidArgument without bootstrap addresses;
  // kUnavailable naming every address tried, with its error, when none answers with
  // usable Metadata.
  static absl::StatusOr<std::unique_ptr<AdminClient>> Connect(AdminClientOptions options);

  // Fresh Metadata: cluster id, controller and brokers (with their dial addresses).
  absl::StatusOr<ClusterInfo> DescribeCluster();

  // Names of all topics (Metadata with a null topic list), sorted.
  absl::StatusOr<std::vector<std::string>> ListTopics();

  // One entry per requested name: the description, or the topic's error (kNotFound
  // for an unknown topic). The outer status is for the request as a whole.
  // Never creates topics (allow_auto_topic_creation is false).
  absl::StatusOr<std::map<std::string, absl::StatusOr<TopicDescription>>> DescribeTopics(
      const std::vector<std::string>& names);
  absl::StatusOr<TopicDescription> DescribeTopic(const std::string& name);

  // CreateTopics for one topic. With `validate_only` the broker only checks the request.
  absl::StatusOr<CreateTopicResult> CreateTopic(const NewTopic& topic, bool validate_only = false);

  // DeleteTopics for one topic (by name).
  absl::Status DeleteTopic(const std::string& name);

  // CreatePartitions: grows `name` to `total_count` partitions (Kafka's semantics: the
  // new total, not the number added). The broker refuses a shrink (INVALID_PARTITIONS).
  absl::Status CreatePartitions(const std::string& name, int32_t total_count,
                                bool validate_only = false);

  // DescribeConfigs for topic `name`: every config the broker reports, with its source.
  absl::StatusOr<TopicConfigs> DescribeTopicConfigs(const std::string& name);

  // IncrementalAlterConfigs for topic `name`.
  absl::Status IncrementalAlterTopicConfigs(const std::string& name,
                                            const std::vector<ConfigChange>& changes,
                                            bool validate_only = false);

  // AlterPartitionReassignments (admin_reassignments.cc): starts (or, for a nullopt
  // target, cancels) reassignments. The outer status is the request's own error (e.g.
  // kUnimplemented when the broker lacks the API); the map has one entry per requested
  // partition: OK, or its Kafka error (e.g. NO_REASSIGNMENT_IN_PROGRESS when cancelling
  // nothing, kFailedPrecondition). Partitions the broker left out are kInternal.
  absl::StatusOr<std::map<TopicPartition, absl::Status>> AlterPartitionReassignments(
      const ReassignmentTargets& targets);

  // ListPartitionReassignments: the reassignments in progress, for `partitions` or (nullopt)
  // for every partition, sorted by partition.
  absl::StatusOr<std::vector<OngoingReassignment>> ListPartitionReassignments(
      const std::optional<std::vector<TopicPartition>>& partitions = std::nullopt);

  // The address of the broker admin requests currently go to (its dial address).
  HostPort admin_broker() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  explicit AdminClient(AdminClientOptions options) : options_(std::move(options)) {}

  HostPort Dial(const HostPort& address) const;
  // (Re)connects through the bootstrap list and picks the admin connection.
  absl::Status Discover() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The admin connection, reconnecting if it broke.
  absl::StatusOr<Connection*> Admin() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<ClusterInfo> FetchCluster(Connection& conn) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const AdminClientOptions options_;
  absl::Mutex mu_;
  std::unique_ptr<Connection> admin_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::kafka::client

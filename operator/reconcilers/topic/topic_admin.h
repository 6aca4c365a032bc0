// File: operator/reconcilers/topic/topic_admin.h
// What the SluiceTopic reconciler needs from a Kafka cluster, as a small interface, so that unit
// tests use a fake of OUR interface and only the pytest suite needs a real broker.
//
//   TopicAdminFactory connect = KafkaTopicAdminFactory(MapperFromFlags(flags.broker_address_map));
//   SLUICE_ASSIGN_OR_RETURN(auto admin, connect({"demo-bootstrap.team-a.svc", 9092}));
//   SLUICE_ASSIGN_OR_RETURN(std::optional<LiveTopic> live, admin->Observe("orders"));
//
// Errors are those of common/kafka/client (admin_client.h): kUnavailable / kDeadlineExceeded /
// kInternal for transport trouble, Kafka error codes (KafkaErrorCodeOf) for refusals.
// IsTransient() tells the two apart. Implementations are not required to be thread-safe: the
// reconciler uses one per reconcile.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/kafka/client/admin_types.h"
#include "common/kafka/client/host_port.h"
#include "common/kafka/client/topic_diff.h"

namespace sluice::operator_topic {

// A topic as the broker reports it.
struct LiveTopic {
  std::string topic_id;  // UUID text, empty if the broker gives none
  kafka::client::ObservedTopic observed;
};

class TopicAdmin {
 public:
  virtual ~TopicAdmin() = default;
  // DescribeTopic + DescribeTopicConfigs; nullopt when the topic does not exist.
  virtual absl::StatusOr<std::optional<LiveTopic>> Observe(const std::string& name) = 0;
  // kAlreadyExists when a topic of that name exists.
  virtual absl::Status Create(const kafka::client::NewTopic& topic) = 0;
  // Grows `name` to `total` partitions.
  virtual absl::Status CreatePartitions(const std::string& name, int32_t total) = 0;
  virtual absl::Status AlterConfigs(const std::string& name,
                                    const std::vector<kafka::client::ConfigChange>& changes) = 0;
  // kNotFound when the topic does not exist.
  virtual absl::Status Delete(const std::string& name) = 0;
};

// Connects to the cluster whose bootstrap address is `bootstrap` (before address mapping).
// Thread-safe: called from every reconcile worker.
using TopicAdminFactory =
    std::function<absl::StatusOr<std::unique_ptr<TopicAdmin>>(const kafka::client::HostPort&)>;

// The real one: AdminClient::Connect with `mapper` applied to the bootstrap address and to every
// broker address the cluster advertises. Connect and request timeouts are short (5 s, 15 s) so
// that an unreachable cluster holds a reconcile worker only briefly.
TopicAdminFactory KafkaTopicAdminFactory(kafka::client::AddressMapper mapper);

// An AddressMapper from the operator's --broker-address-map ("host:port" -> "host:port");
// InvalidArgument naming a bad entry. An empty map gives a mapper that changes nothing.
absl::StatusOr<kafka::client::AddressMapper> MapperFromFlags(
    const std::map<std::string, std::string>& map);

// True for errors a retry may fix (transport trouble, a broker not ready); false for a refusal
// by the broker (a Kafka error such as INVALID_CONFIG or INVALID_PARTITIONS) that only a spec
// change can fix.
bool IsTransient(const absl::Status& status);

}  // namespace sluice::operator_topic

#include "operator/reconcilers/topic/topic_admin.h"

#include "absl/strings/str_cat.h"
#include "common/kafka/client/admin_client.h"
#include "common/kafka/client/kafka_error.h"
#include "common/status.h"

namespace sluice::operator_topic {

namespace kc = kafka::client;

namespace {

class KafkaTopicAdmin : public TopicAdmin {
 public:
  explicit KafkaTopicAdmin(std::unique_ptr<kc::AdminClient> admin) : admin_(std::move(admin)) {}

  absl::StatusOr<std::optional<LiveTopic>> Observe(const std::string& name) override {
    auto description = admin_->DescribeTopic(name);
    if (absl::IsNotFound(description.status())) return std::optional<LiveTopic>();
    if (!description.ok()) return description.status();
    auto configs = admin_->DescribeTopicConfigs(name);
    // Deleted between the two calls: absent.
    if (absl::IsNotFound(configs.status())) return std::optional<LiveTopic>();
    if (!configs.ok()) return configs.status();
    LiveTopic live;
    if (!description->topic_id.IsZero()) live.topic_id = description->topic_id.ToBase64();
    live.observed = kc::ObserveTopic(*description, *configs);
    return std::optional<LiveTopic>(std::move(live));
  }

  absl::Status Create(const kc::NewTopic& topic) override {
    return admin_->CreateTopic(topic).status();
  }

  absl::Status CreatePartitions(const std::string& name, int32_t total) override {
    return admin_->CreatePartitions(name, total);
  }

  absl::Status AlterConfigs(const std::string& name,
                            const std::vector<kc::ConfigChange>& changes) override {
    return admin_->IncrementalAlterTopicConfigs(name, changes);
  }

  absl::Status Delete(const std::string& name) override { return admin_->DeleteTopic(name); }

 private:
  std::unique_ptr<kc::AdminClient> admin_;
};

}  // namespace

TopicAdminFactory KafkaTopicAdminFactory(kc::AddressMapper mapper) {
  return [mapper = std::move(mapper)](
             const kc::HostPort& bootstrap) -> absl::StatusOr<std::unique_ptr<TopicAdmin>> {
    kc::AdminClientOptions options;
    options.bootstrap = {bootstrap};
    options.address_mapper = mapper;
    options.connection.client_id = "sluice-operator";
    options.connection.client_software_name = "sluice-operator";
    options.connection.connect_timeout = absl::Seconds(5);
    options.connection.request_timeout = absl::Seconds(15);
    SLUICE_ASSIGN_OR_RETURN(auto admin, kc::AdminClient::Connect(std::move(options)));
    return std::unique_ptr<TopicAdmin>(new KafkaTopicAdmin(std::move(admin)));
  };
}

absl::StatusOr<kc::AddressMapper> MapperFromFlags(const std::map<std::string, std::string>& map) {
  std::map<kc::HostPort, kc::HostPort> table;
  for (const auto& [from, to] : map) {
    auto a = kc::ParseHostPort(from);
    auto b = kc::ParseHostPort(to);
    if (!a.ok() || !b.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--broker-address-map: bad entry ", from, "=", to));
    }
    table[*a] = *b;
  }
  return kc::MapAddresses(std::move(table));
}

bool IsTransient(const absl::Status& status) {
  if (status.ok()) return false;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kInternal:
      return true;
    default:
      break;
  }
  // Anything else that is not an answer from the broker (a broken connection reported as
  // FailedPrecondition, say) is transport trouble too.
  return !kc::KafkaErrorCodeOf(status).has_value() &&
         status.code() != absl::StatusCode::kUnimplemented;
}

}  // namespace sluice::operator_topic

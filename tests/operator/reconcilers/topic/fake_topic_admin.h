// File: tests/operator/reconcilers/topic/fake_topic_admin.h
// A fake of OUR TopicAdmin interface (operator/reconcilers/topic/topic_admin.h), not of a
// broker: an in-memory set of topics, every call logged, failures scripted by the test.
// Configs the broker "knows" are listed in known_configs; others are refused with
// INVALID_CONFIG like Sluice and Kafka brokers do. Thread-safe enough for one reconcile at a time.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/kafka/client/kafka_error.h"
#include "operator/reconcilers/topic/topic_admin.h"

namespace sluice::testing {

class FakeBroker {
 public:
  struct Topic {
    std::string id;
    int32_t partitions = 1;
    int32_t replication_factor = 1;
    std::map<std::string, std::string> configs;  // set on the topic
  };

  std::map<std::string, Topic> topics;
  std::set<std::string> known_configs = {"retention.ms", "cleanup.policy", "segment.bytes"};
  // Connect fails with this when not OK.
  absl::Status connect_error;
  // The next call whose name ("create", "alter", "partitions", "delete", "observe") is a key
  // fails with the status (once).
  std::map<std::string, absl::Status> fail_next;
  // Topics someone else creates just before our create arrives (it then fails with
  // TOPIC_ALREADY_EXISTS).
  std::map<std::string, Topic> created_concurrently;
  std::vector<std::string> calls;
  std::vector<kafka::client::HostPort> dialled;
  int next_id = 1;

  operator_topic::TopicAdminFactory Factory();
};

class FakeTopicAdmin : public operator_topic::TopicAdmin {
 public:
  explicit FakeTopicAdmin(FakeBroker* broker) : b_(broker) {}

  absl::StatusOr<std::optional<operator_topic::LiveTopic>> Observe(
      const std::string& name) override {
    if (auto s = Call("observe", name); !s.ok()) return s;
    auto it = b_->topics.find(name);
    if (it == b_->topics.end()) return std::optional<operator_topic::LiveTopic>();
    operator_topic::LiveTopic live;
    live.topic_id = it->second.id;
    live.observed.partitions = it->second.partitions;
    live.observed.replication_factor = it->second.replication_factor;
    for (const auto& key : b_->known_configs) {
      kafka::client::ObservedConfig c;
      auto set = it->second.configs.find(key);
      c.value = set != it->second.configs.end() ? set->second : "default";
      c.explicitly_set = set != it->second.configs.end();
      c.source = c.explicitly_set ? kafka::client::ConfigSource::kTopic
                                  : kafka::client::ConfigSource::kDefault;
      live.observed.configs[key] = c;
    }
    return std::optional<operator_topic::LiveTopic>(live);
  }
  absl::Status Create(const kafka::client::NewTopic& topic) override {
    if (auto s = Call("create", topic.name); !s.ok()) return s;
    if (auto it = b_->created_concurrently.find(topic.name); it != b_->created_concurrently.end()) {
      b_->topics[topic.name] = it->second;
      b_->created_concurrently.erase(it);
    }
    if (b_->topics.count(topic.name)) {
      return kafka::client::KafkaErrorStatus(36, "exists", "create topic " + topic.name);
    }
    for (const auto& [k, v] : topic.configs) {
      if (!b_->known_configs.count(k)) return InvalidConfig(k);
    }
    FakeBroker::Topic t;
    t.id = absl::StrCat("id-", b_->next_id++);
    t.partitions = topic.partitions;
    t.replication_factor = topic.replication_factor;
    t.configs = topic.configs;
    b_->topics[topic.name] = t;
    return absl::OkStatus();
  }
  absl::Status CreatePartitions(const std::string& name, int32_t total) override {
    if (auto s = Call("partitions", absl::StrCat(name, "=", total)); !s.ok()) return s;
    auto& t = b_->topics.at(name);
    if (total <= t.partitions) {
      return kafka::client::KafkaErrorStatus(37, "fewer", "create partitions " + name);
    }
    t.partitions = total;
    return absl::OkStatus();
  }
  absl::Status AlterConfigs(const std::string& name,
                            const std::vector<kafka::client::ConfigChange>& changes) override {
    std::string what = name;
    for (const auto& c : changes) {
      absl::StrAppend(&what, " ",
                      c.op == kafka::client::ConfigOp::kSet ? "set:" : "delete:", c.key);
    }
    if (auto s = Call("alter", what); !s.ok()) return s;
    for (const auto& c : changes) {
      if (!b_->known_configs.count(c.key)) return InvalidConfig(c.key);
    }
    auto& t = b_->topics.at(name);
    for (const auto& c : changes) {
      if (c.op == kafka::client::ConfigOp::kSet) {
        t.configs[c.key] = *c.value;
      } else {
        t.configs.erase(c.key);
      }
    }
    return absl::OkStatus();
  }
  absl::Status Delete(const std::string& name) override {
    if (auto s = Call("delete", name); !s.ok()) return s;
    if (b_->topics.erase(name) == 0) {
      return kafka::client::KafkaErrorStatus(3, "unknown", "delete topic " + name);
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Call(const std::string& op, const std::string& what) {
    b_->calls.push_back(op + " " + what);
    auto it = b_->fail_next.find(op);
    if (it == b_->fail_next.end()) return absl::OkStatus();
    absl::Status s = it->second;
    b_->fail_next.erase(it);
    return s;
  }
  static absl::Status InvalidConfig(const std::string& key) {
    return kafka::client::KafkaErrorStatus(40, "Unknown topic config name: " + key,
                                           "alter configs");
  }
  FakeBroker* b_;
};

inline operator_topic::TopicAdminFactory FakeBroker::Factory() {
  return [this](const kafka::client::HostPort& bootstrap)
             -> absl::StatusOr<std::unique_ptr<operator_topic::TopicAdmin>> {
    dialled.push_back(bootstrap);
    if (!connect_error.ok()) return connect_error;
    return std::unique_ptr<operator_topic::TopicAdmin>(new FakeTopicAdmin(this));
  };
}

}  // namespace sluice::testing

#include "common/kafka/client/topic_diff.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace sluice::kafka::client {
namespace {

// Checks the declaration; appends a refusal per problem. Returns false if invalid.
bool ValidateDesired(const DesiredTopic& desired, TopicPlan& plan) {
  bool ok = true;
  auto refuse = [&](std::string reason) {
    plan.refusals.push_back({RefusalKind::kInvalidSpec, std::move(reason)});
    ok = false;
  };
  if (desired.name.empty()) refuse("the topic name is empty");
  if (desired.partitions.has_value() && *desired.partitions < 1) {
    refuse(absl::StrCat("partitions must be at least 1, not ", *desired.partitions));
  }
  if (desired.replication_factor.has_value() &&
      (*desired.replication_factor < 1 || *desired.replication_factor > INT16_MAX)) {
    refuse(
        absl::StrCat("replication factor must be in 1..32767, not ", *desired.replication_factor));
  }
  if (desired.configs.count("") > 0) refuse("a config key is empty");
  return ok;
}

void PlanPartitions(const DesiredTopic& desired, const ObservedTopic& observed, TopicPlan& plan) {
  if (!desired.partitions.has_value() || *desired.partitions < 1) return;  // unset or invalid
  const int32_t want = *desired.partitions;
  if (want == observed.partitions) return;
  plan.drift.push_back(
      absl::StrCat("partitions: ", observed.partitions, " on the broker, desired ", want));
  if (want > observed.partitions) {
    plan.grow_partitions_to = want;
  } else {
    plan.refusals.push_back(
        {RefusalKind::kShrinkPartitions,
         absl::StrCat("cannot reduce partitions from ", observed.partitions, " to ", want,
                      ": Kafka topics can only gain partitions (delete and recreate the topic "
                      "to have fewer)")});
  }
}

void PlanReplicationFactor(const DesiredTopic& desired, const ObservedTopic& observed,
                           TopicPlan& plan) {
  if (!desired.replication_factor.has_value() || *desired.replication_factor < 1 ||
      *desired.replication_factor > INT16_MAX) {
    return;  // unset, or refused as invalid
  }
  const int32_t want = *desired.replication_factor;
  if (want == observed.replication_factor) return;
  plan.drift.push_back(absl::StrCat("replication factor: ", observed.replication_factor,
                                    " on the broker, desired ", want));
  plan.refusals.push_back(
      {RefusalKind::kChangeReplicationFactor,
       absl::StrCat("cannot change the replication factor from ", observed.replication_factor,
                    " to ", want,
                    ": that needs a partition reassignment, which topic sync does "
                    "not do")});
}

void PlanConfigs(const DesiredTopic& desired, const ObservedTopic& observed,
                 const TopicDiffOptions& options, TopicPlan& plan) {
  // Walk the union of keys in order so that drift lines come out sorted by key.
  std::vector<std::string> keys;
  for (const auto& [k, v] : desired.configs) keys.push_back(k);
  for (const auto& [k, c] : observed.configs) {
    if (c.explicitly_set && desired.configs.count(k) == 0) keys.push_back(k);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());

  for (const std::string& key : keys) {
    if (key.empty()) continue;  // refused in ValidateDesired
    auto want = desired.configs.find(key);
    auto have = observed.configs.find(key);
    if (want == desired.configs.end()) {
      // Set on the topic, not declared.
      const ObservedConfig& c = have->second;
      const std::string shown = c.value.has_value() ? *c.value : "(hidden)";
      if (options.delete_undeclared_configs) {
        plan.drift.push_back(
            absl::StrCat("config ", key, ": ", shown, " set on the topic but not declared"));
        plan.configs_to_delete.push_back(key);
      } else {
        plan.drift.push_back(
            absl::StrCat("config ", key, ": ", shown, " set on the topic but not declared (kept)"));
      }
      continue;
    }
    if (have == observed.configs.end()) {
      plan.drift.push_back(
          absl::StrCat("config ", key, ": not reported by the broker, desired ", want->second));
      plan.configs_to_set[key] = want->second;
      continue;
    }
    const ObservedConfig& c = have->second;
    if (!c.value.has_value()) {
      // Sensitive (hidden) values cannot be compared: trust one set on the topic.
      if (c.explicitly_set) continue;
      plan.drift.push_back(absl::StrCat("config ", key, ": hidden value from ",
                                        ConfigSourceName(c.source), ", desired (hidden)"));
      plan.configs_to_set[key] = want->second;
      continue;
    }
    if (*c.value == want->second) continue;
    plan.drift.push_back(absl::StrCat("config ", key, ": ", *c.value, " (",
                                      ConfigSourceName(c.source), ") on the broker, desired ",
                                      want->second));
    if (c.read_only) {
      plan.refusals.push_back({RefusalKind::kReadOnlyConfig,
                               absl::StrCat("config ", key, " is read-only on the broker")});
      continue;
    }
    plan.configs_to_set[key] = want->second;
  }
}

}  // namespace

ObservedTopic ObserveTopic(const TopicDescription& description, const TopicConfigs& configs) {
  ObservedTopic observed;
  observed.partitions = description.partition_count();
  observed.replication_factor = description.replication_factor;
  for (const auto& [key, entry] : configs) {
    ObservedConfig c;
    c.value = entry.value;
    c.explicitly_set = entry.explicitly_set();
    c.source = entry.source;
    c.read_only = entry.read_only;
    c.sensitive = entry.sensitive;
    observed.configs.emplace(key, std::move(c));
  }
  return observed;
}

bool TopicPlan::has_actions() const {
  return create || grow_partitions_to.has_value() || !configs_to_set.empty() ||
         !configs_to_delete.empty();
}

bool TopicPlan::in_sync() const { return !has_actions() && refusals.empty(); }

std::vector<ConfigChange> TopicPlan::ConfigChanges() const {
  std::vector<ConfigChange> changes;
  for (const auto& [key, value] : configs_to_set) {
    changes.push_back({key, ConfigOp::kSet, value});
  }
  for (const std::string& key : configs_to_delete) {
    changes.push_back({key, ConfigOp::kDelete, std::nullopt});
  }
  return changes;
}

std::string TopicPlan::DriftSummary() const { return absl::StrJoin(drift, "; "); }

TopicPlan PlanTopicSync(const DesiredTopic& desired, const std::optional<ObservedTopic>& observed,
                        const TopicDiffOptions& options) {
  TopicPlan plan;
  const bool valid = ValidateDesired(desired, plan);
  if (!observed.has_value()) {
    plan.drift.push_back("topic does not exist on the broker");
    plan.create = valid;
    return plan;
  }
  PlanPartitions(desired, *observed, plan);
  PlanReplicationFactor(desired, *observed, plan);
  PlanConfigs(desired, *observed, options, plan);
  return plan;
}

NewTopic ToNewTopic(const DesiredTopic& desired) {
  NewTopic topic;
  topic.name = desired.name;
  topic.partitions = desired.partitions.value_or(-1);
  topic.replication_factor = static_cast<int16_t>(desired.replication_factor.value_or(-1));
  topic.configs = desired.configs;
  return topic;
}

}  // namespace sluice::kafka::client

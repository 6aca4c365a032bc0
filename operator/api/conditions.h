// File: operator/api/conditions.h
// Standard status conditions (type/status/reason/message/observedGeneration/
// lastTransitionTime), as in metav1.Condition.
//
// Example: a cluster is Ready=False/Reason=BrokersStarting since 10:00. A reconcile at 10:01
// computes Ready=False/Reason=BrokersStarting again: SetCondition keeps 10:00. At 10:02 it
// computes Ready=True/Reason=AllBrokersReady: the status changed, so lastTransitionTime
// becomes 10:02. A change of reason or message alone does not move the time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace sluice::operator_api {

inline constexpr char kConditionTrue[] = "True";
inline constexpr char kConditionFalse[] = "False";
inline constexpr char kConditionUnknown[] = "Unknown";

struct Condition {
  std::string type;
  std::string status;  // kConditionTrue / kConditionFalse / kConditionUnknown
  std::string reason;  // CamelCase, machine readable
  std::string message;
  int64_t observed_generation = 0;
  std::string last_transition_time;  // RFC 3339, UTC, seconds precision

  bool operator==(const Condition&) const = default;
};

// Replaces or appends the condition of `update.type`. lastTransitionTime is taken from the
// existing condition when the status did not change, else set to `now_rfc3339`.
void SetCondition(std::vector<Condition>& conditions, Condition update,
                  const std::string& now_rfc3339);
// The condition of that type, or nullptr.
const Condition* FindCondition(const std::vector<Condition>& conditions, const std::string& type);

absl::StatusOr<std::vector<Condition>> ParseConditions(const nlohmann::json& status);
nlohmann::json ConditionsToJson(const std::vector<Condition>& conditions);

// The current time as "2026-11-26T07:30:00Z".
std::string NowRfc3339();

}  // namespace sluice::operator_api

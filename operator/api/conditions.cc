#include "operator/api/conditions.h"

#include <ctime>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "operator/api/json_fields.h"

namespace sluice::operator_api {

void SetCondition(std::vector<Condition>& conditions, Condition update,
                  const std::string& now_rfc3339) {
  for (Condition& existing : conditions) {
    if (existing.type != update.type) continue;
    update.last_transition_time =
        existing.status == update.status && !existing.last_transition_time.empty()
            ? existing.last_transition_time
            : now_rfc3339;
    existing = std::move(update);
    return;
  }
  update.last_transition_time = now_rfc3339;
  conditions.push_back(std::move(update));
}

const Condition* FindCondition(const std::vector<Condition>& conditions, const std::string& type) {
  for (const Condition& c : conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

absl::StatusOr<std::vector<Condition>> ParseConditions(const nlohmann::json& status) {
  std::vector<Condition> out;
  if (!status.is_object() || !status.contains("conditions") || status["conditions"].is_null()) {
    return out;
  }
  const nlohmann::json& list = status["conditions"];
  if (!list.is_array()) return absl::InvalidArgumentError("status.conditions: must be a list");
  for (size_t i = 0; i < list.size(); ++i) {
    std::string path = absl::StrCat("status.conditions[", i, "]");
    Condition c;
    SLUICE_RETURN_IF_ERROR(ReadString(list[i], "type", path, &c.type));
    SLUICE_RETURN_IF_ERROR(ReadString(list[i], "status", path, &c.status));
    SLUICE_RETURN_IF_ERROR(ReadString(list[i], "reason", path, &c.reason));
    SLUICE_RETURN_IF_ERROR(ReadString(list[i], "message", path, &c.message));
    SLUICE_RETURN_IF_ERROR(ReadInt(list[i], "observedGeneration", path, &c.observed_generation));
    SLUICE_RETURN_IF_ERROR(
        ReadString(list[i], "lastTransitionTime", path, &c.last_transition_time));
    if (c.type.empty()) return absl::InvalidArgumentError(path + ".type: required");
    out.push_back(std::move(c));
  }
  return out;
}

nlohmann::json ConditionsToJson(const std::vector<Condition>& conditions) {
  nlohmann::json list = nlohmann::json::array();
  for (const Condition& c : conditions) {
    list.push_back({{"type", c.type},
                    {"status", c.status},
                    {"reason", c.reason},
                    {"message", c.message},
                    {"observedGeneration", c.observed_generation},
                    {"lastTransitionTime", c.last_transition_time}});
  }
  return list;
}

std::string NowRfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace sluice::operator_api

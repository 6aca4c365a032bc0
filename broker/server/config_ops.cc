#include "broker/server/config_ops.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace sluice::server {
namespace {

std::vector<std::string> SplitList(const std::string& value) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
    out.emplace_back(item);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::map<std::string, std::optional<std::string>>> ApplyConfigOps(
    const std::map<std::string, std::string>& current, const std::vector<ConfigOp>& ops,
    const std::function<bool(const std::string&)>& is_list,
    const std::function<std::string(const std::string&)>& default_value) {
  std::set<std::string> seen;
  for (const ConfigOp& op : ops) {
    if (!seen.insert(op.name).second) {
      return absl::FailedPreconditionError(
          absl::StrCat("Error due to duplicate config keys: ", op.name));
    }
  }
  std::map<std::string, std::optional<std::string>> out;
  for (const ConfigOp& op : ops) {
    const auto type = static_cast<ConfigOpType>(op.op);
    if (op.op < 0 || op.op > 3) {
      return absl::FailedPreconditionError(
          absl::StrCat("Unknown alter config operation ", op.op, " for ", op.name));
    }
    if (type == ConfigOpType::kDelete) {
      out[op.name] = std::nullopt;
      continue;
    }
    if (!op.value.has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat("Null value not supported for : ", op.name));
    }
    if (type == ConfigOpType::kSet) {
      out[op.name] = *op.value;
      continue;
    }
    if (!is_list(op.name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("Config value ", type == ConfigOpType::kAppend ? "append" : "subtract",
                       " is not allowed for config key: ", op.name));
    }
    auto it = current.find(op.name);
    std::vector<std::string> items =
        SplitList(it != current.end() ? it->second : default_value(op.name));
    for (const std::string& item : SplitList(*op.value)) {
      auto pos = std::find(items.begin(), items.end(), item);
      if (type == ConfigOpType::kAppend && pos == items.end()) items.push_back(item);
      if (type == ConfigOpType::kSubtract) {
        items.erase(std::remove(items.begin(), items.end(), item), items.end());
      }
    }
    out[op.name] = absl::StrJoin(items, ",");
  }
  return out;
}

}  // namespace sluice::server

// File: broker/server/config_ops.h
// IncrementalAlterConfigs operations (KIP-339) applied to a set of explicit config
// values, as Kafka's ConfigAdminManager does: SET and DELETE for any key, APPEND and
// SUBTRACT for list-typed keys only. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace sluice::server {

enum class ConfigOpType : int8_t { kSet = 0, kDelete = 1, kAppend = 2, kSubtract = 3 };

struct ConfigOp {
  std::string name;
  int8_t op = 0;  // ConfigOpType as sent; other values are refused
  std::optional<std::string> value;
};

// The new explicit value of every key the ops touch: a value, or nullopt to remove it.
// `current` holds the explicit values; `is_list(name)` says whether a key is list-typed;
// `default_value(name)` is what APPEND/SUBTRACT start from when the key is not set.
// Errors, naming the key: kFailedPrecondition (a malformed request: a key given twice, an
// unknown operation, a null value with SET/APPEND/SUBTRACT) and kInvalidArgument
// (APPEND/SUBTRACT on a key that is not a list), mapped by kafka_errors ConfigChangeError.
// (Whether a key exists and whether a value is valid is for the caller to check.)
absl::StatusOr<std::map<std::string, std::optional<std::string>>> ApplyConfigOps(
    const std::map<std::string, std::string>& current, const std::vector<ConfigOp>& ops,
    const std::function<bool(const std::string&)>& is_list,
    const std::function<std::string(const std::string&)>& default_value);

}  // namespace sluice::server

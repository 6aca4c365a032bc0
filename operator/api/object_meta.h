// File: operator/api/object_meta.h
// The parts of metadata the operator reads and writes (Kubernetes ObjectMeta subset).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace sluice::operator_api {

struct ObjectMeta {
  std::string name;
  std::string namespace_;
  std::string uid;
  std::string resource_version;
  int64_t generation = 0;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::string deletion_timestamp;  // empty unless being deleted

  // "namespace/name", or "name" for cluster-scoped objects: the work-queue key.
  std::string Key() const { return namespace_.empty() ? name : namespace_ + "/" + name; }
};

// Parses `metadata` of a Kubernetes object; name is required.
absl::StatusOr<ObjectMeta> ParseObjectMeta(const nlohmann::json& object);
// Writes the fields that are set (name, namespace, labels, annotations; never the server-owned
// uid/resourceVersion/generation, which an apply must not carry).
nlohmann::json ObjectMetaToJson(const ObjectMeta& meta);

}  // namespace sluice::operator_api

#include "operator/api/object_meta.h"

#include "common/status.h"
#include "operator/api/json_fields.h"

namespace sluice::operator_api {

absl::StatusOr<ObjectMeta> ParseObjectMeta(const nlohmann::json& object) {
  if (!object.is_object()) return absl::InvalidArgumentError("object: must be a JSON object");
  nlohmann::json m;
  SLUICE_RETURN_IF_ERROR(ReadObject(object, "metadata", "", &m));
  ObjectMeta meta;
  SLUICE_RETURN_IF_ERROR(ReadString(m, "name", "metadata", &meta.name));
  SLUICE_RETURN_IF_ERROR(ReadString(m, "namespace", "metadata", &meta.namespace_));
  SLUICE_RETURN_IF_ERROR(ReadString(m, "uid", "metadata", &meta.uid));
  SLUICE_RETURN_IF_ERROR(ReadString(m, "resourceVersion", "metadata", &meta.resource_version));
  SLUICE_RETURN_IF_ERROR(ReadInt(m, "generation", "metadata", &meta.generation));
  SLUICE_RETURN_IF_ERROR(ReadStringMap(m, "labels", "metadata", &meta.labels));
  SLUICE_RETURN_IF_ERROR(ReadStringMap(m, "annotations", "metadata", &meta.annotations));
  SLUICE_RETURN_IF_ERROR(ReadString(m, "deletionTimestamp", "metadata", &meta.deletion_timestamp));
  if (meta.name.empty()) return absl::InvalidArgumentError("metadata.name: required");
  return meta;
}

nlohmann::json ObjectMetaToJson(const ObjectMeta& meta) {
  nlohmann::json m = {{"name", meta.name}};
  if (!meta.namespace_.empty()) m["namespace"] = meta.namespace_;
  if (!meta.labels.empty()) m["labels"] = meta.labels;
  if (!meta.annotations.empty()) m["annotations"] = meta.annotations;
  return m;
}

}  // namespace sluice::operator_api

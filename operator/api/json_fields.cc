#include "operator/api/json_fields.h"

#include <limits>

#include "absl/strings/str_cat.h"

namespace sluice::operator_api {
namespace {

const nlohmann::json* Field(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

absl::Status WrongType(const std::string& path, const char* key, const char* want) {
  return absl::InvalidArgumentError(absl::StrCat(path, ".", key, ": must be ", want));
}

}  // namespace

absl::Status ReadString(const nlohmann::json& obj, const char* key, const std::string& path,
                        std::string* out) {
  const nlohmann::json* v = Field(obj, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_string()) return WrongType(path, key, "a string");
  *out = v->get<std::string>();
  return absl::OkStatus();
}

absl::Status ReadInt(const nlohmann::json& obj, const char* key, const std::string& path,
                     int64_t* out) {
  const nlohmann::json* v = Field(obj, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_number_integer()) return WrongType(path, key, "an integer");
  *out = v->get<int64_t>();
  return absl::OkStatus();
}

absl::Status ReadInt32(const nlohmann::json& obj, const char* key, const std::string& path,
                       int32_t* out) {
  int64_t wide = *out;
  if (auto s = ReadInt(obj, key, path, &wide); !s.ok()) return s;
  if (wide < std::numeric_limits<int32_t>::min() || wide > std::numeric_limits<int32_t>::max()) {
    return WrongType(path, key, "a 32-bit integer");
  }
  *out = static_cast<int32_t>(wide);
  return absl::OkStatus();
}

absl::Status ReadBool(const nlohmann::json& obj, const char* key, const std::string& path,
                      bool* out) {
  const nlohmann::json* v = Field(obj, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_boolean()) return WrongType(path, key, "true or false");
  *out = v->get<bool>();
  return absl::OkStatus();
}

absl::Status ReadStringMap(const nlohmann::json& obj, const char* key, const std::string& path,
                           std::map<std::string, std::string>* out) {
  const nlohmann::json* v = Field(obj, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_object()) return WrongType(path, key, "an object of strings");
  std::map<std::string, std::string> result;
  for (auto it = v->begin(); it != v->end(); ++it) {
    if (!it->is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".", key, ".", it.key(), ": must be a string"));
    }
    result[it.key()] = it->get<std::string>();
  }
  *out = std::move(result);
  return absl::OkStatus();
}

absl::Status ReadObject(const nlohmann::json& obj, const char* key, const std::string& path,
                        nlohmann::json* out) {
  const nlohmann::json* v = Field(obj, key);
  if (v == nullptr) {
    *out = nlohmann::json::object();
    return absl::OkStatus();
  }
  if (!v->is_object()) return WrongType(path, key, "an object");
  *out = *v;
  return absl::OkStatus();
}

}  // namespace sluice::operator_api

// File: operator/api/json_fields.h
// Typed reads of optional fields from untrusted JSON (custom resources from the API server).
// A missing or null field leaves `*out` unchanged and is not an error; a field of the wrong
// type is InvalidArgument naming its path. Never throws.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"

namespace sluice::operator_api {

// `path` is only used in error messages ("spec.brokers").
absl::Status ReadString(const nlohmann::json& obj, const char* key, const std::string& path,
                        std::string* out);
absl::Status ReadInt(const nlohmann::json& obj, const char* key, const std::string& path,
                     int64_t* out);
absl::Status ReadInt32(const nlohmann::json& obj, const char* key, const std::string& path,
                       int32_t* out);
absl::Status ReadBool(const nlohmann::json& obj, const char* key, const std::string& path,
                      bool* out);
// An object whose values are all strings.
absl::Status ReadStringMap(const nlohmann::json& obj, const char* key, const std::string& path,
                           std::map<std::string, std::string>* out);
// Returns obj[key] if it is an object, else an empty object (or an error if it is not null).
absl::Status ReadObject(const nlohmann::json& obj, const char* key, const std::string& path,
                        nlohmann::json* out);

}  // namespace sluice::operator_api

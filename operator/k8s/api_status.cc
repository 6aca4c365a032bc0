#include "operator/k8s/api_status.h"

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sluice::k8s {
namespace {

constexpr char kHttpCodeUrl[] = "sluice.dev/k8s-http-code";
constexpr char kReasonUrl[] = "sluice.dev/k8s-reason";

absl::StatusCode CodeFor(int http, const std::string& reason) {
  switch (http) {
    case 400:
    case 422:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 409:
      return reason == "AlreadyExists" ? absl::StatusCode::kAlreadyExists
                                       : absl::StatusCode::kAborted;
    case 410:
      return absl::StatusCode::kOutOfRange;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    default:
      return http >= 500 ? absl::StatusCode::kUnavailable : absl::StatusCode::kUnknown;
  }
}

absl::Status Make(int http, const std::string& reason, const std::string& message) {
  absl::Status status(CodeFor(http, reason), absl::StrCat("HTTP ", http, ": ", message));
  status.SetPayload(kHttpCodeUrl, absl::Cord(std::to_string(http)));
  if (!reason.empty()) status.SetPayload(kReasonUrl, absl::Cord(reason));
  return status;
}

}  // namespace

absl::Status StatusFromApiStatusObject(const nlohmann::json& object) {
  int code = 500;
  std::string reason, message = object.dump();
  if (object.is_object()) {
    if (object.contains("code") && object["code"].is_number_integer()) {
      code = object["code"].get<int>();
    }
    if (object.contains("reason") && object["reason"].is_string()) reason = object["reason"];
    if (object.contains("message") && object["message"].is_string()) message = object["message"];
  }
  return Make(code, reason, message);
}

absl::Status StatusFromHttp(int http_code, const std::string& body) {
  if (http_code >= 200 && http_code < 300) return absl::OkStatus();
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object() && parsed.contains("kind") && parsed["kind"] == "Status") {
    std::string reason, message = body;
    if (parsed.contains("reason") && parsed["reason"].is_string()) reason = parsed["reason"];
    if (parsed.contains("message") && parsed["message"].is_string()) message = parsed["message"];
    return Make(http_code, reason, message);
  }
  return Make(http_code, "", body.substr(0, 512));
}

int HttpCode(const absl::Status& status) {
  auto payload = status.GetPayload(kHttpCodeUrl);
  int code = 0;
  if (payload && absl::SimpleAtoi(std::string(*payload), &code)) return code;
  return 0;
}

std::string Reason(const absl::Status& status) {
  auto payload = status.GetPayload(kReasonUrl);
  return payload ? std::string(*payload) : std::string();
}

}  // namespace sluice::k8s

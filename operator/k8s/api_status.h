// File: operator/k8s/api_status.h
// How API-server errors become absl::Status, so callers can tell them apart:
//
//   HTTP 400 -> InvalidArgument      404 -> NotFound
//   HTTP 401 -> Unauthenticated      409 reason AlreadyExists -> AlreadyExists
//   HTTP 403 -> PermissionDenied     409 otherwise (Conflict) -> Aborted
//   HTTP 410 (Gone, also a watch ERROR event) -> OutOfRange
//   HTTP 422 -> InvalidArgument      429 -> ResourceExhausted
//   5xx, transport errors -> Unavailable   anything else -> Unknown
//
// The message is the API server's Status.message; the HTTP code and Status.reason are kept
// as payloads (HttpCode(), Reason()).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"

namespace sluice::k8s {

// `body` is the response body (a metav1.Status when the server produced it; any text else).
absl::Status StatusFromHttp(int http_code, const std::string& body);
// A watch ERROR event's object (a metav1.Status).
absl::Status StatusFromApiStatusObject(const nlohmann::json& status_object);

// The HTTP code recorded by StatusFromHttp (0 if none).
int HttpCode(const absl::Status& status);
// Status.reason recorded by StatusFromHttp ("" if none), e.g. "Expired", "Conflict".
std::string Reason(const absl::Status& status);

// NotFound and AlreadyExists: use absl::IsNotFound / absl::IsAlreadyExists.
inline bool IsConflict(const absl::Status& s) { return absl::IsAborted(s); }
inline bool IsGone(const absl::Status& s) { return absl::IsOutOfRange(s); }

}  // namespace sluice::k8s

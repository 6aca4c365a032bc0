// File: operator/k8s/client.h
// The Kubernetes API as the operator uses it. Reconcilers and the runtime depend on this
// interface only; HttpKubeClient (http_kube_client.h) is the real one, tests use fakes of it.
//
// Objects are JSON (nlohmann::json) exactly as the API server serves them. Errors follow
// api_status.h (NotFound, AlreadyExists, Aborted for conflicts, OutOfRange for 410 Gone, ...).
// Implementations are thread-safe: any number of threads may call concurrently.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "operator/k8s/resource.h"

namespace sluice::k8s {

inline constexpr char kFieldManager[] = "sluice-operator";

struct ListOptions {
  std::string label_selector;  // "app.kubernetes.io/name=sluice"; empty: all
  std::string field_selector;
};

struct WatchOptions {
  std::string label_selector;
  std::string resource_version;  // watch from here (exclusive); from a list's metadata
  int timeout_seconds = 300;     // the server ends the watch after this long
  bool allow_bookmarks = true;
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK (ERROR events end the watch)
  nlohmann::json object;
};

class KubeClient {
 public:
  virtual ~KubeClient() = default;

  virtual absl::StatusOr<nlohmann::json> Get(const Resource& resource,
                                             const std::string& namespace_,
                                             const std::string& name) = 0;
  // The list object (items + metadata.resourceVersion). Empty namespace: all namespaces.
  virtual absl::StatusOr<nlohmann::json> List(const Resource& resource,
                                              const std::string& namespace_,
                                              const ListOptions& options) = 0;
  // Streams events to `on_event` until the server ends the watch (OK), `on_event` returns
  // false (OK), `stop` becomes true (Cancelled, noticed within about a second), or an error:
  // an ERROR event (its Status: OutOfRange for 410 Gone) or a transport failure (Unavailable).
  virtual absl::Status Watch(const Resource& resource, const std::string& namespace_,
                             const WatchOptions& options,
                             const std::function<bool(const WatchEvent&)>& on_event,
                             const std::atomic<bool>& stop) = 0;
  virtual absl::StatusOr<nlohmann::json> Create(const Resource& resource,
                                                const std::string& namespace_,
                                                const nlohmann::json& object) = 0;
  // PUT: replaces the object; with metadata.resourceVersion set, a stale write is Aborted
  // (409 Conflict). Used where optimistic concurrency matters (the Lease).
  virtual absl::StatusOr<nlohmann::json> Replace(const Resource& resource,
                                                 const std::string& namespace_,
                                                 const nlohmann::json& object) = 0;
  // Server-side apply of `object` (apiVersion, kind, metadata.name set) as kFieldManager with
  // force=true; returns the object after the apply. `status` applies to the /status subresource.
  virtual absl::StatusOr<nlohmann::json> Apply(const Resource& resource,
                                               const std::string& namespace_,
                                               const nlohmann::json& object,
                                               bool status = false) = 0;
  // Deletes with propagationPolicy=Background. NotFound if it does not exist.
  virtual absl::Status Delete(const Resource& resource, const std::string& namespace_,
                              const std::string& name) = 0;
};

}  // namespace sluice::k8s

// File: operator/runtime/informer.h
// Keeps a local cache of one resource type in sync with the API server and tells handlers
// which objects changed.
//
// Run(): list, then watch from the list's resourceVersion with bookmarks. When the server
// ends a watch (timeoutSeconds), watch again from the last resourceVersion seen (events and
// bookmarks advance it). A 410 Gone (resourceVersion too old) relists; the relist compares the
// new list with the cache, so objects changed or deleted while no watch was open still reach
// the handlers. Other errors retry the watch after an exponential backoff (0.5 s .. 30 s);
// after 5 failures in a row (about 15 s) the informer relists. Every path is level-triggered:
// handlers get keys, reconcilers read the current object.
//
// Thread-safety: handlers are added before Run; Run runs on one thread; Get/List/HasSynced from
// any thread. Handlers run on Run's thread and must not block (enqueue and return).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "operator/k8s/client.h"
#include "operator/runtime/backoff.h"

namespace sluice::operator_runtime {

struct InformerOptions {
  k8s::Resource resource;
  std::string namespace_;      // empty: all namespaces
  std::string label_selector;  // empty: all objects
  int watch_timeout_seconds = 300;
  BackoffPolicy backoff = {std::chrono::milliseconds(500), std::chrono::seconds(30)};
};

enum class ChangeType { kAdded, kUpdated, kDeleted };

// `object` is the new object, or for kDeleted the last one known.
using InformerHandler =
    std::function<void(ChangeType type, const std::string& key, const nlohmann::json& object)>;

struct InformerStats {
  uint64_t lists = 0;         // successful lists (the first one included)
  uint64_t relists_gone = 0;  // relists caused by 410 Gone
  uint64_t watches = 0;       // watches opened
  uint64_t errors = 0;        // failed lists/watches
};

class Informer {
 public:
  // `client` must outlive the informer.
  Informer(k8s::KubeClient* client, InformerOptions options);

  void AddHandler(InformerHandler handler) { handlers_.push_back(std::move(handler)); }
  // Blocks until `stop` is true.
  void Run(const std::atomic<bool>& stop);

  // True once the first list has been delivered.
  bool HasSynced() const { return synced_.load(); }
  std::optional<nlohmann::json> Get(const std::string& key) const;
  std::vector<nlohmann::json> List() const;
  InformerStats Stats() const;
  const InformerOptions& options() const { return options_; }

  // "namespace/name" of an object.
  static std::string KeyOf(const nlohmann::json& object);

 private:
  // Replaces the cache with `items` and notifies the differences.
  void Replace(const nlohmann::json& items);
  void Apply(const k8s::WatchEvent& event);
  void Notify(ChangeType type, const std::string& key, const nlohmann::json& object);
  // Sleeps for the backoff of `failures`, waking early on stop.
  void Sleep(int failures, const std::atomic<bool>& stop);

  k8s::KubeClient* client_;
  const InformerOptions options_;
  std::vector<InformerHandler> handlers_;
  std::atomic<bool> synced_{false};
  std::string resource_version_;  // Run's thread only

  mutable std::mutex mu_;
  std::map<std::string, nlohmann::json> cache_;  // guarded by mu_
  InformerStats stats_;                          // guarded by mu_
};

}  // namespace sluice::operator_runtime

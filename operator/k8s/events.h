// File: operator/k8s/events.h
// Records core/v1 Events about an object (shown by `kubectl describe`). Best effort: a failed
// event is logged and dropped, never an error of the caller. Thread-safe.
#pragma once

#include <string>

#include "nlohmann/json.hpp"
#include "operator/k8s/client.h"

namespace sluice::k8s {

class EventRecorder {
 public:
  // `client` must outlive the recorder. `component` is the event's source, "sluice-operator".
  EventRecorder(KubeClient* client, std::string component)
      : client_(client), component_(std::move(component)) {}

  // `involved` is the object the event is about (apiVersion, kind, metadata.name/namespace/uid
  // are used). `type` is "Normal" or "Warning"; `reason` CamelCase.
  void Record(const nlohmann::json& involved, const std::string& type, const std::string& reason,
              const std::string& message);

 private:
  KubeClient* client_;
  std::string component_;
};

// The Event object Record would create (exposed for tests).
nlohmann::json BuildEvent(const nlohmann::json& involved, const std::string& component,
                          const std::string& type, const std::string& reason,
                          const std::string& message, const std::string& now_rfc3339);

}  // namespace sluice::k8s

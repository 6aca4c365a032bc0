// File: tests/operator/fake_kube_client.h
// An in-memory fake of OUR KubeClient interface (not of the API server): objects keyed by
// REST path, every call logged, failures and watch streams scripted by the test.
// Apply stores the object as given (no merge) plus any status the test put in `statuses`.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "operator/k8s/api_status.h"
#include "operator/k8s/client.h"

namespace sluice::testing {

class FakeKubeClient : public k8s::KubeClient {
 public:
  using WatchStep = std::function<absl::Status(const std::function<bool(const k8s::WatchEvent&)>&)>;

  // --- scripting (under lock via the helpers or before use) ---
  void Put(const k8s::Resource& r, const std::string& ns, const nlohmann::json& object) {
    std::lock_guard<std::mutex> lock(mu_);
    objects_[r.Path(ns, object["metadata"]["name"])] = object;
  }
  std::optional<nlohmann::json> Find(const k8s::Resource& r, const std::string& ns,
                                     const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(r.Path(ns, name));
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }
  // Make the next calls whose log line starts with `prefix` fail with `status`.
  void FailCalls(const std::string& prefix, absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_[prefix] = status;
  }
  void ClearFailures() {
    std::lock_guard<std::mutex> lock(mu_);
    failures_.clear();
  }
  // Watches run these steps in order (each is one Watch call); when none is left, a watch
  // blocks until stop.
  void AddWatchStep(WatchStep step) {
    std::lock_guard<std::mutex> lock(mu_);
    watch_steps_.push_back(std::move(step));
  }
  // Lists return this list object instead of the stored objects (for resourceVersion tests).
  void SetListResult(std::function<nlohmann::json()> list) {
    std::lock_guard<std::mutex> lock(mu_);
    list_result_ = std::move(list);
  }
  std::vector<std::string> Calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  int CountCalls(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (const auto& c : calls_) n += c.rfind(prefix, 0) == 0;
    return n;
  }
  // Status subresource writes, in order.
  std::vector<nlohmann::json> StatusWrites() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_writes_;
  }
  // A status the fake adds to applied objects at that path (e.g. a StatefulSet's status).
  void SetStatusFor(const k8s::Resource& r, const std::string& ns, const std::string& name,
                    nlohmann::json status) {
    std::lock_guard<std::mutex> lock(mu_);
    statuses_[r.Path(ns, name)] = std::move(status);
  }

  // --- KubeClient ---
  absl::StatusOr<nlohmann::json> Get(const k8s::Resource& r, const std::string& ns,
                                     const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string path = r.Path(ns, name);
    if (auto s = Log("GET " + path); !s.ok()) return s;
    auto it = objects_.find(path);
    if (it == objects_.end())
      return k8s::StatusFromHttp(404, "{\"kind\":\"Status\",\"reason\":\"NotFound\"}");
    return it->second;
  }
  absl::StatusOr<nlohmann::json> List(const k8s::Resource& r, const std::string& ns,
                                      const k8s::ListOptions& options) override {
    std::function<nlohmann::json()> list_result;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto s = Log("LIST " + r.Path(ns) + "?" + options.label_selector); !s.ok()) return s;
      list_result = list_result_;
      if (!list_result) {
        nlohmann::json items = nlohmann::json::array();
        std::string prefix = r.Path(ns) + "/";
        for (const auto& [path, object] : objects_) {
          if (path.rfind(prefix, 0) == 0) items.push_back(object);
        }
        return nlohmann::json{{"items", items}, {"metadata", {{"resourceVersion", "1"}}}};
      }
    }
    return list_result();
  }
  absl::Status Watch(const k8s::Resource& r, const std::string& ns,
                     const k8s::WatchOptions& options,
                     const std::function<bool(const k8s::WatchEvent&)>& on_event,
                     const std::atomic<bool>& stop) override {
    WatchStep step;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto s = Log("WATCH " + r.Path(ns) + "?rv=" + options.resource_version); !s.ok()) {
        return s;
      }
      if (!watch_steps_.empty()) {
        step = std::move(watch_steps_.front());
        watch_steps_.pop_front();
      }
    }
    if (step) return step(on_event);
    while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return absl::CancelledError("stopped");
  }
  absl::StatusOr<nlohmann::json> Create(const k8s::Resource& r, const std::string& ns,
                                        const nlohmann::json& object) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string name = object["metadata"].value("name", "");
    // Unique like the API server's suffix, so several Events about one object can be stored.
    if (name.empty()) name = object["metadata"].value("generateName", "") + std::to_string(++rv_);
    std::string path = r.Path(ns, name);
    if (auto s = Log("CREATE " + path); !s.ok()) return s;
    if (objects_.count(path) > 0) {
      return k8s::StatusFromHttp(409, R"({"kind":"Status","reason":"AlreadyExists"})");
    }
    nlohmann::json stored = object;
    stored["metadata"]["resourceVersion"] = std::to_string(++rv_);
    objects_[path] = stored;
    return stored;
  }
  absl::StatusOr<nlohmann::json> Replace(const k8s::Resource& r, const std::string& ns,
                                         const nlohmann::json& object) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string path = r.Path(ns, object["metadata"]["name"]);
    if (auto s = Log("REPLACE " + path); !s.ok()) return s;
    auto it = objects_.find(path);
    if (it == objects_.end()) return k8s::StatusFromHttp(404, "");
    if (object["metadata"].value("resourceVersion", "") !=
        it->second["metadata"].value("resourceVersion", "")) {
      return k8s::StatusFromHttp(409, R"({"kind":"Status","reason":"Conflict"})");
    }
    nlohmann::json stored = object;
    stored["metadata"]["resourceVersion"] = std::to_string(++rv_);
    it->second = stored;
    return stored;
  }
  absl::StatusOr<nlohmann::json> Apply(const k8s::Resource& r, const std::string& ns,
                                       const nlohmann::json& object, bool status) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string path = r.Path(ns, object["metadata"]["name"]);
    if (auto s = Log((status ? "APPLY_STATUS " : "APPLY ") + path); !s.ok()) return s;
    if (status) {
      status_writes_.push_back(object["status"]);
      objects_[path]["status"] = object["status"];
      return objects_[path];
    }
    nlohmann::json stored = object;
    if (auto it = objects_.find(path); it != objects_.end() && it->second.contains("status")) {
      stored["status"] = it->second["status"];
    }
    if (auto it = statuses_.find(path); it != statuses_.end()) stored["status"] = it->second;
    objects_[path] = stored;
    return stored;
  }
  absl::Status Delete(const k8s::Resource& r, const std::string& ns,
                      const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string path = r.Path(ns, name);
    if (auto s = Log("DELETE " + path); !s.ok()) return s;
    if (objects_.erase(path) == 0) return k8s::StatusFromHttp(404, "");
    return absl::OkStatus();
  }

 private:
  absl::Status Log(const std::string& call) {
    calls_.push_back(call);
    for (const auto& [prefix, status] : failures_) {
      if (call.rfind(prefix, 0) == 0) return status;
    }
    return absl::OkStatus();
  }

  std::mutex mu_;
  std::map<std::string, nlohmann::json> objects_;
  std::map<std::string, nlohmann::json> statuses_;
  std::map<std::string, absl::Status> failures_;
  std::deque<WatchStep> watch_steps_;
  std::function<nlohmann::json()> list_result_;
  std::vector<std::string> calls_;
  std::vector<nlohmann::json> status_writes_;
  int rv_ = 100;
};

}  // namespace sluice::testing

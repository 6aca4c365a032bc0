#include "operator/runtime/informer.h"

#include <thread>

#include "common/log.h"
#include "operator/k8s/api_status.h"

namespace sluice::operator_runtime {
namespace {

std::string MetaString(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains("metadata")) return "";
  const nlohmann::json& m = object["metadata"];
  if (!m.is_object() || !m.contains(key) || !m[key].is_string()) return "";
  return m[key].get<std::string>();
}

}  // namespace

Informer::Informer(k8s::KubeClient* client, InformerOptions options)
    : client_(client), options_(std::move(options)) {}

std::string Informer::KeyOf(const nlohmann::json& object) {
  std::string ns = MetaString(object, "namespace");
  std::string name = MetaString(object, "name");
  return ns.empty() ? name : ns + "/" + name;
}

std::optional<nlohmann::json> Informer::Get(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  return it->second;
}

std::vector<nlohmann::json> Informer::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<nlohmann::json> out;
  out.reserve(cache_.size());
  for (const auto& [key, object] : cache_) out.push_back(object);
  return out;
}

InformerStats Informer::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void Informer::Notify(ChangeType type, const std::string& key, const nlohmann::json& object) {
  for (const auto& handler : handlers_) {
    try {
      handler(type, key, object);
    } catch (const std::exception& e) {  // a malformed object must not end the informer
      SLUICE_LOG(kError) << "informer " << options_.resource.plural << ": handler for " << key
                         << " failed: " << e.what();
    }
  }
}

void Informer::Replace(const nlohmann::json& items) {
  std::map<std::string, nlohmann::json> fresh;
  if (items.is_array()) {
    for (const auto& item : items) fresh[KeyOf(item)] = item;
  }
  std::vector<std::tuple<ChangeType, std::string, nlohmann::json>> changes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, object] : cache_) {
      if (fresh.count(key) == 0) changes.emplace_back(ChangeType::kDeleted, key, object);
    }
    for (const auto& [key, object] : fresh) {
      auto it = cache_.find(key);
      if (it == cache_.end()) {
        changes.emplace_back(ChangeType::kAdded, key, object);
      } else if (MetaString(it->second, "resourceVersion") !=
                 MetaString(object, "resourceVersion")) {
        changes.emplace_back(ChangeType::kUpdated, key, object);
      }
    }
    cache_ = std::move(fresh);
  }
  for (const auto& [type, key, object] : changes) Notify(type, key, object);
}

void Informer::Apply(const k8s::WatchEvent& event) {
  std::string rv = MetaString(event.object, "resourceVersion");
  if (!rv.empty()) resource_version_ = rv;
  if (event.type == "BOOKMARK") return;
  std::string key = KeyOf(event.object);
  ChangeType type;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (event.type == "DELETED") {
      cache_.erase(key);
      type = ChangeType::kDeleted;
    } else {
      type = cache_.count(key) > 0 ? ChangeType::kUpdated : ChangeType::kAdded;
      cache_[key] = event.object;
    }
  }
  Notify(type, key, event.object);
}

void Informer::Sleep(int failures, const std::atomic<bool>& stop) {
  auto until = std::chrono::steady_clock::now() + BackoffDelay(options_.backoff, failures);
  while (!stop.load() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void Informer::Run(const std::atomic<bool>& stop) {
  const std::string what = options_.resource.plural;
  int failures = 0;
  while (!stop.load()) {
    k8s::ListOptions list_options{options_.label_selector, ""};
    auto list = client_->List(options_.resource, options_.namespace_, list_options);
    if (!list.ok()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++stats_.errors;
      }
      SLUICE_LOG(kWarn) << "informer " << what << ": list failed: " << list.status();
      Sleep(++failures, stop);
      continue;
    }
    resource_version_ = MetaString(*list, "resourceVersion");
    Replace((*list).contains("items") ? (*list)["items"] : nlohmann::json::array());
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.lists;
    }
    synced_.store(true);
    failures = 0;
    SLUICE_LOG(kDebug) << "informer " << what << ": listed at resourceVersion "
                       << resource_version_;

    while (!stop.load()) {
      k8s::WatchOptions watch_options;
      watch_options.label_selector = options_.label_selector;
      watch_options.resource_version = resource_version_;
      watch_options.timeout_seconds = options_.watch_timeout_seconds;
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++stats_.watches;
      }
      absl::Status status = client_->Watch(
          options_.resource, options_.namespace_, watch_options,
          [this](const k8s::WatchEvent& event) {
            Apply(event);
            return true;
          },
          stop);
      if (stop.load()) return;
      if (status.ok()) {
        failures = 0;
        continue;  // the server closed the watch: resume from the last resourceVersion
      }
      const bool gone = k8s::IsGone(status);
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++(gone ? stats_.relists_gone : stats_.errors);
      }
      if (gone) {
        SLUICE_LOG(kInfo) << "informer " << what << ": " << status.message() << "; relisting";
        break;
      }
      SLUICE_LOG(kWarn) << "informer " << what << ": watch failed: " << status;
      Sleep(++failures, stop);
      if (failures >= 5) break;  // ~15 s of failed watches: relist
    }
  }
}

}  // namespace sluice::operator_runtime

#include "operator/k8s/events.h"

#include <ctime>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace sluice::k8s {
namespace {

std::string Field(const nlohmann::json& obj, const char* a, const char* b = nullptr) {
  const nlohmann::json* v = &obj;
  for (const char* key : {a, b}) {
    if (key == nullptr) break;
    if (!v->is_object() || !v->contains(key)) return "";
    v = &(*v)[key];
  }
  return v->is_string() ? v->get<std::string>() : "";
}

std::string Now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace

nlohmann::json BuildEvent(const nlohmann::json& involved, const std::string& component,
                          const std::string& type, const std::string& reason,
                          const std::string& message, const std::string& now_rfc3339) {
  std::string name = Field(involved, "metadata", "name");
  std::string ns = Field(involved, "metadata", "namespace");
  return {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"generateName", absl::StrCat(name, ".")}, {"namespace", ns}}},
      {"involvedObject",
       {{"apiVersion", Field(involved, "apiVersion")},
        {"kind", Field(involved, "kind")},
        {"name", name},
        {"namespace", ns},
        {"uid", Field(involved, "metadata", "uid")}}},
      {"type", type},
      {"reason", reason},
      {"message", message.substr(0, 1024)},
      {"source", {{"component", component}}},
      {"reportingComponent", component},
      {"firstTimestamp", now_rfc3339},
      {"lastTimestamp", now_rfc3339},
      {"count", 1},
  };
}

void EventRecorder::Record(const nlohmann::json& involved, const std::string& type,
                           const std::string& reason, const std::string& message) {
  nlohmann::json event = BuildEvent(involved, component_, type, reason, message, Now());
  std::string ns = event["metadata"]["namespace"];
  auto created = client_->Create(Events(), ns, event);
  if (!created.ok()) {
    SLUICE_LOG(kWarn) << "event " << reason << " for " << ns << "/"
                      << event["involvedObject"]["name"].get<std::string>()
                      << " not recorded: " << created.status();
  }
}

}  // namespace sluice::k8s

// See CMakeLists.txt. Exit 0 and one JSON object per line ({"kind","name","spec"}) on success;
// exit 1 with the parse/validation error on stderr.
#include <iostream>
#include <iterator>
#include <string>

#include "operator/api/sluice_cluster.h"
#include "operator/api/sluice_topic.h"

using namespace sluice::operator_api;

int main() {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    std::cerr << "stdin is not JSON\n";
    return 1;
  }
  nlohmann::json items = doc.contains("items") ? doc["items"] : nlohmann::json::array({doc});
  for (const auto& item : items) {
    std::string kind = item.value("kind", "");
    nlohmann::json spec;
    std::string name;
    if (kind == kSluiceClusterKind) {
      auto c = ParseSluiceCluster(item);
      absl::Status s = c.ok() ? ValidateSluiceClusterSpec(c->spec) : c.status();
      if (!s.ok()) {
        std::cerr << kind << ": " << s << "\n";
        return 1;
      }
      name = c->meta.name;
      spec = SluiceClusterSpecToJson(c->spec);
    } else if (kind == kSluiceTopicKind) {
      auto t = ParseSluiceTopic(item);
      absl::Status s = t.ok() ? ValidateSluiceTopicSpec(*t) : t.status();
      if (!s.ok()) {
        std::cerr << kind << ": " << s << "\n";
        return 1;
      }
      name = t->meta.name;
      spec = SluiceTopicSpecToJson(t->spec);
    } else {
      std::cerr << "unexpected kind '" << kind << "'\n";
      return 1;
    }
    std::cout << nlohmann::json({{"kind", kind}, {"name", name}, {"spec", spec}}).dump() << "\n";
  }
  return 0;
}

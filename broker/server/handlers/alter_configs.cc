#include "broker/server/handlers/alter_configs.h"

#include <map>
#include <utility>

#include "broker/server/config_admin.h"
#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {

using Request = kafka::AlterConfigsRequest;
using Response = kafka::AlterConfigsResponse;

Response AlterConfigsHandler::ServeNow(const RequestContext&, const Request& request) {
  Response response;
  std::map<std::pair<int8_t, std::string>, int> counts;
  for (const auto& r : request.resources) ++counts[{r.resource_type, r.resource_name}];
  for (const auto& resource : request.resources) {
    std::vector<ConfigOp> ops;
    for (const auto& c : resource.configs) {
      ops.push_back({c.name, static_cast<int8_t>(ConfigOpType::kSet), c.value});
    }
    absl::Status status =
        counts[{resource.resource_type, resource.resource_name}] > 1
            ? absl::FailedPreconditionError("Duplicate resource in request")
            : AlterResourceConfigs(broker_, resource.resource_type, resource.resource_name, ops,
                                   /*incremental=*/false, request.validate_only);
    Response::AlterConfigsResourceResponse out;
    out.resource_type = resource.resource_type;
    out.resource_name = resource.resource_name;
    out.error_code = Code(ConfigChangeError(status));
    out.error_message = status.ok() ? std::nullopt : std::optional<std::string>(status.message());
    response.responses.push_back(std::move(out));
  }
  return response;
}

}  // namespace sluice::server::handlers

#include "broker/server/handlers/alter_configs.h"

#include <vector>

#include "broker/server/config_admin.h"

namespace sluice::server::handlers {

using Request = kafka::AlterConfigsRequest;
using Response = kafka::AlterConfigsResponse;

Response AlterConfigsHandler::ServeNow(const RequestContext&, const Request& request) {
  // The legacy API has no operations: every named key is a SET, the rest reset.
  return AlterEachResource<Response>(
      broker_, request, /*incremental=*/false, [](const Request::AlterConfigsResource& resource) {
        std::vector<ConfigOp> ops;
        for (const auto& c : resource.configs) {
          ops.push_back({c.name, static_cast<int8_t>(ConfigOpType::kSet), c.value});
        }
        return ops;
      });
}

}  // namespace sluice::server::handlers

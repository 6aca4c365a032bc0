#include "broker/server/handlers/incremental_alter_configs.h"

#include <vector>

#include "broker/server/config_admin.h"

namespace sluice::server::handlers {

using Request = kafka::IncrementalAlterConfigsRequest;
using Response = kafka::IncrementalAlterConfigsResponse;

Response IncrementalAlterConfigsHandler::ServeNow(const RequestContext&, const Request& request) {
  return AlterEachResource<Response>(broker_, request, /*incremental=*/true,
                                     [](const Request::AlterConfigsResource& resource) {
                                       std::vector<ConfigOp> ops;
                                       for (const auto& c : resource.configs) {
                                         ops.push_back({c.name, c.config_operation, c.value});
                                       }
                                       return ops;
                                     });
}

}  // namespace sluice::server::handlers

// File: broker/server/handlers/delete_groups.cc
#include "broker/server/handlers/delete_groups.h"

#include <utility>

#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {

void DeleteGroupsHandler::Serve(const RequestContext&, kafka::DeleteGroupsRequest request,
                                Done done) {
  std::vector<std::string> ids = request.groups_names;
  broker_.groups.DeleteGroups(ids,
                              [ids, done = std::move(done)](std::vector<group::GroupError> errors) {
                                kafka::DeleteGroupsResponse response;
                                for (size_t i = 0; i < ids.size() && i < errors.size(); ++i) {
                                  kafka::DeleteGroupsResponse::DeletableGroupResult result;
                                  result.group_id = ids[i];
                                  result.error_code = Code(errors[i]);
                                  response.results.push_back(std::move(result));
                                }
                                done(std::move(response));
                              });
}

}  // namespace sluice::server::handlers

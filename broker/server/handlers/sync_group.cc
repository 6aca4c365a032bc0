// File: broker/server/handlers/sync_group.cc
#include "broker/server/handlers/sync_group.h"

#include <utility>

#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {

void SyncGroupHandler::Serve(const RequestContext&, kafka::SyncGroupRequest request, Done done) {
  group::SyncRequest sync;
  sync.member_id = std::move(request.member_id);
  sync.group_instance_id = std::move(request.group_instance_id);
  sync.generation = request.generation_id;
  sync.protocol_type = std::move(request.protocol_type);
  sync.protocol_name = std::move(request.protocol_name);
  for (auto& a : request.assignments) {
    sync.assignments.emplace_back(std::move(a.member_id), std::move(a.assignment));
  }
  broker_.groups.SyncGroup(request.group_id, std::move(sync),
                           [done = std::move(done)](group::SyncResponse result) {
                             kafka::SyncGroupResponse response;
                             response.error_code = Code(result.error);
                             response.protocol_type = std::move(result.protocol_type);
                             response.protocol_name = std::move(result.protocol_name);
                             response.assignment = std::move(result.assignment);
                             done(std::move(response));
                           });
}

}  // namespace sluice::server::handlers

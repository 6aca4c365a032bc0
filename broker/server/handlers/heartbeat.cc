// File: broker/server/handlers/heartbeat.cc
#include "broker/server/handlers/heartbeat.h"

#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {

kafka::HeartbeatResponse HeartbeatHandler::ServeNow(const RequestContext&,
                                                    const kafka::HeartbeatRequest& request) {
  group::HeartbeatRequest heartbeat;
  heartbeat.member_id = request.member_id;
  heartbeat.group_instance_id = request.group_instance_id;
  heartbeat.generation = request.generation_id;
  kafka::HeartbeatResponse response;
  response.error_code = Code(broker_.groups.Heartbeat(request.group_id, std::move(heartbeat)));
  return response;
}

}  // namespace sluice::server::handlers

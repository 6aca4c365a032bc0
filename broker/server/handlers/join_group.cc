// File: broker/server/handlers/join_group.cc
#include "broker/server/handlers/join_group.h"

#include <utility>

#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {

std::string ClientHost(const std::string& peer) {
  std::string host = peer.substr(0, peer.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return "/" + host;
}

void JoinGroupHandler::Serve(const RequestContext& ctx, kafka::JoinGroupRequest request,
                             Done done) {
  group::JoinRequest join;
  join.member_id = std::move(request.member_id);
  join.group_instance_id = std::move(request.group_instance_id);
  join.client_id = ctx.client_id;
  join.client_host = ClientHost(ctx.peer);
  join.session_timeout_ms = request.session_timeout_ms;
  join.rebalance_timeout_ms =
      ctx.api_version == 0 ? request.session_timeout_ms : request.rebalance_timeout_ms;
  join.protocol_type = std::move(request.protocol_type);
  for (auto& p : request.protocols) {
    join.protocols.push_back(group::Protocol{std::move(p.name), std::move(p.metadata)});
  }
  join.require_known_member_id = ctx.api_version >= 4;
  join.supports_skip_assignment = ctx.api_version >= 9;
  broker_.groups.JoinGroup(request.group_id, std::move(join),
                           [done = std::move(done)](group::JoinResponse result) {
                             kafka::JoinGroupResponse response;
                             response.error_code = Code(result.error);
                             response.generation_id = result.generation;
                             response.protocol_type = std::move(result.protocol_type);
                             response.protocol_name = std::move(result.protocol_name);
                             response.leader = std::move(result.leader);
                             response.skip_assignment = result.skip_assignment;
                             response.member_id = std::move(result.member_id);
                             for (auto& m : result.members) {
                               kafka::JoinGroupResponse::JoinGroupResponseMember member;
                               member.member_id = std::move(m.member_id);
                               member.group_instance_id = std::move(m.group_instance_id);
                               member.metadata = std::move(m.metadata);
                               response.members.push_back(std::move(member));
                             }
                             done(std::move(response));
                           });
}

}  // namespace sluice::server::handlers

// File: broker/server/handlers/leave_group.cc
#include "broker/server/handlers/leave_group.h"

#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {

kafka::LeaveGroupResponse LeaveGroupHandler::ServeNow(const RequestContext& ctx,
                                                      const kafka::LeaveGroupRequest& request) {
  std::vector<group::MemberIdentity> members;
  if (ctx.api_version < 3) {
    members.push_back(group::MemberIdentity{request.member_id, std::nullopt});
  } else {
    for (const auto& m : request.members) {
      members.push_back(group::MemberIdentity{m.member_id, m.group_instance_id});
    }
  }
  group::LeaveOutcome outcome = broker_.groups.LeaveGroup(request.group_id, std::move(members));
  kafka::LeaveGroupResponse response;
  response.error_code = Code(outcome.error);
  if (ctx.api_version < 3) {
    // One member: its error is the response's (LeaveGroupResponse's rule for v0-2).
    for (const auto& m : outcome.members) {
      if (response.error_code == 0) response.error_code = Code(m.error);
    }
    return response;
  }
  for (const auto& m : outcome.members) {
    kafka::LeaveGroupResponse::MemberResponse member;
    member.member_id = m.member_id;
    member.group_instance_id = m.group_instance_id;
    member.error_code = Code(m.error);
    response.members.push_back(std::move(member));
  }
  return response;
}

}  // namespace sluice::server::handlers

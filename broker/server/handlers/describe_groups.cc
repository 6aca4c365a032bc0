// File: broker/server/handlers/describe_groups.cc
#include "broker/server/handlers/describe_groups.h"

#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {
namespace {

// AclOperation codes READ (3), DELETE (6) and DESCRIBE (8) as a bit field.
constexpr int32_t kGroupOperations = (1 << 3) | (1 << 6) | (1 << 8);

}  // namespace

kafka::DescribeGroupsResponse DescribeGroupsHandler::ServeNow(
    const RequestContext&, const kafka::DescribeGroupsRequest& request) {
  kafka::DescribeGroupsResponse response;
  for (const std::string& group_id : request.groups) {
    group::GroupError error = group::GroupError::kNone;
    group::GroupSummary summary = broker_.groups.DescribeGroup(group_id, &error);
    kafka::DescribeGroupsResponse::DescribedGroup out;
    out.error_code = Code(error);
    out.group_id = group_id;
    // With an error Kafka describes no state at all (its EmptyGroup summary).
    out.group_state = error == group::GroupError::kNone ? group::GroupStateName(summary.state) : "";
    out.protocol_type = summary.protocol_type;
    out.protocol_data = summary.protocol;
    for (auto& m : summary.members) {
      kafka::DescribeGroupsResponse::DescribedGroupMember member;
      member.member_id = std::move(m.member_id);
      member.group_instance_id = std::move(m.group_instance_id);
      member.client_id = std::move(m.client_id);
      member.client_host = std::move(m.client_host);
      member.member_metadata = std::move(m.metadata);
      member.member_assignment = std::move(m.assignment);
      out.members.push_back(std::move(member));
    }
    if (request.include_authorized_operations) out.authorized_operations = kGroupOperations;
    response.groups.push_back(std::move(out));
  }
  return response;
}

}  // namespace sluice::server::handlers

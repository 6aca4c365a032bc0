// File: broker/server/handlers/list_groups.cc
#include "broker/server/handlers/list_groups.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "broker/server/kafka_errors.h"

namespace sluice::server::handlers {
namespace {

constexpr char kClassicGroupType[] = "classic";

bool Matches(const std::vector<std::string>& filter, const std::string& value) {
  return filter.empty() || std::any_of(filter.begin(), filter.end(), [&](const std::string& f) {
           return absl::EqualsIgnoreCase(f, value);
         });
}

}  // namespace

kafka::ListGroupsResponse ListGroupsHandler::ServeNow(const RequestContext&,
                                                      const kafka::ListGroupsRequest& request) {
  kafka::ListGroupsResponse response;
  group::GroupError error = group::GroupError::kNone;
  std::vector<group::GroupOverview> groups = broker_.groups.ListGroups(&error);
  response.error_code = Code(error);
  for (const group::GroupOverview& g : groups) {
    const char* state = group::GroupStateName(g.state);
    if (!Matches(request.states_filter, state) ||
        !Matches(request.types_filter, kClassicGroupType)) {
      continue;
    }
    kafka::ListGroupsResponse::ListedGroup listed;
    listed.group_id = g.group_id;
    listed.protocol_type = g.protocol_type;
    listed.group_state = state;
    listed.group_type = kClassicGroupType;
    response.groups.push_back(std::move(listed));
  }
  return response;
}

}  // namespace sluice::server::handlers

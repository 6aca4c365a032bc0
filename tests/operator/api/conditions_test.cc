#include "operator/api/conditions.h"

#include <gtest/gtest.h>

namespace sluice::operator_api {
namespace {

Condition Ready(const char* status, const char* reason) {
  return {"Ready", status, reason, "msg", 1, ""};
}

TEST(ConditionsTest, NewConditionGetsNowAsTransitionTime) {
  std::vector<Condition> conditions;
  SetCondition(conditions, Ready(kConditionFalse, "Starting"), "T1");
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].last_transition_time, "T1");
}

TEST(ConditionsTest, SameStatusKeepsTransitionTimeEvenIfReasonChanges) {
  std::vector<Condition> conditions;
  SetCondition(conditions, Ready(kConditionFalse, "Starting"), "T1");
  SetCondition(conditions, Ready(kConditionFalse, "StillStarting"), "T2");
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].last_transition_time, "T1");
  EXPECT_EQ(conditions[0].reason, "StillStarting");
}

TEST(ConditionsTest, StatusFlipMovesTransitionTime) {
  std::vector<Condition> conditions;
  SetCondition(conditions, Ready(kConditionFalse, "Starting"), "T1");
  SetCondition(conditions, Ready(kConditionTrue, "AllReady"), "T2");
  EXPECT_EQ(conditions[0].last_transition_time, "T2");
  EXPECT_EQ(FindCondition(conditions, "Ready")->status, kConditionTrue);
  EXPECT_EQ(FindCondition(conditions, "Degraded"), nullptr);
}

TEST(ConditionsTest, JsonRoundTrip) {
  std::vector<Condition> conditions;
  SetCondition(conditions, Ready(kConditionTrue, "AllReady"), "2026-11-26T07:00:00Z");
  SetCondition(conditions, {"Degraded", kConditionFalse, "AsExpected", "", 4, ""}, "T");
  auto parsed = ParseConditions({{"conditions", ConditionsToJson(conditions)}});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, conditions);
}

TEST(ConditionsTest, MalformedConditionsAreErrorsNotCrashes) {
  EXPECT_FALSE(ParseConditions({{"conditions", "nope"}}).ok());
  EXPECT_FALSE(ParseConditions({{"conditions", {{{"type", 3}}}}}).ok());
  EXPECT_FALSE(ParseConditions({{"conditions", {{{"status", "True"}}}}}).ok());
  EXPECT_TRUE(ParseConditions(nlohmann::json::object())->empty());
}

TEST(ConditionsTest, NowIsRfc3339Utc) {
  std::string now = NowRfc3339();
  ASSERT_EQ(now.size(), 20u);
  EXPECT_EQ(now[10], 'T');
  EXPECT_EQ(now.back(), 'Z');
}

}  // namespace
}  // namespace sluice::operator_api

// IncrementalAlterConfigs operations on explicit config values (KIP-339 semantics).
#include "broker/server/config_ops.h"

#include <gtest/gtest.h>

namespace sluice::server {
namespace {

using Changes = std::map<std::string, std::optional<std::string>>;

bool IsList(const std::string& key) { return key == "cleanup.policy"; }
std::string Default(const std::string& key) { return key == "cleanup.policy" ? "delete" : "7"; }

absl::StatusOr<Changes> Apply(const std::map<std::string, std::string>& current,
                              const std::vector<ConfigOp>& ops) {
  return ApplyConfigOps(current, ops, IsList, Default);
}

constexpr int8_t kSet = 0, kDelete = 1, kAppend = 2, kSubtract = 3;

TEST(ConfigOpsTest, SetAndDeleteNameTheirKeysOnly) {
  auto r = Apply({{"retention.ms", "5"}, {"segment.ms", "9"}},
                 {{"retention.ms", kDelete, std::nullopt}, {"retention.bytes", kSet, "100"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, (Changes{{"retention.ms", std::nullopt}, {"retention.bytes", "100"}}));
}

TEST(ConfigOpsTest, AppendStartsFromTheDefaultAndSkipsPresentElements) {
  auto r = Apply({}, {{"cleanup.policy", kAppend, "compact,delete"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, (Changes{{"cleanup.policy", "delete,compact"}}));
}

TEST(ConfigOpsTest, SubtractRemovesElementsAndMayLeaveAnEmptyList) {
  auto r = Apply({{"cleanup.policy", "delete,compact"}}, {{"cleanup.policy", kSubtract, "delete"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (Changes{{"cleanup.policy", "compact"}}));
  r = Apply({{"cleanup.policy", "compact"}}, {{"cleanup.policy", kSubtract, "compact"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (Changes{{"cleanup.policy", ""}}));
}

TEST(ConfigOpsTest, AppendOrSubtractOnANonListKeyIsAnInvalidConfig) {
  auto r = Apply({}, {{"retention.ms", kAppend, "5"}});
  EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
  EXPECT_NE(r.status().message().find("append is not allowed"), std::string::npos);
  r = Apply({}, {{"retention.ms", kSubtract, "5"}});
  EXPECT_NE(r.status().message().find("subtract is not allowed"), std::string::npos);
}

TEST(ConfigOpsTest, MalformedRequestsAreFailedPrecondition) {
  // Duplicate keys, unknown operations and null values make the request invalid.
  EXPECT_TRUE(absl::IsFailedPrecondition(
      Apply({}, {{"retention.ms", kSet, "1"}, {"retention.ms", kDelete, std::nullopt}}).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(Apply({}, {{"retention.ms", 7, "1"}}).status()));
  EXPECT_TRUE(
      absl::IsFailedPrecondition(Apply({}, {{"retention.ms", kSet, std::nullopt}}).status()));
}

}  // namespace
}  // namespace sluice::server

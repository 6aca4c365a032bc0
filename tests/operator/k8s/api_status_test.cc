#include "operator/k8s/api_status.h"

#include <gtest/gtest.h>

namespace sluice::k8s {
namespace {

std::string Body(const char* reason, const char* message, int code) {
  return nlohmann::json({{"kind", "Status"},
                         {"status", "Failure"},
                         {"reason", reason},
                         {"message", message},
                         {"code", code}})
      .dump();
}

TEST(ApiStatusTest, ConflictNotFoundAndGoneAreDistinguishable) {
  absl::Status not_found = StatusFromHttp(404, Body("NotFound", "sts \"a\" not found", 404));
  absl::Status exists = StatusFromHttp(409, Body("AlreadyExists", "already exists", 409));
  absl::Status conflict = StatusFromHttp(409, Body("Conflict", "object has been modified", 409));
  absl::Status gone = StatusFromHttp(410, Body("Expired", "too old resource version", 410));
  EXPECT_TRUE(absl::IsNotFound(not_found));
  EXPECT_TRUE(absl::IsAlreadyExists(exists));
  EXPECT_TRUE(IsConflict(conflict));
  EXPECT_FALSE(IsConflict(exists));
  EXPECT_TRUE(IsGone(gone));
  EXPECT_EQ(HttpCode(gone), 410);
  EXPECT_EQ(Reason(gone), "Expired");
  EXPECT_NE(not_found.message().find("sts \"a\" not found"), std::string::npos);
}

TEST(ApiStatusTest, OtherCodes) {
  EXPECT_TRUE(StatusFromHttp(200, "").ok());
  EXPECT_TRUE(absl::IsInvalidArgument(StatusFromHttp(422, Body("Invalid", "bad", 422))));
  EXPECT_TRUE(absl::IsPermissionDenied(StatusFromHttp(403, "forbidden")));
  EXPECT_TRUE(absl::IsUnauthenticated(StatusFromHttp(401, "")));
  EXPECT_TRUE(absl::IsResourceExhausted(StatusFromHttp(429, "")));
  EXPECT_TRUE(absl::IsUnavailable(StatusFromHttp(503, "<html>")));
  EXPECT_EQ(HttpCode(StatusFromHttp(503, "x")), 503);
  EXPECT_EQ(HttpCode(absl::UnknownError("x")), 0);
}

TEST(ApiStatusTest, WatchErrorEventObject) {
  absl::Status s = StatusFromApiStatusObject(
      {{"kind", "Status"}, {"code", 410}, {"reason", "Expired"}, {"message", "too old"}});
  EXPECT_TRUE(IsGone(s));
  EXPECT_FALSE(StatusFromApiStatusObject("garbage").ok());
}

}  // namespace
}  // namespace sluice::k8s

#include "http/errors.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cp::http {
namespace {

TEST(HttpErrorsTest, MapsEveryCategoryToAnHttpStatus) {
  struct Case {
    core::ErrorCode code;
    int status;
  } cases[] = {
      {core::ErrorCode::kInvalidNhsNumber, 400}, {core::ErrorCode::kUnauthenticated, 401},
      {core::ErrorCode::kPermissionDenied, 403}, {core::ErrorCode::kChildNotFound, 404},
      {core::ErrorCode::kContactPointIdInUse, 409}, {core::ErrorCode::kStoreBusy, 409},
      {core::ErrorCode::kFailedPrecondition, 422}, {core::ErrorCode::kResourceExhausted, 429},
      {core::ErrorCode::kStoreIo, 503}, {core::ErrorCode::kStoreCorrupt, 500},
      {core::ErrorCode::kInternal, 500},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ErrorResponse(core::Status(c.code, "m")).status, c.status)
        << core::ErrorCodeName(c.code);
  }
}

TEST(HttpErrorsTest, ErrorBodyCarriesStableCodeNumberAndMessage) {
  const Response r = ErrorResponse(
      core::Status(core::ErrorCode::kInvalidPostcode, "child.address.postcode: not a UK postcode"));
  EXPECT_EQ(r.content_type, "application/json");
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "invalid_postcode");
  EXPECT_EQ(body["error"]["number"], 1004);
  EXPECT_EQ(body["error"]["message"], "child.address.postcode: not a UK postcode");
}

}  // namespace
}  // namespace cp::http

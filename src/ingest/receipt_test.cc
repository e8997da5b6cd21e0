#include "ingest/receipt.h"

#include <gtest/gtest.h>

#include "ingest/parser.h"

namespace cp::ingest {
namespace {

Receipt Sample() {
  Receipt r;
  r.source = domain::SourceId("gro-births");
  r.batch = domain::BatchId("2026-11-21-0001");
  r.content_digest = std::string(64, 'a');
  r.mode = BatchMode::kFull;
  r.sequence = 1044;
  r.expected_sequence = 1043;
  r.extracted_at = *ParseRfc3339Utc("t", "2026-11-21T02:00:00Z");
  r.received_at = *ParseRfc3339Utc("t", "2026-11-21T03:04:05.678Z");
  r.records = 5;
  r.accepted = 3;
  r.withdrawn = 1;
  r.linked = 1;
  r.created = 1;
  r.rejected = 2;
  r.rejections = {{4, "child.gender", core::ErrorCode::kInvalidGender, "must be one of male"},
                  {5, "", core::ErrorCode::kInvalidFeedLine, "the line is not valid JSON"}};
  return r;
}

TEST(ReceiptTest, JsonRoundTrips) {
  const Receipt r = Sample();
  auto back = ReceiptFromJson(ReceiptToJson(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ReceiptToJson(*back), ReceiptToJson(r));
  EXPECT_EQ(back->rejections, r.rejections);
  EXPECT_EQ(back->expected_sequence, 1043);
}

TEST(ReceiptTest, TextShowsCountsGapAndRejections) {
  const std::string text = ReceiptToText(Sample(), 1);
  EXPECT_NE(text.find("accepted 3"), std::string::npos);
  EXPECT_NE(text.find("sequence gap"), std::string::npos);
  EXPECT_NE(text.find("line 4: child.gender"), std::string::npos);
  EXPECT_EQ(text.find("line 5:"), std::string::npos);
  EXPECT_NE(text.find("1 more rejected lines"), std::string::npos);
}

TEST(ReceiptTest, DamagedStoredReceiptIsReported) {
  EXPECT_EQ(ReceiptFromJson("{").status().code(), core::ErrorCode::kStoreCorrupt);
  EXPECT_EQ(ReceiptFromJson("{\"source\": 1}").status().code(), core::ErrorCode::kStoreCorrupt);
}

}  // namespace
}  // namespace cp::ingest

#include "ingest/check.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace cp::ingest {
namespace {

namespace fs = std::filesystem;

class CheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cp_check_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& content) {
    const std::string path = (dir_ / "batch.jsonl").string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  fs::path dir_;
};

constexpr const char* kHeader =
    R"({"contactpoint_feed": 1, "source": "la-leeds", "batch": "b1", "extracted_at": "2026-11-21T02:00:00Z", "mode": "full"})";
constexpr const char* kGood =
    R"({"key": "K1", "op": "upsert", "child": {"given_names": "Ann", "family_name": "Lee", "date_of_birth": "2015-01-02"}})";

TEST_F(CheckTest, CountsAcceptedRejectedAndWithdrawnLines) {
  const std::string path = Write(std::string(kHeader) + "\n" + kGood + "\n" +
                                 R"({"key": "K2", "op": "withdraw"})" + "\n" +
                                 "not json\n" +
                                 R"({"key": "K3", "op": "upsert", "child": {"family_name": "X"}})" +
                                 "\n");
  std::vector<FeedRecord> records;
  std::vector<Rejection> rejections;
  auto summary = CheckBatchFile(
      path, [&](FeedRecord&& r) { records.push_back(std::move(r)); return core::Status::Ok(); },
      [&](const Rejection& r, std::string_view) { rejections.push_back(r); });
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->header.mode, BatchMode::kFull);
  EXPECT_EQ(summary->records, 4);
  EXPECT_EQ(summary->accepted, 2);
  EXPECT_EQ(summary->withdrawals, 1);
  EXPECT_EQ(summary->rejected, 2);
  ASSERT_EQ(rejections.size(), 2u);
  EXPECT_EQ(rejections[0].line, 4);
  EXPECT_EQ(rejections[1].line, 5);
  EXPECT_EQ(rejections[1].field, "child.date_of_birth");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line, 2);
}

TEST_F(CheckTest, BadHeaderRefusesTheWholeBatch) {
  const std::string path = Write(std::string(R"({"contactpoint_feed": 1})") + "\n" + kGood + "\n");
  int seen = 0;
  auto summary = CheckBatchFile(
      path, [&](FeedRecord&&) { ++seen; return core::Status::Ok(); }, [&](const Rejection&, std::string_view) {});
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), core::ErrorCode::kInvalidBatchHeader);
  EXPECT_EQ(seen, 0);
}

TEST_F(CheckTest, EmptyFileIsRefused) {
  auto summary = CheckBatchFile(
      Write(""), [](FeedRecord&&) { return core::Status::Ok(); }, [](const Rejection&, std::string_view) {});
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.status().message().find("empty"), std::string::npos);
}

TEST_F(CheckTest, SinkErrorStopsTheCheck) {
  const std::string path = Write(std::string(kHeader) + "\n" + kGood + "\n" + kGood + "\n");
  int seen = 0;
  auto summary = CheckBatchFile(
      path,
      [&](FeedRecord&&) {
        ++seen;
        return core::Status(core::ErrorCode::kStoreIo, "disk full");
      },
      [](const Rejection&, std::string_view) {});
  EXPECT_EQ(summary.status().code(), core::ErrorCode::kStoreIo);
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace cp::ingest

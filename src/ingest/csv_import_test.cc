#include "ingest/csv_import.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ingest/parser.h"

namespace cp::ingest {
namespace {

namespace fs = std::filesystem;

class CsvImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cp_csv_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    header_.source = domain::SourceId("la-leeds-manual");
    header_.batch = domain::BatchId("m1");
    header_.extracted_at = *ParseRfc3339Utc("t", "2026-11-21T02:00:00Z");
  }
  void TearDown() override { fs::remove_all(dir_); }

  core::StatusOr<CheckSummary> Import(const std::string& content) {
    const std::string path = (dir_ / "batch.csv").string();
    std::ofstream(path, std::ios::binary) << content;
    records_.clear();
    rejections_.clear();
    return ImportCsvFile(
        path, header_,
        [&](FeedRecord&& r) {
          records_.push_back(std::move(r));
          return core::Status::Ok();
        },
        [&](const Rejection& r, std::string_view) { rejections_.push_back(r); });
  }

  fs::path dir_;
  BatchHeader header_;
  std::vector<FeedRecord> records_;
  std::vector<Rejection> rejections_;
};

TEST_F(CsvImportTest, RowsBecomeRecordsWithEveryColumn) {
  auto summary = Import(
      "key,op,given_names,family_name,gender,date_of_birth,other_given_names,other_family_name,"
      "address_line_1,address_line_2,postcode,nhs_number,upn\n"
      "K1,upsert,Amelia Rose,Smith,female,2015-03-02,Amy,Jones,\"12 High Street, Flat 2\",Leeds,"
      "ls14ab,9434765919,B801200005001\n"
      "K2,withdraw,,,,,,,,,,,\n");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->accepted, 2);
  EXPECT_EQ(summary->withdrawals, 1);
  EXPECT_TRUE(rejections_.empty()) << rejections_[0].field << ": " << rejections_[0].reason;
  ASSERT_EQ(records_.size(), 2u);
  const domain::Child& c = records_[0].child;
  EXPECT_EQ(records_[0].key.value(), "K1");
  EXPECT_EQ(c.name.given_names.Reveal(), "Amelia Rose");
  EXPECT_EQ(c.gender, domain::Gender::kFemale);
  ASSERT_EQ(c.other_names.size(), 1u);
  EXPECT_EQ(c.other_names[0].family_name.Reveal(), "Jones");
  ASSERT_TRUE(c.address.has_value());
  EXPECT_EQ(c.address->lines.Reveal(), (std::vector<std::string>{"12 High Street, Flat 2", "Leeds"}));
  EXPECT_EQ(c.address->postcode->Reveal(), "LS1 4AB");
  EXPECT_EQ(c.identifiers.upn->Reveal(), "B801200005001");
  EXPECT_EQ(records_[1].op, RecordOp::kWithdraw);
  EXPECT_EQ(records_[1].line, 3);
}

TEST_F(CsvImportTest, RejectionsNameRowAndColumn) {
  auto summary = Import(
      "key,family_name,date_of_birth,given_names,nhs_number,address_line_2\n"
      "K1,Smith,2015-02-30,Ann,,\n"
      "K2,Smith,2015-02-03,Ann,9434765918,\n"
      "K3,Smith,2015-02-03,Ann,,\"bad\tline\"\n"
      "K4,Smith\n"
      "K5,Smith,2015-02-03,\"Ann \"\"quoted\"\" \\ back\",,\n");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_EQ(rejections_.size(), 5u);
  EXPECT_EQ(rejections_[0].line, 2);
  EXPECT_EQ(rejections_[0].field, "date_of_birth");
  EXPECT_EQ(rejections_[1].field, "nhs_number");
  EXPECT_EQ(rejections_[1].code, core::ErrorCode::kInvalidNhsNumber);
  EXPECT_EQ(rejections_[2].field, "address_line_1");  // the only line given is the first
  EXPECT_EQ(rejections_[3].line, 5);
  EXPECT_NE(rejections_[3].reason.find("cells"), std::string::npos);
  // Quotes and backslashes in a cell are data, not JSON syntax: the name is
  // rejected as a name, not the row as malformed.
  EXPECT_EQ(rejections_[4].field, "given_names");
  EXPECT_EQ(rejections_[4].code, core::ErrorCode::kInvalidName);
  EXPECT_EQ(summary->accepted, 0);
  EXPECT_EQ(summary->records, 5);
}

TEST_F(CsvImportTest, UnknownColumnRefusesTheFile) {
  auto summary = Import("key,family_name,date_of_birth,notes\nK1,Smith,2015-02-03,concern\n");
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), core::ErrorCode::kInvalidBatchHeader);
  EXPECT_NE(summary.status().message().find("column 4"), std::string::npos);
  EXPECT_TRUE(records_.empty());
}

TEST_F(CsvImportTest, MissingRequiredOrRepeatedColumnRefusesTheFile) {
  EXPECT_FALSE(Import("key,family_name\nK1,Smith\n").ok());
  auto repeated = Import("key,key,family_name,date_of_birth\nK1,K1,Smith,2015-01-01\n");
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.status().message().find("more than once"), std::string::npos);
}

TEST_F(CsvImportTest, BrokenQuotingAndEmptyFileAreErrors) {
  EXPECT_FALSE(Import("key,family_name,date_of_birth\nK1,\"Smith,2015-01-01\n").ok());
  EXPECT_FALSE(Import("").ok());
  EXPECT_EQ(ImportCsvFile((dir_ / "none.csv").string(), header_,
                          [](FeedRecord&&) { return core::Status::Ok(); },
                          [](const Rejection&, std::string_view) {})
                .status()
                .code(),
            core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace cp::ingest

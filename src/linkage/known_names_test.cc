#include "linkage/known_names.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "linkage/linkage_data.h"

namespace cp::linkage {
namespace {

const std::filesystem::path kDataDir = CP_LINKAGE_DATA_DIR;

std::filesystem::path WriteTemp(const std::string& name, const std::string& text) {
  const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path) << text;
  return path;
}

TEST(KnownNamesTest, TheShippedListHoldsRealNamesAndNotTypingErrors) {
  auto known = KnownNames::LoadCsv(kDataDir / kKnownGivenNamesFile);
  ASSERT_TRUE(known.ok()) << known.status().ToString();
  EXPECT_GT(known->size(), 25000u);
  for (const char* name : {"olivia", "muhammad", "william", "emma", "ella", "leo", "darcy"}) {
    EXPECT_TRUE(known->Contains(name)) << name;
  }
  for (const char* typo : {"olivai", "willian", "emam", "jonh", "iszac", "jhon"}) {
    EXPECT_FALSE(known->Contains(typo)) << typo;
  }
  // "Lily-Rose" is kept as its parts, the form of a name token.
  EXPECT_TRUE(known->Contains("rose"));
  EXPECT_FALSE(known->Contains("LILY"));  // only normalised tokens are asked for
}

TEST(KnownNamesTest, NamesAreNormalisedAsRecordsAre) {
  const KnownNames known =
      KnownNames::FromCounts({{"D'ARCY", 40}, {"Mary-Jane", 30}, {"  Zoe ", 50}, {"JANE", 5}});
  EXPECT_TRUE(known.Contains("darcy"));
  EXPECT_TRUE(known.Contains("mary"));
  EXPECT_EQ(known.Count("jane"), 35u);  // Mary-Jane's and Jane's
  EXPECT_TRUE(known.Contains("zoe"));
  EXPECT_EQ(known.size(), 4u);
}

TEST(KnownNamesTest, ANameGivenOnlyAHandfulOfTimesIsNotEstablished) {
  const KnownNames known = KnownNames::FromCounts(
      {{"Isaac", 39541}, {"Iszac", 6}, {"Edge", KnownNames::kEstablishedCount}});
  EXPECT_TRUE(known.Contains("isaac"));
  EXPECT_EQ(known.Count("iszac"), 6u);
  EXPECT_FALSE(known.Contains("iszac"));  // likelier Isaac mistyped
  EXPECT_TRUE(known.Contains("edge"));
  EXPECT_FALSE(known.Contains("nobody"));
  EXPECT_EQ(known.Count("nobody"), 0u);
}

TEST(KnownNamesTest, AcceptsANameColumnAnywhereInTheHeader) {
  auto known = KnownNames::LoadCsv(
      WriteTemp("names_a.csv", "count,sex,name\n30,F,Ava\n\n4,F,Ivy\r\n17,M,IVY\n"));
  ASSERT_TRUE(known.ok()) << known.status().ToString();
  EXPECT_TRUE(known->Contains("ava"));
  EXPECT_EQ(known->Count("ivy"), 21u);  // both sexes
  EXPECT_TRUE(known->Contains("ivy"));
}

TEST(KnownNamesTest, RejectsWhatIsNotAListOfNamesSayingWhere) {
  auto no_column = KnownNames::LoadCsv(WriteTemp("names_b.csv", "sex,count\nF,3\n"));
  ASSERT_FALSE(no_column.ok());
  no_column = KnownNames::LoadCsv(WriteTemp("names_b2.csv", "sex,name\nF,Ava\n"));
  ASSERT_FALSE(no_column.ok());
  EXPECT_EQ(no_column.status().code(), core::ErrorCode::kInvalidLinkageData);
  EXPECT_NE(no_column.status().message().find("line 1"), std::string::npos);

  auto short_line = KnownNames::LoadCsv(WriteTemp("names_c.csv", "sex,name,count\nF,Ava,3\nM\n"));
  ASSERT_FALSE(short_line.ok());
  EXPECT_NE(short_line.status().message().find("line 3"), std::string::npos)
      << short_line.status().message();

  auto no_letters = KnownNames::LoadCsv(WriteTemp("names_d.csv", "name,count\nAva,3\n---,3\n"));
  ASSERT_FALSE(no_letters.ok());
  EXPECT_NE(no_letters.status().message().find("line 3: the name has no letters"),
            std::string::npos)
      << no_letters.status().message();

  for (const char* count : {"0", "-3", "3x", "", "99999999999999999999999"}) {
    auto bad = KnownNames::LoadCsv(
        WriteTemp("names_e.csv", std::string("name,count\nAva,") + count + "\n"));
    ASSERT_FALSE(bad.ok()) << count;
    EXPECT_NE(bad.status().message().find("line 2: the count"), std::string::npos)
        << bad.status().message();
  }

  auto missing = KnownNames::LoadCsv("/nonexistent/names.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), core::ErrorCode::kLinkageDataNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/names.csv"), std::string::npos);
}

TEST(NameFrequenciesTest, TheShippedFamilyNamesSayHowCommonEachIs) {
  auto family = LoadNameFrequencies(kDataDir / kFamilyNameFrequenciesFile);
  ASSERT_TRUE(family.ok()) << family.status().ToString();
  EXPECT_GT(family->size(), 8000u);
  EXPECT_NEAR(family->Frequency("smith"), 0.013, 0.001);
  EXPECT_GT(family->Frequency("smith"), family->Frequency("smart"));
  EXPECT_GT(family->Frequency("smart"), 0.0f);
  EXPECT_EQ(family->Frequency("smtih"), 0.0f);
  // LinkageData loads them beside the given names'.
  auto data = LoadLinkageData(kDataDir);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(data->family_name_frequencies.size(), family->size());
}

TEST(NameFrequenciesTest, NamesAreRunTogetherAsFamilyNameKeysAreAndSharesAddUp) {
  auto family = LoadNameFrequencies(
      WriteTemp("surnames_a.csv", "surname,freq\nO'Brien,2\nSmith-Jones,1\n\nsmith jones,1\r\n"));
  ASSERT_TRUE(family.ok()) << family.status().ToString();
  EXPECT_FLOAT_EQ(family->Frequency("obrien"), 0.5f);
  EXPECT_FLOAT_EQ(family->Frequency("smithjones"), 0.5f);  // listed twice: added
  EXPECT_EQ(family->size(), 2u);
}

TEST(NameFrequenciesTest, RejectsWhatIsNotAFrequencyTableSayingWhere) {
  auto no_column = LoadNameFrequencies(WriteTemp("surnames_b.csv", "surname,count\nSmith,3\n"));
  ASSERT_FALSE(no_column.ok());
  EXPECT_EQ(no_column.status().code(), core::ErrorCode::kInvalidLinkageData);
  EXPECT_NE(no_column.status().message().find("line 1"), std::string::npos);
  EXPECT_NE(no_column.status().message().find("freq (or frequency)"), std::string::npos)
      << no_column.status().message();

  for (const char* freq : {"0", "-0.1", "0.1x", "", "nan", "inf", "1e999"}) {
    auto bad = LoadNameFrequencies(
        WriteTemp("surnames_c.csv", std::string("surname,freq\nSmith,0.2\nJones,") + freq + "\n"));
    ASSERT_FALSE(bad.ok()) << freq;
    EXPECT_NE(bad.status().message().find("line 3: the frequency"), std::string::npos)
        << bad.status().message();
  }
  auto no_letters = LoadNameFrequencies(WriteTemp("surnames_d.csv", "surname,freq\n--,0.2\n"));
  ASSERT_FALSE(no_letters.ok());
  EXPECT_NE(no_letters.status().message().find("line 2: the name has no letters"),
            std::string::npos);
  auto missing = LoadNameFrequencies("/nonexistent/surnames.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), core::ErrorCode::kLinkageDataNotFound);
  EXPECT_NE(missing.status().message().find("family-name frequencies"), std::string::npos);
}

}  // namespace
}  // namespace cp::linkage

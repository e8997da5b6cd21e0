#include "linkage/name_variants.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "linkage/linkage_data.h"

namespace cp::linkage {
namespace {

const std::filesystem::path kDataDir = CP_LINKAGE_DATA_DIR;

std::filesystem::path TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("cp_linkage_" + name + "_" +
              std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

TEST(NameEquivalenceTest, ShippedTableLinksNicknamesToFullNames) {
  auto table = NameEquivalence::LoadCsv(kDataDir / kGivenNameVariantsFile);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  const std::pair<const char*, const char*> equivalent[] = {
      {"bob", "robert"}, {"bill", "william"}, {"peggy", "margaret"}, {"liz", "elizabeth"},
      {"jack", "john"},  {"ted", "edward"},   {"alec", "alexander"},
  };
  for (const auto& [a, b] : equivalent) {
    EXPECT_TRUE(table->Equivalent(a, b)) << a << " ~ " << b;
    EXPECT_TRUE(table->Equivalent(b, a)) << b << " ~ " << a;
  }
  const std::pair<const char*, const char*> different[] = {
      {"robert", "william"}, {"john", "mary"}, {"unknownname", "robert"}};
  for (const auto& [a, b] : different) EXPECT_FALSE(table->Equivalent(a, b)) << a << " / " << b;
  EXPECT_GT(table->group_count(), 400u);
  EXPECT_GT(table->name_count(), 1500u);
}

TEST(NameEquivalenceTest, ShippedSurnameTableLoads) {
  auto table = NameEquivalence::LoadCsv(kDataDir / kFamilyNameVariantsFile);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_TRUE(table->Equivalent("adams", "adamson"));
}

TEST(NameEquivalenceTest, GroupsAreSharedNotTransitive) {
  // a~b and b~c, but a and c were never given as variants of one name.
  auto table = NameEquivalence::FromPairs({{"a", "b"}, {"c", "b"}});
  ASSERT_TRUE(table.ok());
  EXPECT_TRUE(table->Equivalent("a", "b"));
  EXPECT_TRUE(table->Equivalent("c", "b"));
  EXPECT_FALSE(table->Equivalent("a", "c"));
  EXPECT_EQ(table->group_count(), 2u);
  EXPECT_EQ(table->Groups("b").size, 2);
}

TEST(NameEquivalenceTest, IdenticalGroupsGetOneId) {
  auto table = NameEquivalence::FromPairs({{"bob", "robert"}, {"robert", "bob"}});
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->group_count(), 1u);
  EXPECT_EQ(table->Groups("bob"), table->Groups("robert"));
}

TEST(NameEquivalenceTest, MissingFileNamesThePath) {
  const auto path = std::filesystem::path("/nonexistent/dir") / kGivenNameVariantsFile;
  auto table = NameEquivalence::LoadCsv(path);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), core::ErrorCode::kLinkageDataNotFound);
  EXPECT_NE(table.status().message().find(path.string()), std::string::npos);
  EXPECT_NE(table.status().message().find("--data-dir"), std::string::npos);
}

TEST(NameEquivalenceTest, RejectsMalformedLinesNamingTheLine) {
  const auto dir = TempDir("malformed");
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"no header here\n", "line 1"},
      {"name,variant,freq\nbob,robert,0.5\nbroken\n", "line 3"},
      {"name,variant,freq\nbob,,0.5\n", "line 2"},
  };
  for (const auto& c : cases) {
    WriteFile(dir / "t.csv", c.text);
    auto table = NameEquivalence::LoadCsv(dir / "t.csv");
    ASSERT_FALSE(table.ok()) << c.text;
    EXPECT_EQ(table.status().code(), core::ErrorCode::kInvalidLinkageData);
    EXPECT_NE(table.status().message().find(c.expected), std::string::npos)
        << table.status().message();
  }
  std::filesystem::remove_all(dir);
}

TEST(NameEquivalenceTest, AcceptsCrlfAndBlankLines) {
  const auto dir = TempDir("crlf");
  WriteFile(dir / "t.csv", "name,variant,freq\r\nBob,Robert,1\r\n\r\n");
  auto table = NameEquivalence::LoadCsv(dir / "t.csv");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_TRUE(table->Equivalent("bob", "robert"));
  std::filesystem::remove_all(dir);
}

TEST(ResolveLinkageDataDirTest, ExplicitDirectoryWins) {
  auto dir = ResolveLinkageDataDir(kDataDir, "/nowhere/contactpoint");
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(*dir, kDataDir);
}

TEST(ResolveLinkageDataDirTest, WrongExplicitDirectoryIsAnErrorNotAFallback) {
  auto dir = ResolveLinkageDataDir(std::filesystem::path("/nonexistent/linkage"),
                                   kDataDir / ".." / ".." / "build" / "x" / "contactpoint");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), core::ErrorCode::kLinkageDataNotFound);
  EXPECT_NE(dir.status().message().find("/nonexistent/linkage"), std::string::npos);
}

TEST(ResolveLinkageDataDirTest, FindsRepositoryDataAboveABuildTree) {
  const auto binary = kDataDir / ".." / ".." / "build" / "some" / "src" / "cli" / "contactpoint";
  auto dir = ResolveLinkageDataDir(std::nullopt, binary);
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  EXPECT_TRUE(std::filesystem::equivalent(*dir, kDataDir));
}

TEST(ResolveLinkageDataDirTest, FindsInstalledLayout) {
  const auto root = TempDir("installed");
  std::filesystem::create_directories(root / "bin");
  std::filesystem::create_directories(root / "share" / "contactpoint" / "linkage");
  WriteFile(root / "share" / "contactpoint" / "linkage" / "model.json", "{}");
  auto dir = ResolveLinkageDataDir(std::nullopt, root / "bin" / "contactpoint");
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  EXPECT_TRUE(std::filesystem::equivalent(*dir, root / "share" / "contactpoint" / "linkage"));
  std::filesystem::remove_all(root);
}

TEST(ResolveLinkageDataDirTest, NothingFoundSaysHowToFixIt) {
  const auto root = TempDir("empty");
  auto dir = ResolveLinkageDataDir(std::nullopt, root / "contactpoint");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), core::ErrorCode::kLinkageDataNotFound);
  EXPECT_NE(dir.status().message().find("--data-dir"), std::string::npos);
  std::filesystem::remove_all(root);
}

TEST(LoadLinkageDataTest, LoadsEverythingShipped) {
  auto data = LoadLinkageData(kDataDir);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_TRUE(data->given_name_variants.Equivalent("bob", "robert"));
  EXPECT_GT(data->model.Weight(Field::kDateOfBirth, 0), 0);
}

}  // namespace
}  // namespace cp::linkage

#include "web/assets.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace cp::web {
namespace {

namespace fs = std::filesystem;

class AssetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("cp_assets_" + std::to_string(::getpid()));
    fs::create_directories(root_ / "govuk" / "assets" / "fonts");
    fs::create_directories(root_ / "static");
    Write(root_ / "govuk" / "govuk-frontend.min.css", "body{}");
    Write(root_ / "govuk" / "govuk-frontend.min.js", "export{}");
    Write(root_ / "govuk" / "assets" / "fonts" / "bold.woff2", "font");
    Write(root_ / "static" / "app.mjs", "import x from 'y'");
    Write(root_ / "secret.txt", "not an asset");
    dirs_ = AssetDirs{root_ / "govuk", root_ / "static"};
  }
  void TearDown() override { fs::remove_all(root_); }
  static void Write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

  fs::path root_;
  AssetDirs dirs_;
};

TEST_F(AssetsTest, ServesGovukFilesAndOurOwnWithTheirTypes) {
  EXPECT_EQ(AssetFile(dirs_, "govuk-frontend.min.css"), root_ / "govuk" / "govuk-frontend.min.css");
  EXPECT_EQ(AssetFile(dirs_, "fonts/bold.woff2"), root_ / "govuk" / "assets" / "fonts" / "bold.woff2");
  EXPECT_EQ(AssetFile(dirs_, "app.mjs"), root_ / "static" / "app.mjs");
  const http::Response css = ServeAsset(dirs_, "/assets/govuk-frontend.min.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.body, "body{}");
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_EQ(ServeAsset(dirs_, "/assets/app.mjs").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(ServeAsset(dirs_, "/assets/fonts/bold.woff2").content_type, "font/woff2");
}

TEST_F(AssetsTest, NothingOutsideTheAssetFoldersIsEverServed) {
  for (const char* bad : {"../secret.txt", "../../secret.txt", "fonts/../../../secret.txt",
                          "/etc/passwd", "", "fonts//bold.woff2", "app.mjs%00", "a b",
                          "fonts/missing.woff2", "fonts"}) {
    EXPECT_FALSE(AssetFile(dirs_, bad).has_value()) << bad;
  }
  EXPECT_EQ(ServeAsset(dirs_, "/assets/../secret.txt").status, 404);
  EXPECT_EQ(ServeAsset(dirs_, "/other/app.mjs").status, 404);
}

TEST_F(AssetsTest, AssetsAreFoundBesideTheBinaryOrInAGivenFolder) {
  fs::create_directories(root_ / "tree" / "build" / "bin");
  const fs::path web = root_ / "tree" / "web";
  fs::create_directories(web / "node_modules" / "govuk-frontend" / "dist" / "govuk");
  fs::create_directories(web / "static");
  Write(web / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "govuk-frontend.min.css", "");
  Write(web / "static" / "app.mjs", "");
  auto found = ResolveAssets(std::nullopt, root_ / "tree" / "build" / "bin" / "contactpoint");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->static_files, web / "static");
  auto given = ResolveAssets(root_, "/nowhere/contactpoint");
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->govuk, root_ / "govuk");
  auto missing = ResolveAssets(root_ / "nothing", "/nowhere/contactpoint");
  EXPECT_FALSE(missing.ok());
  auto none = ResolveAssets(std::nullopt, "/nowhere/at/all/contactpoint");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("npm ci"), std::string::npos);
}

}  // namespace
}  // namespace cp::web

#include "auth/enrolment_qr.h"

#include <gtest/gtest.h>
#include <qrencode.h>

#include <regex>
#include <set>
#include <string>
#include <utility>

namespace cp::auth {
namespace {

using core::Sensitive;

// The dark modules drawn by the SVG's path ("Mx yhNv1h-Nz" runs), in QR
// coordinates (quiet zone removed).
std::set<std::pair<int, int>> DarkModulesInSvg(const std::string& svg) {
  std::set<std::pair<int, int>> dark;
  const std::regex run(R"(M(\d+) (\d+)h(\d+)v1h-(\d+)z)");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), run); it != std::sregex_iterator();
       ++it) {
    const int x = std::stoi((*it)[1]) - kQrQuietZoneModules;
    const int y = std::stoi((*it)[2]) - kQrQuietZoneModules;
    const int n = std::stoi((*it)[3]);
    EXPECT_EQ(n, std::stoi((*it)[4]));
    for (int k = 0; k < n; ++k) dark.insert({x + k, y});
  }
  return dark;
}

TEST(EnrolmentQrTest, SvgDrawsExactlyTheQrModules) {
  const std::string uri =
      "otpauth://totp/ContactPoint:jo.smith?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
      "&issuer=ContactPoint";
  auto svg = QrCodeSvg(Sensitive<std::string>(uri));
  ASSERT_TRUE(svg.ok()) << svg.status().ToString();

  QRcode* code = QRcode_encodeString8bit(uri.c_str(), 0, QR_ECLEVEL_M);
  ASSERT_NE(code, nullptr);
  std::set<std::pair<int, int>> expected;
  for (int y = 0; y < code->width; ++y) {
    for (int x = 0; x < code->width; ++x) {
      if (code->data[y * code->width + x] & 1) expected.insert({x, y});
    }
  }
  const int size = code->width + 2 * kQrQuietZoneModules;
  QRcode_free(code);

  const std::string& text = svg->Reveal();
  EXPECT_TRUE(text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_NE(text.find("viewBox=\"0 0 " + std::to_string(size) + " " + std::to_string(size) + "\""),
            std::string::npos);
  EXPECT_NE(text.find("width=\"" + std::to_string(size * 4) + "\""), std::string::npos);
  EXPECT_TRUE(text.ends_with("</svg>\n"));
  EXPECT_EQ(DarkModulesInSvg(text), expected);
}

TEST(EnrolmentQrTest, SvgIsSelfContained) {
  const std::string text = QrCodeSvg(Sensitive<std::string>("x")).value().Reveal();
  EXPECT_EQ(text.find("<script"), std::string::npos);
  EXPECT_EQ(text.find("href"), std::string::npos);
  EXPECT_EQ(text.find("<text"), std::string::npos);
}

TEST(EnrolmentQrTest, TextTooLongForAQrCodeIsInvalidArgument) {
  EXPECT_EQ(QrCodeSvg(Sensitive<std::string>(std::string(5000, 'a'))).status().code(),
            core::ErrorCode::kInvalidArgument);
}

TEST(EnrolmentQrTest, ModuleSizeMustBePositive) {
  EXPECT_EQ(QrCodeSvg(Sensitive<std::string>("x"), 0).status().code(),
            core::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace cp::auth

// The practitioner's own entries and shields through the web pages
// (practice_pages.cc): DOMAIN.md section 10 cases 5 and 6, with their
// failure paths (bad input, forged forms) changing nothing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "web/testing/web_fixture.h"

namespace cp::web {
namespace {

using namespace testing;  // NOLINT: the web fixture

class PracticePagesTest : public WebPagesTest {
 protected:
  void SetUp() override {
    WebPagesTest::SetUp();
    sam_ = SignIn("sam");
    csrf_ = Hidden(Get("/search", sam_)->body, "csrf");
  }

  // The fields every record form carries: the record and the reason given.
  std::vector<std::pair<std::string, std::string>> Context() const {
    return {{"csrf", csrf_}, {"contactpoint_id", ann_.ToString()}, {"reason", "emergency_care"}};
  }
  httplib::Result Post(const std::string& path,
                       std::vector<std::pair<std::string, std::string>> extra,
                       const std::string& cookie) {
    std::vector<std::pair<std::string, std::string>> fields = Context();
    if (cookie != sam_) fields[0].second = Hidden(Get("/search", cookie)->body, "csrf");
    for (auto& e : extra) fields.push_back(std::move(e));
    std::string body;
    for (const auto& [k, v] : fields) {
      if (!body.empty()) body += '&';
      body += httplib::detail::encode_query_param(k) + "=" + httplib::detail::encode_query_param(v);
    }
    return PostForm(path, body, cookie);
  }

  std::vector<storage::PractitionerInvolvementEntry> Entries() {
    auto tx = store_->Begin(storage::TxMode::kReadOnly);
    auto entries = (*tx)->PractitionerInvolvementsOf(ann_);
    EXPECT_TRUE(entries.ok());
    return entries.ok() ? *entries : std::vector<storage::PractitionerInvolvementEntry>{};
  }
  std::optional<storage::ShieldEntry> Shield() {
    auto tx = store_->Begin(storage::TxMode::kReadOnly);
    auto shield = (*tx)->GetShield(ann_);
    EXPECT_TRUE(shield.ok());
    return shield.ok() ? *shield : std::nullopt;
  }

  std::string sam_;
  std::string csrf_;
};

TEST_F(PracticePagesTest, APractitionerRecordsLeadsCafsAndEndsTheirInvolvement) {
  auto record = Post("/record", {}, sam_);
  ASSERT_EQ(record->status, 200) << record->body;
  EXPECT_NE(record->body.find("Record your involvement"), std::string::npos);
  // Ann has no school among her services (case 2).
  EXPECT_NE(record->body.find("No current education setting recorded"), std::string::npos);

  auto added = Post("/record/involvement",
                    {{"service_type", "social_care"}, {"phone", "0113 496 0999"}}, sam_);
  ASSERT_EQ(added->status, 200) << added->body;
  EXPECT_NE(added->body.find("Your involvement is recorded"), std::string::npos);
  EXPECT_NE(added->body.find("0113 496 0999"), std::string::npos);
  ASSERT_EQ(Entries().size(), 1u);
  const std::string entry = std::to_string(Entries()[0].id);
  EXPECT_NE(added->body.find("Mark me as lead professional"), std::string::npos);

  auto lead = Post("/record/lead-professional", {{"involvement_id", entry}}, sam_);
  ASSERT_EQ(lead->status, 200) << lead->body;
  EXPECT_NE(lead->body.find("You are now the lead professional"), std::string::npos);
  EXPECT_TRUE(Entries()[0].lead_professional);
  EXPECT_EQ(lead->body.find("Mark me as lead professional"), std::string::npos);

  auto caf = Post("/record/caf", {{"involvement_id", entry}, {"caf_email", "caf@leeds.example"}},
                  sam_);
  ASSERT_EQ(caf->status, 200) << caf->body;
  EXPECT_TRUE(Entries()[0].caf);
  EXPECT_NE(caf->body.find("caf@leeds.example"), std::string::npos);

  auto ended = Post("/record/involvement/end", {{"involvement_id", entry}}, sam_);
  ASSERT_EQ(ended->status, 200) << ended->body;
  EXPECT_NE(ended->body.find("Your involvement is ended"), std::string::npos);
  EXPECT_TRUE(Entries()[0].end.has_value());
  EXPECT_FALSE(Entries()[0].lead_professional);
}

TEST_F(PracticePagesTest, BadInputAndForgedFormsChangeNothing) {
  // No contact details: refused, the field named, nothing stored.
  auto bad = Post("/record/involvement", {{"service_type", "social_care"}}, sam_);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("govuk-error-summary"), std::string::npos);
  EXPECT_NE(bad->body.find("href=\"#phone\""), std::string::npos);
  // No service chosen.
  auto none = Post("/record/involvement", {{"phone", "0113 496 0999"}}, sam_);
  EXPECT_EQ(none->status, 400);
  EXPECT_NE(none->body.find("href=\"#service_type\""), std::string::npos);
  // A start date that does not exist.
  auto date = Post("/record/involvement",
                   {{"service_type", "social_care"}, {"phone", "0113 496 0999"},
                    {"start_day", "31"}, {"start_month", "2"}, {"start_year", "2026"}},
                   sam_);
  EXPECT_EQ(date->status, 400);
  EXPECT_TRUE(Entries().empty());
  // A forged form (another session's or no CSRF token).
  std::vector<std::pair<std::string, std::string>> forged = Context();
  forged[0].second = "0000";
  std::string body;
  for (const auto& [k, v] : forged) body += k + "=" + v + "&";
  body += "service_type=social_care&phone=01134960999";
  EXPECT_EQ(PostForm("/record/involvement", body, sam_)->status, 400);
  EXPECT_TRUE(Entries().empty());
  // Someone else's entry (or none) cannot be ended.
  EXPECT_EQ(Post("/record/involvement/end", {{"involvement_id", "999"}}, sam_)->status, 400);
  EXPECT_EQ(Post("/record/lead-professional", {{"involvement_id", "x"}}, sam_)->status, 400);
  // No reason: the reason step again, nothing done.
  auto fields = Context();
  fields[2].second = "";
  body.clear();
  for (const auto& [k, v] : fields) body += k + "=" + v + "&";
  body += "service_type=social_care&phone=01134960999";
  auto no_reason = PostForm("/record/involvement", body, sam_);
  EXPECT_EQ(no_reason->status, 400);
  EXPECT_TRUE(Entries().empty());
}

TEST_F(PracticePagesTest, AShieldHidesTheRecordAtOnceAndTheTeamReviewsIt) {
  EXPECT_EQ(Get("/manage/shield-reviews", sam_)->status, 403);
  EXPECT_EQ(Get("/search", sam_)->body.find("Shield reviews"), std::string::npos);
  auto no_ground = Post("/record/shield", {}, sam_);
  EXPECT_EQ(no_ground->status, 400);
  EXPECT_NE(no_ground->body.find("href=\"#ground\""), std::string::npos);
  EXPECT_FALSE(Shield().has_value());

  auto shielded = Post("/record/shield", {{"ground", "risk_of_harm"}}, sam_);
  ASSERT_EQ(shielded->status, 200) << shielded->body;
  EXPECT_NE(shielded->body.find("This record is now shielded"), std::string::npos);
  ASSERT_TRUE(Shield().has_value());
  // Hidden at once: the practitioner no longer sees the address or services.
  EXPECT_EQ(shielded->body.find("1 Park Row"), std::string::npos);
  EXPECT_EQ(shielded->body.find("0113 496 0001"), std::string::npos);

  const std::string cpm = SignIn("leeds.cpm");
  auto due = Get("/manage/shield-reviews", cpm);
  ASSERT_EQ(due->status, 200) << due->body;
  EXPECT_NE(due->body.find(ann_.ToString()), std::string::npos);
  const std::string cpm_csrf = Hidden(due->body, "csrf");
  auto undecided = PostForm("/manage/shield-reviews/review",
                            Form({{"csrf", cpm_csrf}, {"contactpoint_id", ann_.ToString()}}), cpm);
  EXPECT_EQ(undecided->status, 400);
  EXPECT_EQ(Shield()->state, storage::ShieldState::kInForce);
  auto kept = PostForm("/manage/shield-reviews/review",
                       Form({{"csrf", cpm_csrf}, {"contactpoint_id", ann_.ToString()},
                             {"decision", "keep"}}),
                       cpm);
  EXPECT_EQ(kept->status, 303);
  EXPECT_EQ(kept->get_header_value("Location"), "/manage/shield-reviews?kept=1");
  auto lifted = PostForm("/manage/shield-reviews/review",
                         Form({{"csrf", cpm_csrf}, {"contactpoint_id", ann_.ToString()},
                               {"decision", "lift"}}),
                         cpm);
  EXPECT_EQ(lifted->status, 303);
  EXPECT_NE(Shield()->state, storage::ShieldState::kInForce);
  auto after = Get("/manage/shield-reviews?lifted=1", cpm);
  EXPECT_NE(after->body.find("id=\"no-shields\""), std::string::npos);
  EXPECT_NE(after->body.find("The shield is lifted"), std::string::npos);
}

TEST_F(PracticePagesTest, TheTeamListsSchoolAgeChildrenWithNoEducationSetting) {
  auto refused = Get("/manage/missing-education", sam_);
  EXPECT_EQ(refused->status, 403) << refused->body;
  const std::string cpm = SignIn("leeds.cpm");
  auto report = Get("/manage/missing-education", cpm);
  ASSERT_EQ(report->status, 200) << report->body;
  // Both children of the fixture are 11 with no school; the hostile name is
  // escaped.
  EXPECT_NE(report->body.find(ann_.ToString()), std::string::npos);
  EXPECT_NE(report->body.find("Ann Lee"), std::string::npos);
  EXPECT_EQ(report->body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(report->body.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(Get("/search", cpm)->body.find("href=\"/manage/missing-education\""),
            std::string::npos);
}

}  // namespace
}  // namespace cp::web

// The ContactPoint Manager's and User Manager's pages (issue 9): misuse
// alerts (search/misuse_monitor.h, practice/oversight_service.h).
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "web/internal/page_kit.h"

namespace cp::web::internal {
namespace {

class ManagePages {
 public:
  explicit ManagePages(std::shared_ptr<Kit> kit) : kit_(std::move(kit)), d_(kit_->deps()) {}

  http::Response Alerts(const http::Request& request) {
    return kit_->SignedGet(request, [&](const Signed& s) {
      Json values = Json::object();
      for (const auto& [key, value] : request.query) {
        if (key == "reviewed") values["notice"] = "Your finding is recorded.";
      }
      return AlertsPage(s, 200, std::move(values));
    });
  }

  http::Response AlertsPage(const Signed& s, int status, Json values) {
    auto page = d_.oversight.Alerts(s.session);
    if (!page.ok()) {
      return kit_->Message(page.status().category() == core::ErrorCategory::kPermissionDenied ? 403
                                                                                         : 500,
                     "You cannot see misuse alerts", page.status().message(), &s);
    }
    static const std::map<std::string, std::string> kKinds = {
        {"search_volume", "Searches refused at the volume limit"},
        {"view_volume", "Record views refused at the volume limit"},
        {"own_family_name", "Searched for their own family name"},
        {"own_address", "Searched for their own home postcode"},
        {"searches_without_view", "Many searches without opening a record"},
        {"shielded_access", "Opened a shielded record"},
        {"suspended", "Passed the hard daily limit: suspended automatically"}};
    Json alerts = Json::array();
    for (const practice::AlertView& view : page->alerts) {
      const storage::MisuseAlertEntry& a = view.alert;
      auto kind = kKinds.find(a.kind);
      alerts.push_back(
          {{"alert_id", std::to_string(a.id)},
           {"kind_text", kind != kKinds.end() ? kind->second : Humanise(a.kind)},
           {"display_name", view.display_name},
           {"username", view.username},
           {"role", RoleName(view.role)},
           {"organisation", a.organisation},
           {"contactpoint_id", a.child ? Json(a.child->ToString()) : Json(nullptr)},
           {"occurrences", std::to_string(a.occurrences)},
           {"raised_at", LongTime(a.raised_at)},
           {"last_seen_at", LongTime(a.last_seen_at)},
           {"suspended", a.suspended},
           {"csrf", kit_->CsrfFor(s.token)}});
    }
    values["has_alerts"] = !alerts.empty();
    values["alerts"] = alerts;
    return kit_->Page(status, "Misuse alerts", "alerts", values, &s);
  }

  http::Response ReviewAlert(const http::Request& request) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      const std::string finding = Field(f, "finding");
      const std::string id_text = Field(f, "alert_id");
      const std::optional<std::int64_t> id = ParseInteger(id_text);
      if (finding.empty() || !id) {
        Json values = {{"has_error", true},
                       {"errors", Errors("finding-" + id_text,
                                         "Select your finding on alert " + id_text)}};
        return AlertsPage(s, 400, std::move(values));
      }
      auto reviewed = d_.oversight.ReviewAlert(s.session, *id, finding);
      if (!reviewed.ok()) {
        Json values = {{"has_error", true},
                       {"errors", Errors("main-content", reviewed.status().message())}};
        return AlertsPage(s, 400, std::move(values));
      }
      return Redirect("/manage/alerts?reviewed=1");
    });
  }

 private:
  std::shared_ptr<Kit> kit_;
  const WebDeps& d_;
};

}  // namespace

void RegisterManagePages(http::Server& server, const std::shared_ptr<Kit>& kit) {
  auto pages = std::make_shared<ManagePages>(kit);
  server.Route("GET", "/manage/alerts", [pages](const http::Request& r) { return pages->Alerts(r); });
  server.Route("POST", "/manage/alerts/review",
               [pages](const http::Request& r) { return pages->ReviewAlert(r); });
}

}  // namespace cp::web::internal

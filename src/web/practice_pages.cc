// Web pages: what a practitioner records on a child's record themselves
// (their involvement, ending it, lead professional, a CAF) and shields
// (DOMAIN.md section 10 cases 5 and 6), through practice::PracticeService,
// and the shield reviews due for the accountable authority's team.
//
//   POST /record/involvement        record my involvement
//   POST /record/involvement/end    end my involvement today
//   POST /record/lead-professional  mark me as lead professional
//   POST /record/caf                record that a CAF exists (holder's contact)
//   POST /record/shield             shield the record (hidden at once)
//   GET  /manage/missing-education  school-age children of the team's
//                                   authority with no education setting
//   GET  /manage/shield-reviews     the team's shields due for review
//   POST /manage/shield-reviews/review  keep or lift one
//
// Each record action carries the record's ID and the reason given at the
// reason step (record_page.h); after it, the record is shown again under
// that reason with what was done, or with the service's refusal in the
// error summary. The service audits both.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "domain/ids.h"
#include "practice/practice_service.h"
#include "search/reasons.h"
#include "search/record_json.h"
#include "web/internal/page_kit.h"
#include "web/internal/record_page.h"

namespace cp::web::internal {
namespace {

using core::ErrorCode;
using core::Status;

std::optional<std::string> Given(const Form& form, const std::string& name) {
  std::string v = Field(form, name);
  return v.empty() ? std::nullopt : std::optional<std::string>(std::move(v));
}

std::optional<std::string> GivenDate(const Form& form, const std::string& prefix) {
  std::string v = DateField(form, prefix);
  return v.empty() ? std::nullopt : std::optional<std::string>(std::move(v));
}

// Which field of the record page's forms a practice refusal is about.
std::string PracticeErrorField(const Status& why, const std::string& form_anchor) {
  switch (why.code()) {
    case ErrorCode::kInvalidServiceType: return "service_type";
    case ErrorCode::kInvalidContactDetails: return form_anchor == "record-involvement" ? "phone"
                                                                                       : form_anchor;
    case ErrorCode::kInvalidDate: return form_anchor == "record-involvement" ? "start" : form_anchor;
    case ErrorCode::kInvalidConsent: return "consent_given_by";
    case ErrorCode::kInvalidShieldGround: return "ground";
    default: return form_anchor;
  }
}

class PracticePages {
 public:
  explicit PracticePages(std::shared_ptr<Kit> kit) : kit_(std::move(kit)), d_(kit_->deps()) {}

  // Runs `change` (a PracticeService call answering StatusOr<...>) for the
  // record of the form, then shows the record with `done` or the refusal.
  template <typename Change, typename Done>
  http::Response OnRecord(const http::Request& request, const std::string& form_anchor,
                          Change&& change, Done&& done) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      const std::string id = Field(f, "contactpoint_id");
      const AccessReason reason = ReasonFrom(f);
      // The record is shown again after the change, under the reason given
      // at the reason step: without a valid one, nothing is done and the
      // reason step asks again (the view audits that refusal).
      auto opt = [](const std::string& v) {
        return v.empty() ? std::nullopt : std::optional<std::string_view>(v);
      };
      if (!search::ValidateReason(opt(reason.code), opt(reason.text),
                                  opt(reason.serious_case_review))
               .ok()) {
        return ShowRecord(*kit_, s, id, reason);
      }
      auto answer = change(s, id, f);
      if (!answer.ok()) {
        const Status& why = answer.status();
        if (!IsFormError(why) && why.category() != core::ErrorCategory::kPermissionDenied) {
          return kit_->Refused(why, "Nothing was changed", s);
        }
        return ShowRecord(*kit_, s, id, reason, "",
                          Errors(PracticeErrorField(why, form_anchor), why.message()), 400);
      }
      // Shown under the live ID (a merged-away one is followed by the service).
      // If the record can no longer be shown under the reason given, the
      // change still stands: say so.
      const std::string notice = done(*answer);
      http::Response page = ShowRecord(*kit_, s, answer->id.ToString(), reason, notice);
      if (page.status != 200 && page.status != 303) {
        return kit_->Message(200, "Done", notice + " The record itself cannot be shown to you now.",
                             &s);
      }
      return page;
    });
  }

  std::optional<std::int64_t> Involvement(const Form& f) {
    return ParseInteger(Field(f, "involvement_id"));
  }

  core::StatusOr<practice::EntryAnswer> NoSuchEntry() {
    return Status(ErrorCode::kInvolvementNotFound,
                  "that involvement is not one of yours on this record: open the record again");
  }

  http::Response Record(const http::Request& request) {
    return OnRecord(
        request, "record-involvement",
        [&](const Signed& s, const std::string& id, const Form& f) {
          practice::InvolvementInput input;
          input.service_type = Given(f, "service_type");
          input.phone = Given(f, "phone");
          input.email = Given(f, "email");
          input.start_date = GivenDate(f, "start");
          input.consent_given_by = Given(f, "consent_given_by");
          input.consent_date = GivenDate(f, "consent");
          return d_.practice.RecordInvolvement(s.session, id, input);
        },
        [](const practice::EntryAnswer&) {
          return std::string("Your involvement is recorded: other practitioners can now see how "
                             "to reach you.");
        });
  }

  http::Response End(const http::Request& request) {
    return OnRecord(
        request, "services",
        [&](const Signed& s, const std::string& id, const Form& f) {
          const auto entry = Involvement(f);
          if (!entry) return NoSuchEntry();
          return d_.practice.EndInvolvement(s.session, id, *entry, std::nullopt);
        },
        [](const practice::EntryAnswer&) {
          return std::string("Your involvement is ended: you are no longer shown as currently "
                             "working with this child.");
        });
  }

  http::Response Lead(const http::Request& request) {
    return OnRecord(
        request, "services",
        [&](const Signed& s, const std::string& id, const Form& f) {
          const auto entry = Involvement(f);
          if (!entry) return NoSuchEntry();
          return d_.practice.MarkLeadProfessional(s.session, id, *entry);
        },
        [](const practice::EntryAnswer& a) {
          return std::string("You are now the lead professional for this child") +
                 (a.leads_cleared > 0 ? " (the previous lead professional's mark was cleared)."
                                      : ".");
        });
  }

  http::Response Caf(const http::Request& request) {
    return OnRecord(
        request, "services",
        [&](const Signed& s, const std::string& id, const Form& f) {
          const auto entry = Involvement(f);
          if (!entry) return NoSuchEntry();
          return d_.practice.RecordCaf(s.session, id, *entry, Given(f, "caf_phone"),
                                       Given(f, "caf_email"));
        },
        [](const practice::EntryAnswer&) {
          return std::string("The Common Assessment is recorded, with how to reach its holder.");
        });
  }

  http::Response Shield(const http::Request& request) {
    return OnRecord(
        request, "shield",
        [&](const Signed& s, const std::string& id, const Form& f) {
          return d_.practice.RequestShield(s.session, id, Given(f, "ground"));
        },
        [](const practice::ShieldAnswer& a) {
          return "This record is now shielded: its address and services are hidden from "
                 "practitioners. The local authority's ContactPoint team will review it by " +
                 (a.shield.review_due_at ? LongTime(*a.shield.review_due_at) : std::string("7 days")) +
                 ".";
        });
  }

  http::Response MissingEducation(const http::Request& request) {
    return kit_->SignedGet(request, [&](const Signed& s) {
      auto report = d_.oversight.MissingEducation(s.session);
      if (!report.ok()) return kit_->Refused(report.status(), "You cannot see this report", s);
      Json rows = Json::array();
      for (const practice::MissingEducationEntry& e : report->children) {
        const Json record = search::RecordJson(e.shown, /*summary=*/true);
        rows.push_back({{"contactpoint_id", e.id.ToString()},
                        {"name", Joined({Text(record["given_names"]), Text(record["family_name"])},
                                        " ")},
                        {"dob_text", LongDate(Text(record["date_of_birth"]))},
                        {"postcode", Opt(Text(record.value("postcode", Json())))}});
      }
      Json values = {{"has_children", !rows.empty()},
                     {"children", rows},
                     {"count", std::to_string(rows.size())},
                     {"truncated", report->truncated},
                     {"authority", s.session.account.organisation.name}};
      return kit_->Page(200, "Children missing education", "missing_education", values, &s);
    });
  }

  http::Response Reviews(const http::Request& request) {
    return kit_->SignedGet(request, [&](const Signed& s) {
      Json values = Json::object();
      for (const auto& [key, value] : request.query) {
        if (key == "kept") values["notice"] = "The shield stays in force; the next review is due in 6 months.";
        if (key == "lifted") values["notice"] = "The shield is lifted.";
      }
      return ReviewsPage(s, 200, std::move(values));
    });
  }

  http::Response ReviewsPage(const Signed& s, int status, Json values) {
    auto due = d_.practice.ShieldReviewsDue(s.session);
    if (!due.ok()) return kit_->Refused(due.status(), "You cannot review shields", s);
    static const std::map<std::string, std::string> kGrounds = [] {
      std::map<std::string, std::string> m;
      for (const practice::ShieldGround& g : practice::ShieldGrounds()) {
        m.emplace(std::string(g.code), std::string(g.description));
      }
      return m;
    }();
    Json rows = Json::array();
    for (const practice::ShieldDue& d : due->due) {
      auto ground = kGrounds.find(d.shield.ground);
      rows.push_back({{"contactpoint_id", d.shield.child.ToString()},
                      {"ground", ground != kGrounds.end() ? ground->second : d.shield.ground},
                      {"requested_at", LongTime(d.shield.requested_at)},
                      {"due_at", d.shield.review_due_at ? LongTime(*d.shield.review_due_at) : ""},
                      {"overdue", d.overdue}});
    }
    values["has_due"] = !rows.empty();
    values["due"] = rows;
    values["count"] = std::to_string(rows.size());
    return kit_->Page(status, "Shield reviews", "shield_reviews", values, &s);
  }

  http::Response Review(const http::Request& request) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      const std::string id = Field(f, "contactpoint_id");
      const std::string decision = Field(f, "decision");
      auto reviewed = d_.practice.ReviewShield(
          s.session, id, decision.empty() ? std::nullopt : std::optional(decision));
      if (!reviewed.ok()) {
        const Status& why = reviewed.status();
        if (!IsFormError(why)) return kit_->Refused(why, "Your decision was not recorded", s);
        // The field of a well-formed ID (the list's own), else the page.
        const auto parsed = domain::ContactPointId::Parse(id);
        const std::string shown = parsed.ok() ? parsed->ToString() : "";
        const bool choose = decision.empty() && parsed.ok();
        const std::string field = choose ? "decision-" + shown : "main-content";
        const std::string message =
            choose ? "Select whether to keep or lift the shield on " + shown : why.message();
        return ReviewsPage(s, 400, Json{{"has_error", true}, {"errors", Errors(field, message)}});
      }
      return Redirect(decision == "lift" ? "/manage/shield-reviews?lifted=1"
                                         : "/manage/shield-reviews?kept=1");
    });
  }

 private:
  std::shared_ptr<Kit> kit_;
  const WebDeps& d_;
};

}  // namespace

void RegisterPracticePages(http::Server& server, const std::shared_ptr<Kit>& kit) {
  auto pages = std::make_shared<PracticePages>(kit);
  server.Route("POST", "/record/involvement",
               [pages](const http::Request& r) { return pages->Record(r); });
  server.Route("POST", "/record/involvement/end",
               [pages](const http::Request& r) { return pages->End(r); });
  server.Route("POST", "/record/lead-professional",
               [pages](const http::Request& r) { return pages->Lead(r); });
  server.Route("POST", "/record/caf", [pages](const http::Request& r) { return pages->Caf(r); });
  server.Route("POST", "/record/shield",
               [pages](const http::Request& r) { return pages->Shield(r); });
  server.Route("GET", "/manage/missing-education",
               [pages](const http::Request& r) { return pages->MissingEducation(r); });
  server.Route("GET", "/manage/shield-reviews",
               [pages](const http::Request& r) { return pages->Reviews(r); });
  server.Route("POST", "/manage/shield-reviews/review",
               [pages](const http::Request& r) { return pages->Review(r); });
}

}  // namespace cp::web::internal

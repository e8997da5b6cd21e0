// The ContactPoint Manager's and User Manager's pages (issue 9).
//
// User Manager (identity/directory.h; every operation audited there):
//   GET  /manage/users            the users they manage, and whether each may
//                                 sign in (with the reasons when not)
//   POST /manage/users/user       one user (the username in the body)
//   POST /manage/users/nominate, /suspend, /reinstate
//                                 the operation, then the user's page with a
//                                 confirmation banner
//   POST /manage/users/ecrb, /training   records a date (GOV.UK date input)
//   POST /manage/users/token      enrols (or re-enrols) the security token:
//                                 the QR code and the secret, shown once
//   POST /manage/users/reset      new temporary password and PIN, shown once
//   GET  /manage/users/new, POST /manage/users/new
//                                 creates a user; the temporary password and
//                                 PIN are shown once
// ContactPoint Manager (practice/oversight_service.h; each read audited):
//   GET  /manage/audit            the two audit queries
//   POST /manage/audit/child      who viewed a child (a ContactPoint ID)
//   POST /manage/audit/user       what a user in their scope did
//   GET  /manage/alerts, POST /manage/alerts/review   misuse alerts
//
// Usernames and IDs travel in POST bodies, never in a URL. Pages showing a
// secret are, like every response, Cache-Control: no-store (http/server.h).
#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "access/roles.h"
#include "domain/validation.h"
#include "search/reasons.h"
#include "web/internal/page_kit.h"

namespace cp::web::internal {
namespace {

// A service's refusal with its message as a sentence, for Kit::Refused.
core::Status Said(const core::Status& why) {
  return core::Status(why.code(), Sentence(why.message()));
}

// Why a user cannot sign in, in a few words (the directory's full message,
// which says what to fix, is on the user's page).
std::string ShortReason(access::ReasonCode code) {
  switch (code) {
    case access::ReasonCode::kAccountSuspended:
      return "account suspended";
    case access::ReasonCode::kAccountRevoked:
      return "account revoked";
    case access::ReasonCode::kOrganisationNotAccredited:
      return "organisation not accredited";
    case access::ReasonCode::kRoleNotAllowedInOrganisation:
      return "role not allowed in the organisation";
    case access::ReasonCode::kNotNominated:
      return "not nominated";
    case access::ReasonCode::kTrainingNotRecorded:
      return "training not recorded";
    case access::ReasonCode::kTrainingDateInFuture:
      return "training date in the future";
    case access::ReasonCode::kEcrbNotRecorded:
      return "no eCRB check recorded";
    case access::ReasonCode::kEcrbDateInFuture:
      return "eCRB check date in the future";
    case access::ReasonCode::kEcrbExpired:
      return "eCRB check lapsed (older than 3 years)";
    case access::ReasonCode::kTokenNotEnrolled:
      return "no security token enrolled";
  }
  return std::string(access::ReasonCodeName(code));
}

std::string OptionalDate(const std::optional<domain::Date>& date) {
  return date ? LongDate(domain::FormatDate(*date)) : std::string();
}

// A user as the list and the user's page show them.
Json UserJson(const identity::UserView& v) {
  Json reasons = Json::array();
  Json short_reasons = Json::array();
  for (const access::Reason& r : v.eligibility.reasons) {
    reasons.push_back(Sentence(r.message));
    short_reasons.push_back(ShortReason(r.code));
  }
  std::vector<std::string> shorts;
  for (const Json& r : short_reasons) shorts.push_back(r.get<std::string>());
  const bool mediated = v.access_mode == "mediated";
  Json user = {{"username", v.username},
               {"display_name", v.display_name},
               {"role", RoleName(v.role)},
               {"organisation", v.organisation},
               {"organisation_name", v.organisation_name},
               {"state", Humanise(v.account_state)},
               {"active", v.account_state == "active"},
               {"suspended", v.account_state == "suspended"},
               {"revoked", v.account_state == "revoked"},
               {"mediated", mediated},
               {"nominated", v.nominated},
               {"may_sign_in", v.eligibility.eligible && !mediated},
               {"eligible", v.eligibility.eligible},
               {"reasons", reasons},
               {"reasons_text", Joined(shorts, "; ")},
               {"training", Opt(OptionalDate(v.training_completed))},
               {"ecrb", Opt(OptionalDate(v.ecrb_disclosure))},
               {"token_enrolled", v.token_enrolled},
               {"must_change_secrets", v.must_change_secrets},
               {"pin_locked", v.pin_locked},
               {"home_postcode_recorded", v.home_postcode.has_value()}};
  if (v.eligibility.ecrb_lapses_on) {
    user["ecrb_lapses"] = LongDate(domain::FormatDate(*v.eligibility.ecrb_lapses_on));
  }
  return user;
}

// A date typed in a GOV.UK date input, checked.
struct TypedDate {
  std::optional<domain::Date> date;
  std::string error;  // what to fix, when there is no date
};

TypedDate ReadDate(const Form& form, const std::string& prefix, const std::string& what) {
  const std::string text = DateField(form, prefix);
  if (text.empty()) return {std::nullopt, "Enter the date of the " + what};
  auto date = domain::ParseDate(prefix, text);
  if (!date.ok()) {
    return {std::nullopt, "The date of the " + what +
                              " must be a real date, for example 27 3 2025: check the day, month "
                              "and year"};
  }
  return {*date, ""};
}

// An audit event as a row of the audit pages.
Json EventRow(const audit::LoggedEvent& logged, const practice::AuditPage& page) {
  const audit::Event& e = logged.event;
  auto who = [&](const audit::Principal& p) {
    auto named = page.users.find(p.id);
    if (named != page.users.end()) {
      return named->second.display_name + " (" + named->second.username + ")";
    }
    return p.kind == audit::PrincipalKind::kUser ? p.id
                                                 : Humanise(audit::PrincipalKindName(p.kind));
  };
  std::string reason;
  for (const search::ReasonInfo& r : search::ReasonCatalogue()) {
    if (r.code == e.reason) reason = std::string(r.description);
  }
  if (reason.empty()) reason = Humanise(e.reason);
  std::vector<std::string> records;
  for (const domain::ContactPointId& id : e.children) records.push_back(id.ToString());
  const bool allowed = e.outcome == audit::Outcome::kAllowed;
  return Json{{"when", LongTime(logged.at)},
              {"who", who(e.actor)},
              {"for_whom", e.on_behalf_of ? Json(who(*e.on_behalf_of)) : Json(nullptr)},
              {"role", RoleName(e.actor.role)},
              {"organisation", e.actor.organisation},
              {"action", Humanise(audit::ActionName(e.action))},
              {"records", Opt(Joined(records, ", "))},
              {"subject", Opt(e.subject)},
              {"reason", Opt(reason)},
              {"allowed", allowed},
              {"refusal", Opt(allowed ? std::string() : Humanise(e.refusal))}};
}

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
    if (!page.ok()) return kit_->Refused(page.status(), "You cannot see misuse alerts", s);
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
      alerts.push_back({{"alert_id", std::to_string(a.id)},
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
      if (!id) {
        return AlertsPage(s, 400, Json{{"has_error", true},
                                       {"errors", Errors("main-content",
                                                         "That alert is not in the list: "
                                                         "choose one below")}});
      }
      if (finding.empty()) {
        const std::string alert = std::to_string(*id);
        return AlertsPage(s, 400, Json{{"has_error", true},
                                       {"errors", Errors("finding-" + alert,
                                                         "Select your finding on alert " + alert)}});
      }
      auto reviewed = d_.oversight.ReviewAlert(s.session, *id, finding);
      if (!reviewed.ok() && !IsFormError(reviewed.status())) {
        return kit_->Refused(reviewed.status(), "Your finding was not recorded", s);
      }
      if (!reviewed.ok()) {
        Json values = {{"has_error", true},
                       {"errors", Errors("main-content", reviewed.status().message())}};
        return AlertsPage(s, 400, std::move(values));
      }
      return Redirect("/manage/alerts?reviewed=1");
    });
  }

  // ---- Users (User Manager) ------------------------------------------------------------

  http::Response Users(const http::Request& request) {
    return kit_->SignedGet(request, [&](const Signed& s) {
      auto users = d_.directory.List(s.session.account);
      if (!users.ok()) return kit_->Refused(Said(users.status()), "You cannot manage users", s);
      Json rows = Json::array();
      for (const identity::UserView& v : *users) rows.push_back(UserJson(v));
      return kit_->Page(200, "Users", "users",
                        Json{{"users", rows},
                             {"has_users", !rows.empty()},
                             {"organisation_name", s.session.account.organisation.name}},
                        &s);
    });
  }

  // The user's page, with `values` (a banner, errors) over it.
  http::Response UserPage(const Signed& s, const std::string& username, int status,
                          Json values = Json::object()) {
    auto user = d_.directory.Show(s.session.account, username);
    if (!user.ok()) return kit_->Refused(Said(user.status()), "This user cannot be shown", s);
    values["user"] = UserJson(*user);
    return kit_->Page(status, user->display_name, "user", std::move(values), &s);
  }

  http::Response ShowUser(const http::Request& request) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      return UserPage(s, Field(f, "username"), 200);
    });
  }

  // Nominate, suspend or reinstate; then the user's page saying so.
  http::Response Operate(const http::Request& request, identity::UserOperation operation,
                         const std::string& done) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      const std::string username = Field(f, "username");
      const core::Status applied = d_.directory.Apply(s.session.account, username, operation);
      if (!applied.ok()) return kit_->Refused(Said(applied), "Nothing was changed", s);
      return UserPage(s, username, 200, Json{{"notice", done}});
    });
  }

  // Records the eCRB disclosure or training date typed on the user's page.
  http::Response RecordDate(const http::Request& request, const std::string& prefix) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      const std::string username = Field(f, "username");
      const bool ecrb = prefix == "ecrb";
      const std::string what = ecrb ? "eCRB disclosure" : "training";
      Json typed = {{prefix + "_day", Field(f, prefix + "_day")},
                    {prefix + "_month", Field(f, prefix + "_month")},
                    {prefix + "_year", Field(f, prefix + "_year")}};
      auto refuse = [&](const std::string& message) {
        return UserPage(s, username, 400,
                        Json{{"has_error", true},
                             {"errors", Errors(prefix + "_day", message)},
                             {"typed", typed},
                             {"error_" + prefix, message}});
      };
      const TypedDate date = ReadDate(f, prefix, what);
      if (!date.date) return refuse(date.error);
      const core::Status recorded =
          ecrb ? d_.directory.RecordEcrb(s.session.account, username, *date.date)
               : d_.directory.RecordTraining(s.session.account, username, *date.date);
      if (recorded.code() == core::ErrorCode::kInvalidDate) {
        return refuse(Sentence(recorded.message()));
      }
      if (!recorded.ok()) return kit_->Refused(Said(recorded), "Nothing was changed", s);
      return UserPage(s, username, 200,
                      Json{{"notice", "The " + what + " date is recorded: " +
                                          LongDate(domain::FormatDate(*date.date)) + "."}});
    });
  }

  http::Response EnrolToken(const http::Request& request) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      const std::string username = Field(f, "username");
      auto user = d_.directory.Show(s.session.account, username);
      if (!user.ok()) return kit_->Refused(Said(user.status()), "No token was enrolled", s);
      auto token = d_.directory.EnrolToken(s.session.account, username);
      if (!token.ok()) return kit_->Refused(Said(token.status()), "No token was enrolled", s);
      // The QR code is the directory's own SVG (auth/enrolment_qr.h): shapes
      // and presentation attributes only, so the page's policy allows it.
      return kit_->Page(200, "Security token enrolled", "user_token",
                        Json{{"username", user->username},
                             {"display_name", user->display_name},
                             {"replaced", user->token_enrolled},
                             {"qr_svg", token->qr_svg.Reveal()},
                             {"secret", token->secret_base32.Reveal()}},
                        &s);
    });
  }

  http::Response ResetSecrets(const http::Request& request) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      const std::string username = Field(f, "username");
      auto user = d_.directory.Show(s.session.account, username);
      if (!user.ok()) return kit_->Refused(Said(user.status()), "Nothing was changed", s);
      auto secrets = d_.directory.ResetSecrets(s.session.account, username);
      if (!secrets.ok()) return kit_->Refused(Said(secrets.status()), "Nothing was changed", s);
      return SecretsPage(s, user->username, user->display_name, *secrets, /*created=*/false);
    });
  }

  http::Response SecretsPage(const Signed& s, const std::string& username,
                             const std::string& display_name, const identity::Secrets& secrets,
                             bool created) {
    return kit_->Page(200, created ? "User created" : "Password and PIN reset", "user_secrets",
                      Json{{"username", username},
                           {"display_name", display_name},
                           {"created", created},
                           {"password", secrets.password.Reveal()},
                           {"pin", secrets.pin.Reveal()}},
                      &s);
  }

  // The roles the manager may give in their own organisation, `chosen` selected.
  Json RoleOptions(const Signed& s, const std::string& chosen) {
    Json roles = Json::array();
    const identity::Account& manager = s.session.account;
    for (const access::RoleInfo& info : access::RoleCatalogue()) {
      if (!access::RoleAllowedIn(info.role, manager.organisation.type)) continue;
      if (info.role == access::Role::kNationalAdministrator &&
          manager.role != access::Role::kNationalAdministrator) {
        continue;
      }
      roles.push_back({{"code", std::string(info.code)},
                       {"name", std::string(info.display_name)},
                       {"selected", info.code == chosen}});
    }
    return roles;
  }

  http::Response NewUserPage(const Signed& s, int status, Json values) {
    if (!values.contains("form")) {
      values["form"] = {{"organisation", s.session.account.organisation.id.value()}};
    }
    values["roles"] = RoleOptions(s, Text(values["form"].value("role", Json())));
    values["own_organisation"] = s.session.account.organisation.id.value();
    return kit_->Page(status, "Create a user", "user_new", std::move(values), &s);
  }

  http::Response NewUserForm(const http::Request& request) {
    return kit_->SignedGet(request, [&](const Signed& s) {
      if (s.session.account.role != access::Role::kUserManager &&
          s.session.account.role != access::Role::kNationalAdministrator) {
        return kit_->Message(403, "You cannot create users", "Only a User Manager creates users.",
                             &s);
      }
      return NewUserPage(s, 200, Json::object());
    });
  }

  http::Response CreateUser(const http::Request& request) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      Json form = Json::object();
      for (const char* name :
           {"display_name", "username", "role", "organisation", "home_postcode"}) {
        form[name] = Field(f, name);
      }
      Json errors = Json::array();
      Json values = {{"form", form}};
      auto error = [&](const std::string& field, const std::string& message) {
        errors.push_back({{"field", field}, {"message", message}});
        values["error_" + field] = message;
      };
      const std::string name = Field(f, "display_name");
      const std::string username = Field(f, "username");
      const std::string organisation = Field(f, "organisation");
      const std::string postcode = Field(f, "home_postcode");
      if (name.empty()) error("display_name", "Enter the user's full name");
      if (username.empty()) error("username", "Enter a username for the user");
      auto role = access::ParseRole(Field(f, "role"));
      if (!role.ok()) error("role", "Select the user's role");
      if (organisation.empty()) error("organisation", "Enter the user's organisation code");
      if (errors.empty()) {
        identity::NewUser user{
            username, name,  organisation,
            *role,    false, postcode.empty() ? std::nullopt : std::optional(postcode)};
        auto created = d_.directory.CreateUser(s.session.account, user);
        if (created.ok() && created->secrets) {
          // The secrets are shown from the creation itself: they exist
          // nowhere else, so no further read may stand in their way.
          return SecretsPage(s, identity::NormaliseUsername(username).value_or(username), name,
                             *created->secrets, /*created=*/true);
        }
        const core::Status why = created.ok() ? core::Internal("no secrets") : created.status();
        switch (why.code()) {
          case core::ErrorCode::kInvalidUsername:
            error("username", Sentence(why.message()));
            break;
          case core::ErrorCode::kInvalidRole:
            error("role", Sentence(why.message()));
            break;
          case core::ErrorCode::kInvalidPostcode:
            error("home_postcode",
                  "Enter the home postcode as a full UK postcode, for example "
                  "LS1 5AB, or leave it empty");
            break;
          case core::ErrorCode::kInvalidArgument:
            error("display_name", Sentence(why.message()));
            break;
          default:
            if (why.category() == core::ErrorCategory::kAlreadyExists) {
              error("username", "The username " + username + " is taken: choose another");
            } else if (why.category() == core::ErrorCategory::kNotFound ||
                       why.code() == core::ErrorCode::kOutsideManagementScope) {
              error("organisation", Sentence(why.message()));
            } else {
              return kit_->Refused(Said(why), "The user was not created", s);
            }
        }
      }
      values["has_error"] = true;
      values["errors"] = errors;
      return NewUserPage(s, 400, std::move(values));
    });
  }

  // ---- Audit queries (ContactPoint Manager) ---------------------------------------------

  // The two queries' forms, with `values` (errors, what was typed) over them.
  http::Response AuditPage(const Signed& s, int status, Json values) {
    auto users = d_.oversight.ReviewableUsers(s.session);
    if (!users.ok())
      return kit_->Refused(Said(users.status()), "You cannot see the audit trail", s);
    const std::string chosen = Text(values.value("user_id", Json()));
    Json options = Json::array();
    for (const practice::ReviewableUser& u : *users) {
      const std::string id = std::to_string(u.id);
      options.push_back({{"id", id},
                         {"text", u.display_name + " (" + u.username + "), " + RoleName(u.role) +
                                      ", " + u.organisation},
                         {"selected", id == chosen}});
    }
    values["users"] = options;
    values["has_users"] = !options.empty();
    return kit_->Page(status, "Audit", "audit", std::move(values), &s);
  }

  http::Response Audit(const http::Request& request) {
    return kit_->SignedGet(request,
                           [&](const Signed& s) { return AuditPage(s, 200, Json::object()); });
  }

  http::Response EventsPage(const Signed& s, const std::string& title, const std::string& caption,
                            const practice::AuditPage& page, bool by_child) {
    Json rows = Json::array();
    for (const audit::LoggedEvent& e : page.events) rows.push_back(EventRow(e, page));
    return kit_->Page(200, title, "audit_events",
                      Json{{"title", title},
                           {"caption", caption},
                           {"by_child", by_child},
                           {"events", rows},
                           {"has_events", !rows.empty()}},
                      &s);
  }

  http::Response WhoViewed(const http::Request& request) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      const std::string id = Field(f, "contactpoint_id");
      auto refuse = [&](const std::string& message) {
        return AuditPage(s, 400,
                         Json{{"has_error", true},
                              {"errors", Errors("contactpoint_id", message)},
                              {"error_contactpoint_id", message},
                              {"contactpoint_id", id}});
      };
      if (id.empty()) return refuse("Enter the child's ContactPoint ID");
      auto page = d_.oversight.WhoViewed(s.session, id);
      if (!page.ok()) {
        const core::ErrorCategory category = page.status().category();
        if (category == core::ErrorCategory::kInvalidArgument ||
            category == core::ErrorCategory::kNotFound) {
          return refuse(Sentence(page.status().message()));
        }
        return kit_->Refused(Said(page.status()), "You cannot see who viewed this child", s);
      }
      auto live = domain::ContactPointId::Parse(id);
      return EventsPage(s, "Who viewed this child",
                        "Views of the record with ContactPoint ID " +
                            (live.ok() ? live->ToString() : id) + ", newest first",
                        *page, /*by_child=*/true);
    });
  }

  http::Response UserActivity(const http::Request& request) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      const std::string id_text = Field(f, "user_id");
      const std::optional<std::int64_t> id = ParseInteger(id_text);
      if (!id) {
        const std::string message = "Select the user whose activity you want to see";
        return AuditPage(s, 400,
                         Json{{"has_error", true},
                              {"errors", Errors("user_id", message)},
                              {"error_user_id", message}});
      }
      auto page = d_.oversight.UserActivity(s.session, *id);
      if (!page.ok()) {
        return kit_->Refused(Said(page.status()), "You cannot see what this user did", s);
      }
      std::string who = "user " + id_text;
      auto users = d_.oversight.ReviewableUsers(s.session);
      if (users.ok()) {
        for (const practice::ReviewableUser& u : *users) {
          if (u.id == *id) who = u.display_name + " (" + u.username + ")";
        }
      }
      return EventsPage(s, "What did this user do", "What " + who + " did, newest first", *page,
                        /*by_child=*/false);
    });
  }

 private:
  std::shared_ptr<Kit> kit_;
  const WebDeps& d_;
};

}  // namespace

void RegisterManagePages(http::Server& server, const std::shared_ptr<Kit>& kit) {
  auto pages = std::make_shared<ManagePages>(kit);
  server.Route("GET", "/manage/alerts",
               [pages](const http::Request& r) { return pages->Alerts(r); });
  server.Route("POST", "/manage/alerts/review",
               [pages](const http::Request& r) { return pages->ReviewAlert(r); });
  server.Route("GET", "/manage/users", [pages](const http::Request& r) { return pages->Users(r); });
  server.Route("POST", "/manage/users/user",
               [pages](const http::Request& r) { return pages->ShowUser(r); });
  using Op = identity::UserOperation;
  server.Route("POST", "/manage/users/nominate", [pages](const http::Request& r) {
    return pages->Operate(r, Op::kNominate, "The user is nominated.");
  });
  server.Route("POST", "/manage/users/suspend", [pages](const http::Request& r) {
    return pages->Operate(r, Op::kSuspend,
                          "The account is suspended: the user is signed out and "
                          "cannot sign in until reinstated.");
  });
  server.Route("POST", "/manage/users/reinstate", [pages](const http::Request& r) {
    return pages->Operate(r, Op::kReinstate, "The account is reinstated.");
  });
  server.Route("POST", "/manage/users/ecrb",
               [pages](const http::Request& r) { return pages->RecordDate(r, "ecrb"); });
  server.Route("POST", "/manage/users/training",
               [pages](const http::Request& r) { return pages->RecordDate(r, "training"); });
  server.Route("POST", "/manage/users/token",
               [pages](const http::Request& r) { return pages->EnrolToken(r); });
  server.Route("POST", "/manage/users/reset",
               [pages](const http::Request& r) { return pages->ResetSecrets(r); });
  server.Route("GET", "/manage/users/new",
               [pages](const http::Request& r) { return pages->NewUserForm(r); });
  server.Route("POST", "/manage/users/new",
               [pages](const http::Request& r) { return pages->CreateUser(r); });
  server.Route("GET", "/manage/audit", [pages](const http::Request& r) { return pages->Audit(r); });
  server.Route("POST", "/manage/audit/child",
               [pages](const http::Request& r) { return pages->WhoViewed(r); });
  server.Route("POST", "/manage/audit/user",
               [pages](const http::Request& r) { return pages->UserActivity(r); });
}

}  // namespace cp::web::internal

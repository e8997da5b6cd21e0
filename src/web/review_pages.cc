// The Data Administrator's pages (issue 9; DOMAIN.md section 10 case 10):
// the match review queue (list, compare, link or keep apart) and the
// corrections of whole children (explain, merge, split), over
// review::Operations, which checks the role and scope and audits every call.
//
// Every page after the queue is a POST: a record reference or a ContactPoint
// ID travels in the form body, never in a URL. A decision's confirmation is
// rendered in the response to its POST (the IDs it names cannot go in a
// redirect's URL); a second submission is refused by the service, as the
// record is no longer in review.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/validation.h"
#include "ingest/cluster.h"
#include "review/operations.h"
#include "web/internal/page_kit.h"

namespace cp::web::internal {
namespace {

using core::Status;
using domain::ContactPointId;

// At most this many queue entries on one page, oldest first.
constexpr int kQueueLimit = 200;

// A reason code the operations accept (lower-case letters, digits, '_') and
// how the forms word it.
struct ReasonChoice {
  std::string_view code;
  std::string_view text;
};

constexpr ReasonChoice kLinkReasons[] = {
    {"duplicate_confirmed", "Confirmed as the same child (for example with the source)"},
    {"spelling_difference", "The same child: a name spelt or typed differently"},
    {"moved_address", "The same child: the family has moved"},
    {"administrator_decision", "My judgement on the evidence shown"}};
constexpr ReasonChoice kSeparateReasons[] = {
    {"different_child_confirmed", "Confirmed as a different child (for example with the source)"},
    {"twin_or_sibling", "A twin or sibling of the other child"},
    {"administrator_decision", "My judgement on the evidence shown"}};
constexpr ReasonChoice kMergeReasons[] = {
    {"duplicate_confirmed", "Confirmed as the same child (for example with the source)"},
    {"spelling_difference", "The same child: a name or date recorded differently"},
    {"administrator_decision", "My judgement on the evidence shown"}};
constexpr ReasonChoice kSplitReasons[] = {
    {"wrongly_merged", "These records were wrongly joined: they are another child"},
    {"source_data_error", "A source sent another child's details under this child"},
    {"administrator_decision", "My judgement on the evidence shown"}};

// Radios of `choices`, ids PREFIX, PREFIX-2, ...; `chosen` checked.
template <std::size_t N>
Json ReasonRadios(const ReasonChoice (&choices)[N], const std::string& prefix,
                  const std::string& chosen) {
  Json out = Json::array();
  for (std::size_t i = 0; i < N; ++i) {
    out.push_back({{"id", i == 0 ? prefix : prefix + "-" + std::to_string(i + 1)},
                   {"code", std::string(choices[i].code)},
                   {"text", std::string(choices[i].text)},
                   {"checked", chosen == choices[i].code}});
  }
  return out;
}

// A refusal the page itself cannot show beside a field, with a way back
// to the queue.
http::Response Refusal(Kit& kit, const Status& why, const std::string& heading, const Signed& s) {
  return kit.Refused(why, heading, s, "/review", "Back to match review");
}

// ---- Wording ------------------------------------------------------------------------------

std::string ScoreText(double score) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", score);
  return text;
}

std::string Waiting(std::chrono::milliseconds waiting) {
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(waiting).count();
  if (hours >= 48) return std::to_string(hours / 24) + " days";
  if (hours >= 2) return std::to_string(hours) + " hours";
  if (hours == 1) return "1 hour";
  return "Less than an hour";
}

// Why the matcher sent a record to review (matching/matcher.cc).
std::string MatcherReason(const std::string& code) {
  static const std::map<std::string, std::string, std::less<>> kReasons = {
      {"between_thresholds", "Alike, but not enough to link without a person's decision"},
      {"ambiguous", "Two or more children are almost equally likely"},
      {"twin_rule_close_names",
       "Could be a twin: the given names are close but not the same, or the second given "
       "names disagree"},
      {"provisional_candidate", "The likely child is itself waiting for review"},
      {"provisional_rival",
       "More like records already waiting for review than like the likely child: could be "
       "the same child as those records, or that child's twin"},
      {"twin_reopened",
       "Linked through part of its given names (a middle name, a variant of the first name, "
       "or the first name alone) until a later record showed the child's twin under them: "
       "could be the child's twin"},
      {"candidates_capped", "Too many possible children to compare"},
      {"shielded_candidate", "The likely child's record is shielded"},
      {"another_register_record",
       "The likely child already has another record from this national register: could be "
       "a twin, or the register lists the child twice"}};
  auto it = kReasons.find(code);
  return it != kReasons.end() ? it->second : Humanise(code);
}

// A decision code (storage::LinkDecision) as people say it.
std::string DecisionText(const std::string& code) {
  static const std::map<std::string, std::string, std::less<>> kDecisions = {
      {"link", "Linked by the matcher"},
      {"new", "A new child (by the matcher)"},
      {"review", "Sent to review by the matcher"},
      {"manual_link", "Linked by an administrator"},
      {"separate", "Kept apart by an administrator"},
      {"merge", "Moved here by a merge"},
      {"split", "Moved here by a split"}};
  auto it = kDecisions.find(code);
  return it != kDecisions.end() ? it->second : Humanise(code);
}

std::string StateText(storage::LinkState state) {
  switch (state) {
    case storage::LinkState::kLinked: return "Linked";
    case storage::LinkState::kReview: return "Waiting for review";
    case storage::LinkState::kSealed: return "Sealed";
    case storage::LinkState::kWithdrawn: return "Withdrawn by its source";
  }
  return "Unknown";
}

// A field of a comparison vector or of the best view's provenance.
std::string FieldText(const std::string& field) {
  static const std::map<std::string, std::string, std::less<>> kFields = {
      {"given_name", "Given name"},
      {"family_name", "Family name"},
      {"name", "Name"},
      {"other_names", "Other names"},
      {"date_of_birth", "Date of birth"},
      {"date_of_death", "Date of death"},
      {"gender", "Gender"},
      {"postcode", "Postcode"},
      {"address", "Address"},
      {"carer_name", "Parents' and carers' names"},
      {"carer_phone", "Parents' and carers' phone numbers"},
      {"nhs_number", "NHS number"},
      {"upn", "Unique Pupil Number (UPN)"},
      {"uln", "Unique Learner Number (ULN)"}};
  auto it = kFields.find(field);
  return it != kFields.end() ? it->second : Humanise(field);
}

// An agreement level (linkage/comparison.h) in words, and the colour of its
// tag: green the strongest agreement, yellow a partial one, red a
// disagreement, grey no evidence.
struct LevelWords {
  std::string text;
  std::string colour;
};

LevelWords LevelText(const std::string& level) {
  static const std::map<std::string, LevelWords, std::less<>> kLevels = {
      {"exact", {"The same", "green"}},
      {"agree", {"The same", "green"}},
      {"unit", {"The same postcode", "green"}},
      {"full_name", {"A full name agrees", "green"}},
      {"nickname", {"A nickname or another of the given names", "yellow"}},
      {"variant", {"A known variant of the name", "yellow"}},
      {"partial", {"Part of the name agrees", "yellow"}},
      {"jaro_winkler", {"Spelt very similarly", "yellow"}},
      {"phonetic", {"Sounds the same", "yellow"}},
      {"initial", {"Only an initial agrees", "yellow"}},
      {"family_name", {"Only the family name agrees", "yellow"}},
      {"transposed", {"Day and month swapped", "yellow"}},
      {"one_digit", {"One digit differs", "yellow"}},
      {"within_month", {"Within a month", "yellow"}},
      {"same_year", {"Only the year agrees", "yellow"}},
      {"sector", {"The same postcode sector", "yellow"}},
      {"district", {"The same postcode district", "yellow"}},
      {"similar", {"Similar", "yellow"}},
      {"disagree", {"Different", "red"}},
      {"missing", {"Not on both records", "grey"}}};
  auto it = kLevels.find(level);
  return it != kLevels.end() ? it->second : LevelWords{Humanise(level), "grey"};
}

// The fields of a child's view as rows (field, value) for a page.
std::vector<std::pair<std::string, std::string>> ViewRows(const domain::Child& c) {
  auto opt = [](const std::optional<domain::PersonalText>& t) {
    return t ? t->Reveal() : std::string("Not given");
  };
  std::vector<std::string> others;
  for (const domain::PersonName& n : c.other_names) {
    others.push_back(Joined({n.given_names.Reveal(), n.family_name.Reveal()}, " "));
  }
  std::string address = "Not given";
  if (c.address) {
    std::vector<std::string> lines = c.address->lines.Reveal();
    if (c.address->postcode) lines.push_back(c.address->postcode->Reveal());
    address = Joined(lines, ", ");
  }
  std::vector<std::string> carers;
  for (const domain::Carer& carer : c.carers) {
    carers.push_back(Joined({carer.name.given_names.Reveal(), carer.name.family_name.Reveal()},
                            " ") +
                     " (" + Humanise(domain::RelationshipName(carer.relationship)) + ")");
  }
  std::vector<std::string> services;
  for (const domain::Involvement& i : c.involvements) {
    services.push_back(ServiceTitle(domain::ServiceTypeName(i.type)));
  }
  auto or_none = [](const std::vector<std::string>& parts) {
    const std::string joined = Joined(parts, "; ");
    return joined.empty() ? std::string("None") : joined;
  };
  return {{"Given names", c.name.given_names.Reveal()},
          {"Family name", c.name.family_name.Reveal()},
          {"Other names", or_none(others)},
          {"Gender", Humanise(domain::GenderName(c.gender))},
          {"Date of birth", LongDate(domain::FormatDate(c.date_of_birth.Reveal()))},
          {"Address", address},
          {"NHS number", opt(c.identifiers.nhs_number)},
          {"Unique Pupil Number (UPN)", opt(c.identifiers.upn)},
          {"Unique Learner Number (ULN)", opt(c.identifiers.uln)},
          {"Parents and carers", or_none(carers)},
          {"Services", or_none(services)}};
}

// "la:E08000035" or "national:QUEUE" (domain::Accountability) in words.
std::string AccountableText(const domain::Accountability& a) {
  std::string text = a.assignee.starts_with("la:")
                         ? "The local authority with GSS code " + a.assignee.substr(3)
                     : a.assignee.starts_with("national:")
                         ? "The national queue " + a.assignee.substr(9)
                         : a.assignee;
  if (a.provisional) text += " (provisional: the postcode spans more than one authority)";
  return text;
}

std::string DecisionSummary(const storage::LinkDecision& d) {
  std::string text = DecisionText(d.decision) + " (" + Humanise(d.reason) + "), " +
                     (d.decided_by == "matcher" ? "by the matcher" : "by " + d.decided_by) +
                     " on " + LongTime(d.at);
  if (!d.vector.empty()) text += "; score " + ScoreText(d.score);
  return text;
}

// ---- The pages ----------------------------------------------------------------------------

class ReviewPages {
 public:
  explicit ReviewPages(std::shared_ptr<Kit> kit) : kit_(std::move(kit)), d_(kit_->deps()) {}

  // GET /review: the queue.
  http::Response Queue(const http::Request& request) {
    return kit_->SignedGet(request,
                           [&](const Signed& s) { return QueuePage(s, 200, Json::object()); });
  }

  // POST /review/show: one record in review beside its candidate.
  http::Response Show(const http::Request& request) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      auto ref = review::ParseRecordRef(Field(f, "record"));
      if (!ref.ok()) return Refusal(*kit_, ref.status(), "This record cannot be shown", s);
      return ShowPage(s, *ref, 200, Json::object());
    });
  }

  // POST /review/link: the record joins its candidate (or the child typed).
  http::Response Link(const http::Request& request) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      auto ref = review::ParseRecordRef(Field(f, "record"));
      if (!ref.ok()) return Refusal(*kit_, ref.status(), "This record cannot be linked", s);
      const std::string reason = Field(f, "reason");
      const std::string to_text = Field(f, "to");
      Json kept = {{"link_reason", reason}, {"link_to", to_text}};
      if (reason.empty()) {
        return ShowPage(s, *ref, 400,
                        WithError(kept, "link-reason", "Select why you are linking this record",
                                  "link_reason_error"));
      }
      std::optional<ContactPointId> to;
      if (!to_text.empty()) {
        auto id = ContactPointId::Parse(to_text);
        if (!id.ok()) {
          return ShowPage(s, *ref, 400,
                          WithError(kept, "link-to", NotAnIdMessage(to_text), "link_to_error"));
        }
        to = *id;
      }
      auto linked = d_.review.Link(s.session.account, *ref, to, reason);
      if (!linked.ok()) {
        const Status& why = linked.status();
        if (!IsFormError(why)) return Refusal(*kit_, why, "This record cannot be linked", s);
        const bool about_to = to.has_value() && why.code() != core::ErrorCode::kInvalidArgument;
        return ShowPage(s, *ref, HttpStatusOf(why),
                        WithError(kept, about_to ? "link-to" : "link-reason", why.message(),
                                  about_to ? "link_to_error" : "link_reason_error"),
                        &why);
      }
      std::string detail;
      if (linked->target.redirected()) {
        detail = "Child " + linked->target.requested.ToString() + " had been merged into " +
                 linked->target.id.ToString() + ", so the record joined " +
                 linked->target.id.ToString() + ". ";
      }
      if (linked->records_moved > 1) {
        detail += "The " + std::to_string(linked->records_moved - 1) +
                  " record(s) linked to its provisional child went with it. ";
      }
      if (linked->provisional_merged_away) {
        detail += "Its provisional child " + linked->provisional.ToString() +
                  " had no other record: its ID now leads to " + linked->target.id.ToString() +
                  ".";
      }
      return QueuePage(s, 200,
                       Json{{"notice", "Record " + ref->ToString() + " is linked to child " +
                                           linked->target.id.ToString() + "."},
                            {"notice_detail", Opt(detail)}});
    });
  }

  // POST /review/separate: the record is a child of its own.
  http::Response Separate(const http::Request& request) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      auto ref = review::ParseRecordRef(Field(f, "record"));
      if (!ref.ok()) return Refusal(*kit_, ref.status(), "This record cannot be kept apart", s);
      const std::string reason = Field(f, "reason");
      Json kept = {{"separate_reason", reason}};
      if (reason.empty()) {
        return ShowPage(s, *ref, 400,
                        WithError(kept, "separate-reason",
                                  "Select why this record is a different child",
                                  "separate_reason_error"));
      }
      auto separated = d_.review.Separate(s.session.account, *ref, reason);
      if (!separated.ok()) {
        const Status& why = separated.status();
        if (!IsFormError(why)) {
          return Refusal(*kit_, why, "This record cannot be kept apart", s);
        }
        return ShowPage(s, *ref, HttpStatusOf(why),
                        WithError(kept, "separate-reason", why.message(), "separate_reason_error"),
                        &why);
      }
      return QueuePage(
          s, 200,
          Json{{"notice", "Record " + ref->ToString() + " is kept apart: it is child " +
                              separated->child.ToString() + ", a child of its own."},
               {"notice_detail", nullptr}});
    });
  }

  // POST /review/child: a child's records, decisions and provenance, with
  // the merge and split forms.
  http::Response Child(const http::Request& request) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      const std::string text = Field(f, "contactpoint_id");
      auto queue_error = [&](int status, const std::string& message) {
        return QueuePage(s, status,
                         Json{{"has_error", true},
                              {"errors", Errors("contactpoint_id", message)},
                              {"id_error", message},
                              {"contactpoint_id", text}});
      };
      if (text.empty()) return queue_error(400, "Enter the ContactPoint ID of the child");
      auto id = ContactPointId::Parse(text);
      if (!id.ok()) return queue_error(400, NotAnIdMessage(text));
      auto explained = d_.review.Explain(s.session.account, *id);
      if (!explained.ok()) {
        const Status& why = explained.status();
        if (!IsFormError(why)) return Refusal(*kit_, why, "This child cannot be shown", s);
        return queue_error(HttpStatusOf(why), why.message());
      }
      return ChildPage(s, *explained, 200, Json::object());
    });
  }

  // POST /review/merge: another child's records move to this one.
  http::Response Merge(const http::Request& request) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      auto survivor = ContactPointId::Parse(Field(f, "contactpoint_id"));
      if (!survivor.ok()) {
        return Refusal(*kit_, survivor.status(), "These children cannot be merged", s);
      }
      const std::string other_text = Field(f, "other");
      const std::string reason = Field(f, "reason");
      Json kept = {{"other", other_text}, {"merge_reason", reason}};
      if (other_text.empty()) {
        return ChildPageOf(s, *survivor, 400,
                           WithError(kept, "other",
                                     "Enter the ContactPoint ID of the child to merge into this "
                                     "one",
                                     "other_error"));
      }
      auto other = ContactPointId::Parse(other_text);
      if (!other.ok()) {
        return ChildPageOf(s, *survivor, 400,
                           WithError(kept, "other", NotAnIdMessage(other_text), "other_error"));
      }
      if (reason.empty()) {
        return ChildPageOf(s, *survivor, 400,
                           WithError(kept, "merge-reason", "Select why these are the same child",
                                     "merge_reason_error"));
      }
      auto merged = d_.review.Merge(s.session.account, *survivor, *other, reason);
      if (!merged.ok()) {
        const Status& why = merged.status();
        if (!IsFormError(why)) {
          return Refusal(*kit_, why, "These children cannot be merged", s);
        }
        // The service names a bad reason code by its command-line option.
        const bool about_reason = why.message().find("--reason") != std::string::npos;
        return ChildPageOf(s, *survivor, HttpStatusOf(why),
                           about_reason ? WithError(kept, "merge-reason", why.message(),
                                                    "merge_reason_error")
                                        : WithError(kept, "other", why.message(), "other_error"),
                           &why);
      }
      std::string notice = "Child " + merged->merged.id.ToString() + " is merged into child " +
                           merged->survivor.id.ToString() + ": " +
                           std::to_string(merged->records_moved) +
                           (merged->records_moved == 1 ? " record" : " records") +
                           " moved. ContactPoint ID " + merged->merged.id.ToString() +
                           " now leads to " + merged->survivor.id.ToString() + ".";
      return ChildPageOf(s, merged->survivor.id, 200, Json{{"notice", notice}});
    });
  }

  // POST /review/split: the ticked records move to a new child.
  http::Response Split(const http::Request& request) {
    return kit_->SignedPost(request, [&](const Signed& s, const Form& f) {
      auto child = ContactPointId::Parse(Field(f, "contactpoint_id"));
      if (!child.ok()) return Refusal(*kit_, child.status(), "This child cannot be split", s);
      const std::vector<std::string> ticked = FieldValues(request.body, "record");
      const std::string reason = Field(f, "reason");
      Json kept = {{"split_reason", reason}, {"ticked", ticked}};
      if (ticked.empty()) {
        return ChildPageOf(s, *child, 400,
                           WithError(kept, "split-record",
                                     "Select the records to move to a new child",
                                     "split_record_error"));
      }
      if (reason.empty()) {
        return ChildPageOf(s, *child, 400,
                           WithError(kept, "split-reason",
                                     "Select why these records are another child",
                                     "split_reason_error"));
      }
      std::vector<review::RecordRef> refs;
      for (const std::string& text : ticked) {
        auto ref = review::ParseRecordRef(text);
        if (!ref.ok()) {
          return ChildPageOf(s, *child, 400,
                             WithError(kept, "split-record", ref.status().message(),
                                       "split_record_error"));
        }
        refs.push_back(*ref);
      }
      auto split = d_.review.Split(s.session.account, *child, refs, reason);
      if (!split.ok()) {
        const Status& why = split.status();
        if (!IsFormError(why)) return Refusal(*kit_, why, "This child cannot be split", s);
        return ChildPageOf(s, *child, HttpStatusOf(why),
                           WithError(kept, "split-record", why.message(), "split_record_error"),
                           &why);
      }
      const std::string notice =
          std::to_string(split->records_moved) +
          (split->records_moved == 1 ? " record" : " records") + " moved from child " +
          split->child.id.ToString() + " to a new child, ContactPoint ID " +
          split->new_child.ToString() + ".";
      return ChildPageOf(s, split->child.id, 200,
                         Json{{"notice", notice}, {"new_child", split->new_child.ToString()}});
    });
  }

 private:
  static std::string NotAnIdMessage(const std::string& text) {
    return "'" + text +
           "' is not a ContactPoint ID: enter its 12 digits (the last is a check digit)";
  }

  // `values` with an error summary of one message linked to `field`, and
  // the message again beside the field (`message_key`).
  static Json WithError(Json values, const std::string& field, const std::string& message,
                        const std::string& message_key) {
    values["has_error"] = true;
    values["errors"] = Errors(field, message);
    values[message_key] = message;
    return values;
  }

  http::Response QueuePage(const Signed& s, int status, Json values) {
    auto queue = d_.review.List(s.session.account, kQueueLimit);
    if (!queue.ok()) return kit_->Refused(queue.status(), "You cannot review matches", s);
    Json entries = Json::array();
    for (const review::QueueEntry& e : *queue) {
      entries.push_back({{"record", e.record.ToString()},
                         {"waiting", Waiting(e.waiting)},
                         {"since", LongTime(e.received_at)},
                         {"reason", MatcherReason(e.reason)},
                         {"score", ScoreText(e.score)},
                         {"candidate", e.candidate ? Json(e.candidate->ToString()) : Json(nullptr)},
                         {"csrf", kit_->CsrfFor(s.token)}});
    }
    values["has_entries"] = !entries.empty();
    values["entries"] = entries;
    values["count_text"] = queue->size() == 1 ? std::string("1 record")
                                              : std::to_string(queue->size()) + " records";
    values["more"] = static_cast<int>(queue->size()) == kQueueLimit;
    values["limit"] = std::to_string(kQueueLimit);
    return kit_->Page(status, "Match review", "review_queue", std::move(values), &s);
  }

  // The comparison page of `ref`; `failure` (the refusal that brought the
  // user back here) is shown instead should the record no longer be in
  // review.
  http::Response ShowPage(const Signed& s, const review::RecordRef& ref, int status, Json values,
                          const Status* failure = nullptr) {
    auto shown = d_.review.Show(s.session.account, ref);
    if (!shown.ok()) {
      return Refusal(*kit_, failure != nullptr ? *failure : shown.status(),
                     "This record cannot be shown", s);
    }
    const storage::SourceRecord& r = shown->record;
    values["record"] = ref.ToString();
    values["provisional"] = r.child ? r.child->ToString() : "";
    values["batch"] = r.batch.value();
    values["received"] = LongTime(r.received_at);
    values["extracted"] = LongTime(r.extracted_at);
    const auto mine = ViewRows(r.data);
    const auto theirs =
        shown->candidate_view ? ViewRows(*shown->candidate_view) : decltype(mine){};
    Json rows = Json::array();
    for (std::size_t i = 0; i < mine.size(); ++i) {
      const std::string other = i < theirs.size() ? theirs[i].second : "";
      rows.push_back({{"field", mine[i].first}, {"mine", mine[i].second}, {"theirs", other}});
    }
    values["rows"] = rows;
    values["has_candidate"] = shown->candidate.has_value();
    if (shown->linked_with > 0) values["linked_with"] = shown->linked_with;
    if (shown->candidate) {
      values["candidate"] = shown->candidate->id.ToString();
      if (shown->candidate->redirected()) {
        values["candidate_note"] = "The matcher proposed child " +
                                   shown->candidate->requested.ToString() +
                                   ", since merged into " + shown->candidate->id.ToString() + ".";
      }
    }
    if (r.decision) {
      const storage::LinkDecision& d = *r.decision;
      values["matcher_reason"] = MatcherReason(d.reason);
      values["score"] = ScoreText(d.score);
      values["model"] = Opt(d.model_version);
      values["decided_at"] = LongTime(d.at);
      Json levels = Json::array();
      for (const review::FieldLevel& l : review::SplitVector(d.vector)) {
        const LevelWords words = LevelText(l.level);
        levels.push_back(
            {{"field", FieldText(l.field)}, {"level", words.text}, {"colour", words.colour}});
      }
      values["levels"] = levels;
      values["has_levels"] = !levels.empty();
    }
    values["link_reasons"] =
        ReasonRadios(kLinkReasons, "link-reason", values.value("link_reason", std::string()));
    values["separate_reasons"] = ReasonRadios(kSeparateReasons, "separate-reason",
                                              values.value("separate_reason", std::string()));
    return kit_->Page(status, "Compare a record in review", "review_show", std::move(values), &s);
  }

  // The child page of `id` (explained afresh); `failure` as for ShowPage.
  http::Response ChildPageOf(const Signed& s, ContactPointId id, int status, Json values,
                             const Status* failure = nullptr) {
    auto explained = d_.review.Explain(s.session.account, id);
    if (!explained.ok()) {
      return Refusal(*kit_, failure != nullptr ? *failure : explained.status(),
                     "This child cannot be shown", s);
    }
    return ChildPage(s, *explained, status, std::move(values));
  }

  http::Response ChildPage(const Signed& s, const review::Explanation& e, int status,
                           Json values) {
    const std::string id = e.child.id.ToString();
    values["child_id"] = id;
    values["redirected"] = e.child.redirected();
    values["requested_id"] = e.child.requested.ToString();
    values["stale"] = !e.best_view_up_to_date;
    if (e.best_view) {
      Json view = Json::array();
      for (const auto& [field, value] : ViewRows(*e.best_view)) {
        view.push_back({{"field", field}, {"value", value}});
      }
      values["view"] = view;
      values["accountable"] = e.best_view->accountable
                                  ? Json(AccountableText(*e.best_view->accountable))
                                  : Json(nullptr);
    }
    Json provenance = Json::array();
    for (const review::FieldSource& p : e.provenance) {
      provenance.push_back({{"field", FieldText(p.field)},
                            {"record", p.source.value() + ":" + p.key.value()},
                            {"batch", p.batch.value()},
                            {"extracted", LongTime(p.extracted_at)}});
    }
    values["provenance"] = provenance;
    values["has_provenance"] = !provenance.empty();
    const Json ticked = values.value("ticked", Json::array());
    Json records = Json::array();
    Json current = Json::array();
    for (const storage::SourceRecord& r : e.records) {
      const std::string ref = r.source.value() + ":" + r.key.value();
      records.push_back({{"record", ref},
                         {"state", StateText(r.state)},
                         {"decision", r.decision ? DecisionSummary(*r.decision)
                                                 : std::string("Not recorded")},
                         {"batch", r.batch.value()},
                         {"extracted", LongTime(r.extracted_at)}});
      if (!ingest::IsCurrent(r)) continue;
      const std::size_t n = current.size();
      current.push_back(
          {{"id", n == 0 ? std::string("split-record") : "split-record-" + std::to_string(n + 1)},
           {"record", ref},
           {"summary", Joined({r.data.name.given_names.Reveal(), r.data.name.family_name.Reveal()},
                              " ") +
                           ", born " + LongDate(domain::FormatDate(r.data.date_of_birth.Reveal()))},
           {"checked", std::find(ticked.begin(), ticked.end(), Json(ref)) != ticked.end()}});
    }
    values["records"] = records;
    values["record_count"] = std::to_string(records.size());
    values["current"] = current;
    values["can_split"] = current.size() > 1;
    values["merge_reasons"] =
        ReasonRadios(kMergeReasons, "merge-reason", values.value("merge_reason", std::string()));
    values["split_reasons"] =
        ReasonRadios(kSplitReasons, "split-reason", values.value("split_reason", std::string()));
    return kit_->Page(status, "A child's records", "review_child", std::move(values), &s);
  }

  std::shared_ptr<Kit> kit_;
  const WebDeps& d_;
};

}  // namespace

void RegisterReviewPages(http::Server& server, const std::shared_ptr<Kit>& kit) {
  auto pages = std::make_shared<ReviewPages>(kit);
  server.Route("GET", "/review", [pages](const http::Request& r) { return pages->Queue(r); });
  server.Route("POST", "/review/show", [pages](const http::Request& r) { return pages->Show(r); });
  server.Route("POST", "/review/link", [pages](const http::Request& r) { return pages->Link(r); });
  server.Route("POST", "/review/separate",
               [pages](const http::Request& r) { return pages->Separate(r); });
  server.Route("POST", "/review/child",
               [pages](const http::Request& r) { return pages->Child(r); });
  server.Route("POST", "/review/merge",
               [pages](const http::Request& r) { return pages->Merge(r); });
  server.Route("POST", "/review/split",
               [pages](const http::Request& r) { return pages->Split(r); });
}

}  // namespace cp::web::internal

#include "matching/matcher.h"

#include <algorithm>
#include <cmath>

#include "linkage/string_similarity.h"

namespace cp::matching {
namespace {

using linkage::Field;

template <typename Level>
Level LevelOf(const linkage::ComparisonVector& v, Field field) {
  return static_cast<Level>(v.level(field));
}

bool SharesIdentifier(const linkage::ComparisonVector& v) {
  using linkage::AgreeLevel;
  return LevelOf<AgreeLevel>(v, Field::kNhsNumber) == AgreeLevel::kAgree ||
         LevelOf<AgreeLevel>(v, Field::kUpn) == AgreeLevel::kAgree ||
         LevelOf<AgreeLevel>(v, Field::kUln) == AgreeLevel::kAgree;
}

// Whether both records have given names after the first and one of them is
// the same (normalised) name in both.
bool SharesLaterGivenName(const linkage::LinkageRecord& a, const linkage::LinkageRecord& b) {
  for (std::size_t i = 1; i < a.given_names.size(); ++i) {
    for (std::size_t j = 1; j < b.given_names.size(); ++j) {
      if (a.given_names[i].text == b.given_names[j].text) return true;
    }
  }
  return false;
}

// Whether two given names agree: the same name, variants of one name, the
// same sound, a keystroke apart, or one an initial of the other.
bool GivenNamesAgree(const linkage::NameToken& x, const linkage::NameToken& y) {
  if (x.text.empty() || y.text.empty()) return false;
  const bool initial =
      (x.text.size() == 1 || y.text.size() == 1) && x.text.front() == y.text.front();
  return x.text == y.text || x.groups.Intersects(y.groups) || initial ||
         (!x.phonetic.empty() && x.phonetic == y.phonetic) ||
         linkage::DamerauLevenshteinDistance(x.text, y.text) <= 1;
}

// Whether both records have later given names, leaving out any that is
// either record's first name or a variant of it ("William Bill", a name the
// child is known by), and none of one's agrees with any of the other's
// (GivenNamesAgree): "Ben Jesse Lewis" and "Benjamin Luke" disagree; "Ben J"
// and "Benjamin James", "Yusuf" and "Yousef" agree.
bool LaterGivenNamesDisagree(const linkage::LinkageRecord& a, const linkage::LinkageRecord& b) {
  if (a.given_names.empty() || b.given_names.empty()) return false;
  const linkage::NameToken& first_a = a.given_names.front();
  const linkage::NameToken& first_b = b.given_names.front();
  auto later = [&](const linkage::LinkageRecord& r) {
    std::vector<const linkage::NameToken*> names;
    for (std::size_t i = 1; i < r.given_names.size(); ++i) {
      const linkage::NameToken& t = r.given_names[i];
      const bool a_first = t.text == first_a.text || t.groups.Intersects(first_a.groups);
      const bool b_first = t.text == first_b.text || t.groups.Intersects(first_b.groups);
      if (!a_first && !b_first) names.push_back(&t);
    }
    return names;
  };
  const std::vector<const linkage::NameToken*> later_a = later(a);
  const std::vector<const linkage::NameToken*> later_b = later(b);
  if (later_a.empty() || later_b.empty()) return false;
  for (const linkage::NameToken* x : later_a) {
    for (const linkage::NameToken* y : later_b) {
      if (GivenNamesAgree(*x, *y)) return false;
    }
  }
  return true;
}

// Whether the first given names of two records are one keystroke apart
// (Damerau-Levenshtein distance 1).
bool OneKeystrokeApart(const linkage::LinkageRecord& a, const linkage::LinkageRecord& b) {
  return !a.given_names.empty() && !b.given_names.empty() &&
         linkage::DamerauLevenshteinDistance(a.given_names.front().text,
                                             b.given_names.front().text) == 1;
}

// Whether the first given names are one keystroke apart and at least one of
// them is no established name: a typing error, since parents give their
// children real names. Genders that disagree say otherwise.
bool OneKeystrokeTypo(const linkage::LinkageRecord& a, const linkage::LinkageRecord& b,
                      const linkage::ComparisonVector& v) {
  if (!OneKeystrokeApart(a, b)) return false;
  if (a.given_names.front().known && b.given_names.front().known) return false;
  return LevelOf<linkage::GenderLevel>(v, Field::kGender) != linkage::GenderLevel::kDisagree;
}

// Whether the first given names are the same name: equal, or nicknames of
// one another. (The comparator's nickname level also covers one record's
// first name being the other's middle name: a child called by a middle name,
// or a twin given the other's middle name.)
bool SameFirstName(const linkage::LinkageRecord& a, const linkage::LinkageRecord& b) {
  if (a.given_names.empty() || b.given_names.empty()) return false;
  const linkage::NameToken& x = a.given_names.front();
  const linkage::NameToken& y = b.given_names.front();
  return x.text == y.text || x.groups.Intersects(y.groups);
}

// Whether every given name of `inner` is among those of `outer`.
bool NamesAmong(const linkage::LinkageRecord& inner, const linkage::LinkageRecord& outer) {
  return std::all_of(
      inner.given_names.begin(), inner.given_names.end(), [&](const linkage::NameToken& t) {
        return std::any_of(outer.given_names.begin(), outer.given_names.end(),
                           [&](const linkage::NameToken& u) { return u.text == t.text; });
      });
}

// Whether every given name of one record is among the other's ("Leo" and
// "Jack Leo"; "Jack Leo" and "Leo Jack"): one child, named more or less fully.
bool NamesNested(const linkage::LinkageRecord& a, const linkage::LinkageRecord& b) {
  return a.given_names.size() <= b.given_names.size() ? NamesAmong(a, b) : NamesAmong(b, a);
}

// Whether two records hold the same given names in another order ("Filip
// Mason", "Mason Filip"): one child's names.
bool Reordered(const linkage::LinkageRecord& a, const linkage::LinkageRecord& b) {
  return a.given_names.size() == b.given_names.size() && NamesNested(a, b);
}

bool IdentifierDisagrees(const linkage::ComparisonVector& v) {
  using linkage::AgreeLevel;
  return LevelOf<AgreeLevel>(v, Field::kNhsNumber) == AgreeLevel::kDisagree ||
         LevelOf<AgreeLevel>(v, Field::kUpn) == AgreeLevel::kDisagree ||
         LevelOf<AgreeLevel>(v, Field::kUln) == AgreeLevel::kDisagree;
}

// Whether the dates of birth are more than a month apart and neither is a
// typing error of the other (transposed, one digit).
bool BornApart(const linkage::ComparisonVector& v) {
  const auto level = LevelOf<linkage::DateOfBirthLevel>(v, Field::kDateOfBirth);
  return level == linkage::DateOfBirthLevel::kSameYear ||
         level == linkage::DateOfBirthLevel::kDisagree;
}

// Whether the twin rule's setting holds whatever the given names say: same
// date of birth and family name, living together, no identifier shared.
bool TwinSetting(linkage::ComparisonVector v) {
  v.Set(Field::kGivenName, linkage::GivenNameLevel::kDisagree);
  return CheckTwinRule(v) != TwinRule::kClear;
}

// Whether the twin rule's setting holds for a child born on another day:
// same family name, living together, no identifier shared.
bool TwinSettingApartFromBirth(linkage::ComparisonVector v) {
  v.Set(Field::kDateOfBirth, linkage::DateOfBirthLevel::kExact);
  return TwinSetting(v);
}

// Whether the twin rule's setting holds whatever the family names say (one
// of them mistyped, perhaps): same date of birth, living together, no
// identifier shared.
bool BornTogether(linkage::ComparisonVector v) {
  v.Set(Field::kFamilyName, linkage::FamilyNameLevel::kExact);
  return TwinSetting(v);
}

// The score at which the model's posterior match probability is `p`.
double ScoreFor(const linkage::Model& model, double p) {
  const double prior = model.parameters().match_prior;
  return std::log2(p / (1 - p)) + std::log2((1 - prior) / prior);
}

}  // namespace

std::string_view DecisionName(Decision decision) {
  switch (decision) {
    case Decision::kLink: return "link";
    case Decision::kReview: return "review";
    case Decision::kNew: return "new";
  }
  return "unknown";
}

TwinRule CheckTwinRule(const linkage::ComparisonVector& v) {
  using linkage::AgreeLevel;
  const bool same_birth =
      LevelOf<linkage::DateOfBirthLevel>(v, Field::kDateOfBirth) ==
      linkage::DateOfBirthLevel::kExact;
  const auto family = LevelOf<linkage::FamilyNameLevel>(v, Field::kFamilyName);
  const bool same_family = family == linkage::FamilyNameLevel::kExact ||
                           family == linkage::FamilyNameLevel::kVariant ||
                           family == linkage::FamilyNameLevel::kPartial;
  const bool together =
      LevelOf<linkage::AddressLevel>(v, Field::kAddress) == linkage::AddressLevel::kExact ||
      LevelOf<linkage::PostcodeLevel>(v, Field::kPostcode) == linkage::PostcodeLevel::kUnit ||
      LevelOf<linkage::CarerNameLevel>(v, Field::kCarerName) ==
          linkage::CarerNameLevel::kFullName ||
      LevelOf<AgreeLevel>(v, Field::kCarerPhone) == AgreeLevel::kAgree;
  const bool shared_identifier =
      LevelOf<AgreeLevel>(v, Field::kNhsNumber) == AgreeLevel::kAgree ||
      LevelOf<AgreeLevel>(v, Field::kUpn) == AgreeLevel::kAgree ||
      LevelOf<AgreeLevel>(v, Field::kUln) == AgreeLevel::kAgree;
  if (!same_birth || !same_family || !together || shared_identifier) return TwinRule::kClear;
  switch (LevelOf<linkage::GivenNameLevel>(v, Field::kGivenName)) {
    case linkage::GivenNameLevel::kExact:
    case linkage::GivenNameLevel::kNickname:
    case linkage::GivenNameLevel::kMissing:
      return TwinRule::kClear;
    case linkage::GivenNameLevel::kJaroWinkler:
    case linkage::GivenNameLevel::kPhonetic:
      return TwinRule::kCloseNames;
    case linkage::GivenNameLevel::kInitial:
    case linkage::GivenNameLevel::kDisagree:
      return TwinRule::kDifferentNames;
  }
  return TwinRule::kDifferentNames;
}

TwinRule CheckSiblingRule(const linkage::ComparisonVector& v) {
  const bool names_differ = LevelOf<linkage::GivenNameLevel>(v, Field::kGivenName) ==
                            linkage::GivenNameLevel::kDisagree;
  return names_differ && !SharesIdentifier(v) ? TwinRule::kDifferentNames : TwinRule::kClear;
}

TwinRule CheckCannotLink(const linkage::ComparisonVector& v) {
  const TwinRule twin = CheckTwinRule(v);
  return twin != TwinRule::kClear ? twin : CheckSiblingRule(v);
}

std::vector<std::size_t> OddFirstNames(const linkage::Comparator& comparator,
                                       const std::vector<linkage::LinkageRecord>& members) {
  // Whether a's first given name is one of b's later given names.
  auto first_is_later = [](const linkage::LinkageRecord& a, const linkage::LinkageRecord& b) {
    const linkage::NameToken& first = a.given_names.front();
    return std::any_of(b.given_names.begin() + 1, b.given_names.end(),
                       [&](const linkage::NameToken& t) {
                         return t.text == first.text || t.groups.Intersects(first.groups);
                       });
  };
  std::vector<std::size_t> odd;
  if (members.size() < 2) return odd;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const linkage::LinkageRecord& m = members[i];
    if (m.given_names.empty()) continue;
    bool alone = true;
    bool through_middle_name = false;
    for (std::size_t j = 0; j < members.size() && alone; ++j) {
      const linkage::LinkageRecord& other = members[j];
      if (j == i || other.given_names.empty()) continue;
      alone = !SameFirstName(m, other) && !Reordered(m, other) &&
              !SharesIdentifier(comparator.Compare(m, other));
      through_middle_name =
          through_middle_name || first_is_later(m, other) || first_is_later(other, m);
    }
    if (alone && through_middle_name) odd.push_back(i);
  }
  return odd;
}

std::vector<std::size_t> VariantFirstNames(const linkage::Comparator& comparator,
                                           const std::vector<linkage::LinkageRecord>& members) {
  std::vector<std::size_t> held;
  if (members.size() < 2) return held;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const linkage::LinkageRecord& m = members[i];
    if (m.given_names.empty()) continue;
    bool same_elsewhere = false;
    bool variant_elsewhere = false;
    for (std::size_t j = 0; j < members.size() && !same_elsewhere; ++j) {
      const linkage::LinkageRecord& other = members[j];
      if (j == i || other.given_names.empty()) continue;
      if (m.given_names.front().text == other.given_names.front().text || Reordered(m, other) ||
          SharesLaterGivenName(m, other) || SharesIdentifier(comparator.Compare(m, other))) {
        same_elsewhere = true;
      } else if (SameFirstName(m, other)) {
        variant_elsewhere = true;
      }
    }
    if (!same_elsewhere && variant_elsewhere) held.push_back(i);
  }
  return held;
}

std::vector<std::size_t> RegisterTwins(const linkage::Comparator& comparator,
                                       const linkage::LinkageRecord& record,
                                       const std::vector<linkage::LinkageRecord>& members,
                                       const std::vector<bool>& same_register,
                                       const std::vector<bool>& movable) {
  std::vector<std::size_t> twins;
  if (record.given_names.empty()) return twins;
  const std::vector<std::size_t> odd = OddFirstNames(comparator, members);
  for (const std::size_t i : odd) {
    if (i >= movable.size() || !movable[i]) continue;
    // Whether the record is called what another member calls the child.
    bool called_as_child = false;
    for (std::size_t j = 0; j < members.size() && !called_as_child; ++j) {
      if (j == i || members[j].given_names.empty()) continue;
      called_as_child =
          SameFirstName(record, members[j]) || OneKeystrokeApart(record, members[j]) ||
          Reordered(record, members[j]);
    }
    // The register lists the child under its own name and another child
    // there: the member is that other child.
    const bool register_lists_two = i < same_register.size() && same_register[i] &&
                                    called_as_child;
    // The record is called what the member is called and nothing the
    // child's other records call it: the member is the record's child.
    const bool called_as_member = !called_as_child && SameFirstName(record, members[i]);
    if (register_lists_two || called_as_member) twins.push_back(i);
  }
  // A member held through a variant of its first name (VariantFirstNames:
  // no other member has its first name, so it and the members above are
  // never the same), where the record is called exactly what another member
  // is called and comes from the member's register (the register lists two
  // children, the member the other); or is called exactly what the member is
  // called, with no later given name that disagrees with the member's (the
  // member is the record's child).
  const std::string& called = record.given_names.front().text;
  for (const std::size_t i : VariantFirstNames(comparator, members)) {
    if (i >= movable.size() || !movable[i]) continue;
    const bool own_name = members[i].given_names.front().text == called;
    const bool called_as_child = std::any_of(
        members.begin(), members.end(), [&](const linkage::LinkageRecord& m) {
          return !m.given_names.empty() && m.given_names.front().text == called;
        });
    const bool register_lists_two =
        !own_name && called_as_child && i < same_register.size() && same_register[i];
    const bool called_as_member = own_name && !LaterGivenNamesDisagree(record, members[i]);
    if (register_lists_two || called_as_member) twins.push_back(i);
  }
  // The record comes from a national register that already lists a movable
  // member of the child under another first name, and is called exactly
  // what a member that is not movable (the record that made the child, or
  // one a person decided) is called ("Ellie" from child benefit, where the
  // child is CAMHS's "Ellie" and child benefit's "Ella Tiana"): the register
  // lists two children there, the child is the record's name's, and that
  // member is the twin, with every movable member called exactly as it is
  // ("Ella Tiana" of the school census), unless one shares an identifier
  // with the record or with a member called as the record is, or a second
  // name or all its names with such a member ("Bill James" beside "William
  // James": one child's names); and not when a member that is not movable
  // is called by that other name too.
  std::vector<std::size_t> called_as_record;  // not movable, called exactly so
  std::vector<std::string_view> fixed_names;     // first names of members not movable
  for (std::size_t i = 0; i < members.size(); ++i) {
    const bool fixed = i >= movable.size() || !movable[i];
    if (!fixed || members[i].given_names.empty()) continue;
    fixed_names.push_back(members[i].given_names.front().text);
    if (fixed_names.back() == called) called_as_record.push_back(i);
  }
  auto held_as_record = [&](const linkage::LinkageRecord& m) {
    return SharesIdentifier(comparator.Compare(record, m)) ||
           std::any_of(called_as_record.begin(), called_as_record.end(), [&](std::size_t k) {
             return SharesIdentifier(comparator.Compare(members[k], m)) ||
                    SharesLaterGivenName(members[k], m) || Reordered(members[k], m);
           });
  };
  // So too when that member has the record's first name but second names
  // that disagree with it, and the member that is not movable has all the
  // record's names, two or more ("Olivia-Rose Eva" from child benefit, where
  // the child is the census's "Olivia-Rose Eva" and child benefit's "Olivia
  // Daisy"): the register lists the child again under its full names.
  const bool named_as_record =
      record.given_names.size() >= 2 &&
      std::any_of(called_as_record.begin(), called_as_record.end(),
                  [&](std::size_t k) { return Reordered(record, members[k]); });
  // A movable member from the record's register, with a name.
  auto register_member = [&](std::size_t i) {
    return i < movable.size() && movable[i] && i < same_register.size() && same_register[i] &&
           !members[i].given_names.empty();
  };
  // Every member with a name for which `with_it` holds goes back to review
  // unless listed already or held_as_record.
  auto take_back = [&](auto&& with_it) {
    for (std::size_t j = 0; j < members.size(); ++j) {
      if (!members[j].given_names.empty() && with_it(members[j]) &&
          std::find(twins.begin(), twins.end(), j) == twins.end() &&
          !held_as_record(members[j])) {
        twins.push_back(j);
      }
    }
  };
  for (std::size_t i = 0; named_as_record && i < members.size(); ++i) {
    if (!register_member(i) || members[i].given_names.front().text != called ||
        !LaterGivenNamesDisagree(record, members[i])) {
      continue;
    }
    // Members called so whose second names agree with this one's and
    // disagree with the record's. (Movable: one that is not is among
    // called_as_record, and it and every member sharing its second name are
    // held_as_record.)
    take_back([&](const linkage::LinkageRecord& m) {
      return m.given_names.front().text == called && LaterGivenNamesDisagree(record, m) &&
             !LaterGivenNamesDisagree(members[i], m);
    });
  }
  for (std::size_t i = 0; !called_as_record.empty() && i < members.size(); ++i) {
    if (!register_member(i) || members[i].given_names.front().text == called) continue;
    const std::string& other = members[i].given_names.front().text;
    // A member that is not movable called so (a person decided it, or it is
    // in review) holds the other name to the child as well. (Movable: every
    // member called so is, as fixed_names shows.)
    if (std::find(fixed_names.begin(), fixed_names.end(), other) != fixed_names.end()) continue;
    take_back([&](const linkage::LinkageRecord& m) { return m.given_names.front().text == other; });
  }
  // A member that is not movable (the record that made the child, or one a
  // person decided) has the record's given names, two or more, in another
  // order ("Hannah Alexa" beside the record's "Alexa Hannah"): the child is
  // the record's child under its names reordered, and whatever set the
  // record apart from it is its twin's. Members that first name drew in are
  // the twin's: every movable member not called by the record's first name
  // (or all its names) or with a given name the record lacks, names agreeing
  // as GivenNamesAgree has it ("Hannah Rosemary"; "Hannah", the twin called by
  // her first name sooner than the record's child called by a middle name;
  // not "Alexa", "Alexandra Hannah"), unless it shares an identifier with the
  // record or with such a member.
  std::vector<std::size_t> reordered;
  for (std::size_t i = 0; i < members.size() && record.given_names.size() >= 2; ++i) {
    const bool made_child = i >= movable.size() || !movable[i];
    const bool same_order = std::equal(
        record.given_names.begin(), record.given_names.end(), members[i].given_names.begin(),
        members[i].given_names.end(),
        [](const linkage::NameToken& x, const linkage::NameToken& y) { return x.text == y.text; });
    if (made_child && Reordered(record, members[i]) && !same_order) reordered.push_back(i);
  }
  auto agrees_with_one = [&](const linkage::NameToken& t) {
    return std::any_of(record.given_names.begin(), record.given_names.end(),
                       [&](const linkage::NameToken& u) { return GivenNamesAgree(t, u); });
  };
  for (std::size_t i = 0; !reordered.empty() && i < members.size(); ++i) {
    if (i >= movable.size() || !movable[i] || members[i].given_names.empty()) continue;
    const linkage::LinkageRecord& m = members[i];
    const bool called_as_record =
        GivenNamesAgree(m.given_names.front(), record.given_names.front()) ||
        Reordered(record, m);
    const bool records_child =
        called_as_record && std::all_of(m.given_names.begin(), m.given_names.end(),
                                        agrees_with_one);
    const bool identified =
        SharesIdentifier(comparator.Compare(record, m)) ||
        std::any_of(reordered.begin(), reordered.end(), [&](std::size_t k) {
          return SharesIdentifier(comparator.Compare(members[k], m));
        });
    const bool listed = std::find(twins.begin(), twins.end(), i) != twins.end();
    if (!records_child && !identified && !listed) twins.push_back(i);
  }
  std::sort(twins.begin(), twins.end());
  return twins;
}

Matcher::Matcher(const index::CandidateIndex& index, const linkage::Comparator& comparator,
                 const linkage::Model& model, MatchOptions options)
    : index_(index),
      comparator_(comparator),
      model_(model),
      options_(options),
      link_score_(ScoreFor(model, options.link_probability)),
      review_score_(ScoreFor(model, options.review_probability)) {}

MatchOutcome Matcher::Match(const linkage::LinkageRecord& record,
                            const ChildFactsFn& facts) const {
  const index::CandidateResult found = index_.Candidates(record, options_.candidates);
  std::vector<ScoredCandidate> scored;
  scored.reserve(found.candidates.size());
  // Each candidate's best view as the index holds it, kept for the
  // examination below (a Lookup decodes it from the index's compact form).
  std::vector<std::pair<domain::ContactPointId, linkage::LinkageRecord>> views;
  views.reserve(found.candidates.size());
  for (const index::Candidate& candidate : found.candidates) {
    std::optional<linkage::LinkageRecord> view = index_.Lookup(candidate.child);
    if (!view) continue;  // removed since the lookup of candidates
    ScoredCandidate s{candidate.child, 0, comparator_.Compare(record, *view)};
    s.score = model_.Score(s.vector);
    scored.push_back(std::move(s));
    views.emplace_back(candidate.child, std::move(*view));
  }
  auto view_of = [&](const domain::ContactPointId& child) -> const linkage::LinkageRecord* {
    for (const auto& [id, view] : views) {
      if (id == child) return &view;
    }
    return nullptr;
  };
  auto better = [](const ScoredCandidate& a, const ScoredCandidate& b) {
    return a.score != b.score ? a.score > b.score : a.child.number() < b.child.number();
  };
  std::sort(scored.begin(), scored.end(), better);

  MatchOutcome out;
  // Candidates a cannot-link rule excludes are dropped; a close-names twin
  // case stops the search for review.
  std::vector<std::pair<ScoredCandidate, ChildFacts>> eligible;
  bool excluded_any = false;
  bool other_nhs_number = false;
  std::optional<std::pair<ScoredCandidate, ChildFacts>> provisional;
  // Candidates whose records were read; past the bound, the decision is a
  // person's (candidates_capped).
  std::size_t examined = 0;
  bool examination_capped = false;
  // Provisional children this record matches as a link would, with no
  // cannot-link rule against them (and whether each is shielded). A record
  // sent to review waits on the best of them it may wait with (may_wait_with
  // below), with the records it is the same child as, not on a child of its
  // own; a record with no other candidate joins it (see "provisional_match"
  // below).
  std::vector<std::pair<ScoredCandidate, bool>> provisional_matches;
  // What the given names of each child examined say about the record, for
  // the choice between the best child and a provisional one below.
  struct NameEvidence {
    // A record with exactly the record's first name and no second name that
    // disagrees ("Max Victor" for "Max"; not for "Max Rocco").
    bool first_name_exactly = false;
    // A record with exactly the record's first name, whatever its second.
    bool first_name_exact = false;
    // An identifier of the record's (NHS, pupil or learner number).
    bool identified = false;
    // Born the same day as the record, living with it, no identifier shared
    // (BornTogether), and the first given name of its best view.
    bool born_together = false;
    const linkage::NameToken* first_name = nullptr;
    // Held by more than a middle name: a record with the record's first
    // name or a variant of it, or all its names in another order, or an
    // identifier of the record's.
    bool held = false;
    // A record with the record's first and second names (named_fully).
    bool named_fully = false;
    // No identifier of the record's, and every record with the record's
    // first name has second names that disagree with the record's.
    bool second_names_disagree = false;
    // Some record with the record's first name has second names that
    // disagree with the record's.
    bool some_second_names_disagree = false;
  };
  std::vector<std::pair<domain::ContactPointId, NameEvidence>> evidence;
  auto evidence_of = [&](const domain::ContactPointId& child) {
    for (const auto& [id, e] : evidence) {
      if (id == child) return e;
    }
    return NameEvidence{};
  };
  auto by_score = [&](const auto& a, const auto& b) { return better(a.first, b.first); };
  // What decides which provisional children a record may wait with (and
  // join automatically), read once per decision from the children examined.
  struct WaitRules {
    bool identified_somewhere = false;  // a provisional match shares an identifier
    bool exact_somewhere = false;       // a child examined is called by the first name
    bool twins_at_hand = false;
  };
  // A record in review waits with the best provisional child it matches,
  // and joins one automatically, only where that puts no twin with it:
  // - not a child whose every record with the record's first name has second
  //   names that disagree ("Oliver Mohammed" for "Oliver Jake");
  // - when a provisional child it matches shares an identifier with it, only
  //   such a child: the twin called by the record's name, with none of its
  //   identifiers, may score higher (a child scores as its best record, and
  //   the one with the identifier may have another address);
  // - otherwise, when some child examined is called exactly by the record's
  //   first name, or twins are at hand (a child was set apart from the record
  //   as a twin, by a twin rule, another NHS number or its register; or two
  //   children examined were born the same day at the record's home under
  //   first names that are not one name, "Samuel" and "Joshua"), only a child
  //   called exactly by it, or holding all its names (named_fully): one
  //   holding a variant or middle name of it ("John" for "Jac", "Joshua" for
  //   "Samuel Joshua") may be a twin given a name close to the record's
  //   child's.
  // Otherwise it waits alone: one question about two children would be
  // answered for both at once.
  auto wait_rules = [&] {
    WaitRules rules;
    rules.identified_somewhere =
        std::any_of(provisional_matches.begin(), provisional_matches.end(),
                    [&](const auto& m) { return evidence_of(m.first.child).identified; });
    std::vector<const linkage::NameToken*> born_together;
    for (const auto& [child, e] : evidence) {
      rules.exact_somewhere = rules.exact_somewhere || e.first_name_exact;
      if (e.born_together && e.first_name != nullptr) born_together.push_back(e.first_name);
    }
    rules.twins_at_hand = !out.twins_apart.empty();
    for (std::size_t i = 0; i < born_together.size() && !rules.twins_at_hand; ++i) {
      for (std::size_t j = i + 1; j < born_together.size(); ++j) {
        const linkage::NameToken& x = *born_together[i];
        const linkage::NameToken& y = *born_together[j];
        if (x.text != y.text && !x.groups.Intersects(y.groups)) rules.twins_at_hand = true;
      }
    }
    return rules;
  };
  auto may_wait_with = [&](const domain::ContactPointId& child, const WaitRules& rules) {
    const NameEvidence e = evidence_of(child);
    if (e.second_names_disagree) return false;
    if (rules.identified_somewhere) return e.identified;
    return (!rules.exact_somewhere && !rules.twins_at_hand) || e.first_name_exact ||
           e.named_fully;
  };
  // A provisional child passed over may be a shielded child's: the record is
  // then held shielded, as it would have been waiting with it.
  auto finish = [&]() -> MatchOutcome {
    if (out.decision == Decision::kReview && !out.wait_with) {
      const WaitRules rules = wait_rules();
      std::optional<ScoredCandidate> wait;
      for (const auto& [match, shielded] : provisional_matches) {
        if (!may_wait_with(match.child, rules)) {
          out.hold_shielded = out.hold_shielded || shielded;
          continue;
        }
        if (!wait || better(match, *wait)) wait = match;
      }
      if (wait) out.wait_with = wait->child;
    }
    return std::move(out);
  };
  // Provisional children examined, no cannot-link rule against them and no
  // record of the record's register, with a record called exactly by the
  // record's first name and no second name that disagrees (best first).
  std::vector<std::pair<ScoredCandidate, bool>> provisional_named;
  for (ScoredCandidate& s : scored) {
    if (s.score < review_score_ || eligible.size() == 2) break;
    if (examined == options_.examined_candidates) {
      examination_capped = true;
      break;
    }
    ++examined;
    ChildFacts child = facts ? facts(s.child) : ChildFacts{};
    // An identifier shared with the child settles it: twins and siblings
    // never share one, so no member lacking it can make this a twin case.
    std::vector<std::pair<linkage::ComparisonVector, const linkage::LinkageRecord*>> vectors = {
        {s.vector, view_of(s.child)}};
    for (const linkage::LinkageRecord& member : child.members) {
      vectors.emplace_back(comparator_.Compare(record, member), &member);
    }
    // Two NHS numbers are two children: a record never joins a child whose
    // records carry another NHS number and none its own, whatever else
    // agrees. NHS numbers are check-digit validated on receipt, so a typing
    // error is not one; twins' records that once met in one child stay apart
    // from then on. (A child a data administrator made of two numbered
    // identities still takes the records of either.)
    auto nhs_number = [&](linkage::AgreeLevel level) {
      return std::any_of(vectors.begin(), vectors.end(), [level](const auto& v) {
        return LevelOf<linkage::AgreeLevel>(v.first, Field::kNhsNumber) == level;
      });
    };
    if (nhs_number(linkage::AgreeLevel::kDisagree) && !nhs_number(linkage::AgreeLevel::kAgree)) {
      other_nhs_number = true;
      // Born the same day to the same family at the same home (as the best
      // view or a record of the child has it) under another NHS number: the
      // child's twin, whose records may show which of the child's records
      // is really its own (RegisterTwins).
      if (std::any_of(vectors.begin(), vectors.end(),
                      [](const auto& v) { return TwinSetting(v.first); })) {
        out.twins_apart.push_back(s.child);
      }
      continue;
    }
    // The child scores as its best-matching record: its best view keeps one
    // value per field (the address of a source that ranks higher, perhaps
    // one the child has left), while the record may describe the child as
    // another of its sources does.
    for (std::size_t m = 1; m < vectors.size(); ++m) {
      const double member_score = model_.Score(vectors[m].first);
      if (member_score > s.score) {
        s.score = member_score;
        s.vector = vectors[m].first;
      }
    }
    const bool identified = std::any_of(vectors.begin(), vectors.end(),
                                        [](const auto& v) { return SharesIdentifier(v.first); });
    // Some record of the child carries this record's given name: a member
    // whose name is only close is that child's own misspelling.
    const bool named = std::any_of(vectors.begin(), vectors.end(), [&](const auto& v) {
      return v.second != nullptr && SameFirstName(record, *v.second);
    });
    // And some record of the child carries its first and second names (a
    // person may have put it there).
    // (Or all its names, two or more, in another order: "Daniel Alfie" for
    // "Alfie Daniel".)
    const bool named_fully = std::any_of(vectors.begin(), vectors.end(), [&](const auto& v) {
      if (v.second == nullptr) return false;
      if (record.given_names.size() >= 2 && Reordered(record, *v.second)) return true;
      return SameFirstName(record, *v.second) &&
             (SharesLaterGivenName(record, *v.second) || Reordered(record, *v.second));
    });
    {
      NameEvidence e;
      e.held = named || identified;
      e.identified = identified;
      e.born_together = BornTogether(s.vector);
      const linkage::LinkageRecord* view = view_of(s.child);
      if (view != nullptr && !view->given_names.empty()) e.first_name = &view->given_names.front();
      e.named_fully = named_fully;
      bool all_disagree = named && !identified;
      for (const auto& [v, other] : vectors) {
        if (other == nullptr) continue;
        const bool same_first = SameFirstName(record, *other);  // both have names
        const bool disagree = same_first && LaterGivenNamesDisagree(record, *other);
        const bool exact = same_first && other->given_names.front().text ==
                                             record.given_names.front().text;
        e.first_name_exactly = e.first_name_exactly || (exact && !disagree);
        e.first_name_exact = e.first_name_exact || exact;
        e.held = e.held || Reordered(record, *other);
        if (same_first) all_disagree = all_disagree && disagree;
        e.some_second_names_disagree = e.some_second_names_disagree || disagree;
      }
      e.second_names_disagree = all_disagree;
      evidence.emplace_back(s.child, e);
    }
    TwinRule rule = TwinRule::kClear;
    for (const auto& [v, other] : vectors) {
      if (identified || rule == TwinRule::kDifferentNames) break;
      TwinRule member_rule = CheckCannotLink(v);
      // First names a keystroke apart are close however short they are
      // (Jaro-Winkler rates "orla" and "orlq" as different names).
      if (member_rule == TwinRule::kDifferentNames && other != nullptr &&
          CheckTwinRule(v) == TwinRule::kDifferentNames && OneKeystrokeApart(record, *other)) {
        member_rule = TwinRule::kCloseNames;
      }
      // In the twin setting a first name that is only the other's middle
      // name is the same child called by a middle name ("Leo", "Jack Leo")
      // when one record's names are all among the other's and no identifier
      // disagrees; otherwise ("Daisy Poppy", "Abbie Daisy"; or a different
      // pupil number) a question, not the same name.
      if (member_rule == TwinRule::kClear && other != nullptr && TwinSetting(v) &&
          LevelOf<linkage::GivenNameLevel>(v, Field::kGivenName) ==
              linkage::GivenNameLevel::kNickname &&
          !SameFirstName(record, *other) &&
          (!NamesNested(record, *other) || IdentifierDisagrees(v))) {
        member_rule = TwinRule::kCloseNames;
      }
      // A first name a letter or two apart is a typing error, not a twin,
      // when a second given name agrees exactly as well, or when one of the
      // two is no one's name (the header comment has the rules).
      if (member_rule == TwinRule::kCloseNames &&
          (named || (other != nullptr && (SharesLaterGivenName(record, *other) ||
                                          OneKeystrokeTypo(record, *other, v))))) {
        member_rule = TwinRule::kClear;
      }
      // In the twin setting, first names that are variants of one name
      // ("Ben", "Benjamin"; not the same name) with second names that
      // disagree ("Ben Jesse Lewis", "Benjamin Luke") are two children as
      // likely as one: twins may be given variants of one name, and one
      // child's second names seldom change from source to source. (After the
      // rule above: that the child has the record's first name does not
      // answer it; that it has a record with the record's first and second
      // names does.)
      if (member_rule == TwinRule::kClear && other != nullptr && !named_fully &&
          TwinSetting(v) &&
          LevelOf<linkage::GivenNameLevel>(v, Field::kGivenName) ==
              linkage::GivenNameLevel::kNickname &&
          SameFirstName(record, *other) && LaterGivenNamesDisagree(record, *other)) {
        member_rule = TwinRule::kCloseNames;
      }
      // In the twin setting, records carrying different pupil or learner
      // numbers are two children unless their first names are the same
      // name exactly: "Isabella" and "Isabelle", variants of one name, with
      // two pupil numbers are a question (twins), not a spelling.
      if (member_rule == TwinRule::kClear && other != nullptr && IdentifierDisagrees(v) &&
          LevelOf<linkage::GivenNameLevel>(v, Field::kGivenName) !=
              linkage::GivenNameLevel::kExact &&
          TwinSetting(v)) {
        member_rule = TwinRule::kCloseNames;
      }
      // A brother or sister at the same home, called by the same (or a
      // middle) name: born months or years apart, with another pupil,
      // learner or NHS number. Household fields, which siblings share, would
      // outweigh both.
      if (member_rule == TwinRule::kClear && BornApart(v) && IdentifierDisagrees(v)) {
        member_rule = TwinRule::kDifferentNames;
      }
      // Born months apart under variants of one name ("Rose", "Rosie") at
      // the same home, no identifier to tell: a question, not a spelling.
      if (member_rule == TwinRule::kClear && BornApart(v) &&
          LevelOf<linkage::GivenNameLevel>(v, Field::kGivenName) !=
              linkage::GivenNameLevel::kExact &&
          TwinSettingApartFromBirth(v)) {
        member_rule = TwinRule::kCloseNames;
      }
      if (member_rule != TwinRule::kClear) rule = member_rule;
    }
    if (rule == TwinRule::kDifferentNames) {
      excluded_any = true;
      if (TwinSetting(s.vector)) out.twins_apart.push_back(s.child);
      continue;
    }
    // A shared identifier says the register lists one child twice.
    child.register_holds_another = child.register_holds_another && !identified;
    if (rule == TwinRule::kCloseNames && eligible.empty()) {
      out.decision = Decision::kReview;
      out.child = s.child;
      out.reason = "twin_rule_close_names";
      if (TwinSetting(s.vector)) out.twins_apart.push_back(s.child);
      out.hold_shielded = child.shielded;
      out.best.assign(scored.begin(),
                      scored.begin() + std::min(scored.size(), options_.reported_candidates));
      return finish();
    }
    if (child.provisional) {
      // Set aside: a record awaiting review is no rival of another child.
      if (rule == TwinRule::kClear && !child.register_holds_another && s.score >= link_score_) {
        provisional_matches.emplace_back(s, child.shielded);
      }
      if (rule == TwinRule::kClear && !child.register_holds_another && s.score >= link_score_ &&
          evidence_of(s.child).first_name_exactly) {
        provisional_named.emplace_back(s, child.shielded);
      }
      if (!provisional) provisional.emplace(s, std::move(child));
      continue;
    }
    eligible.emplace_back(s, std::move(child));
  }
  // Best first again, now that the children examined score as their best
  // records.
  std::sort(scored.begin(), scored.end(), better);
  std::sort(provisional_matches.begin(), provisional_matches.end(), by_score);
  // Whether the record may join the best provisional child it matches: no
  // second provisional child within the ambiguity margin, that child not
  // held shielded (perhaps a shielded child's: its records all wait for a
  // person), one the record may wait with (may_wait_with: not a child with a
  // variant of its first name beside one with the name itself), and the
  // candidate list complete.
  auto joinable = [&] {
    if (provisional_matches.empty() || !found.complete()) return false;
    const auto& [match, shielded] = provisional_matches.front();
    if (!may_wait_with(match.child, wait_rules())) return false;  // a twin's, perhaps
    const bool rival = provisional_matches.size() > 1 &&
                       provisional_matches[1].first.score >
                           match.score - options_.ambiguity_margin_bits;
    return !rival && !shielded;
  };
  std::sort(eligible.begin(), eligible.end(), by_score);
  out.best.assign(scored.begin(),
                  scored.begin() + std::min(scored.size(), options_.reported_candidates));

  if (examination_capped) {
    // Unexamined candidates might rival the best or be its match.
    out.decision = Decision::kReview;
    out.reason = "candidates_capped";
    if (!eligible.empty()) {
      out.child = eligible.front().first.child;
      out.hold_shielded = eligible.front().second.shielded;
    } else if (provisional) {
      out.child = provisional->first.child;
    }
    out.hold_shielded = out.hold_shielded || (provisional && provisional->second.shielded);
    return finish();
  }
  if (eligible.empty() && provisional) {
    // The record's only match is a provisional child, as a link would be,
    // with no cannot-link rule against it, no second provisional child close
    // to it, and no other candidate to doubt: it is that child's record. The
    // question asked about the provisional child (is it the child its first
    // record was compared with?) stands, and its answer takes this record
    // along (review::Operations::Link). One question, not one per record.
    // A shielded provisional child (held shielded: perhaps a shielded
    // child's) keeps every record in review.
    if (joinable()) {
      out.decision = Decision::kLink;
      out.child = provisional_matches.front().first.child;
      out.reason = "provisional_match";
      return finish();
    }
    out.decision = Decision::kReview;
    out.child = provisional->first.child;
    out.reason = "provisional_candidate";
    out.hold_shielded = provisional->second.shielded;
    return finish();
  }
  if (eligible.empty()) {
    if (!found.complete()) {
      out.decision = Decision::kReview;
      out.reason = "candidates_capped";
    } else {
      out.decision = Decision::kNew;
      out.reason = excluded_any       ? "twin_rule"
                   : other_nhs_number ? "other_nhs_number"
                   : scored.empty()   ? "no_candidate"
                                      : "below_review";
    }
    return finish();
  }
  const auto& [best, best_facts] = eligible.front();
  out.child = best.child;
  out.hold_shielded = best_facts.shielded;
  if (best.score < link_score_) {
    out.decision = Decision::kReview;
    out.reason = "between_thresholds";
    return finish();
  }
  if (eligible.size() > 1 && eligible[1].first.score >= link_score_ &&
      eligible[1].first.score > best.score - options_.ambiguity_margin_bits) {
    out.decision = Decision::kReview;
    out.reason = "ambiguous";
    out.hold_shielded = out.hold_shielded || eligible[1].second.shielded;
    return finish();
  }
  // The best child holds the record's first name only with second names
  // that disagree (and perhaps none), never its first and second names and
  // no identifier of the record's, while the other child examined holds them
  // ("Ivy Mae" beside the best child's "Ivy Hanna" and "Ivy", and another
  // child's "Ivy Mae"): the record's names point elsewhere than its score, a
  // question for a person.
  if (eligible.size() > 1) {
    const NameEvidence first = evidence_of(best.child);
    const NameEvidence second = evidence_of(eligible[1].first.child);
    if (first.some_second_names_disagree && !first.named_fully && !first.identified &&
        second.named_fully) {
      out.decision = Decision::kReview;
      out.reason = "second_names_elsewhere";
      out.hold_shielded = out.hold_shielded || eligible[1].second.shielded;
      return finish();
    }
  }
  // A provisional child (its records awaiting review) matches the record as
  // a link would, and better than the best child does: the record is more
  // like the records in review than like that child, which may be their
  // twin's (the question about them is exactly whether they are that
  // child). Clearly better (by the ambiguity margin), unrivalled by another
  // provisional child and not held shielded, the record joins them, as a
  // provisional match does, and the answer to their question takes it
  // along; otherwise it waits with them for that answer.
  // Unless the best child has a record with exactly the record's first name
  // (and no second name that disagrees) and the provisional child none with
  // that name or a variant of it, with all the record's names in another
  // order, or with an identifier of the record's ("Max" beside the best
  // child's "Max Victor" and a provisional "Timothy Rocco Max", in review as
  // that child's twin): a child is called by its first name far more often
  // than by a middle name, and the question about the provisional child is
  // exactly whether it is another child.
  const NameEvidence best_names = evidence_of(best.child);
  // The best child holds no record called exactly by the record's first name
  // (only a variant, a middle name or a misspelling of it: "Sophie", "Sophie
  // Ella" for "Sofia") and no identifier of the record's, while a provisional
  // child matching it as a link would holds the name itself ("Sofia", in
  // review as that child's twin) and may be waited with (may_wait_with: no
  // other provisional child holds the record's identifier): a child is
  // called by its own name sooner than by a variant of it, and the question
  // about the provisional child is exactly whether it is another child. The
  // record waits with it.
  std::sort(provisional_named.begin(), provisional_named.end(), by_score);
  if (!best_names.first_name_exact && !best_names.identified) {
    const WaitRules rules = wait_rules();
    for (const auto& [named, shielded] : provisional_named) {
      if (!may_wait_with(named.child, rules)) continue;  // another holds its identifier
      out.decision = Decision::kReview;
      out.reason = "provisional_named";
      out.wait_with = named.child;
      // Perhaps a shielded child's: the one it waits with, or the one it
      // matches best.
      out.hold_shielded = out.hold_shielded || shielded ||
                          (!provisional_matches.empty() && provisional_matches.front().second);
      return finish();
    }
  }
  const NameEvidence provisional_names =
      provisional_matches.empty() ? NameEvidence{}
                                  : evidence_of(provisional_matches.front().first.child);
  const bool first_name_over_middle = !provisional_matches.empty() &&
                                      best_names.first_name_exactly && !provisional_names.held;
  // And whatever the scores, when the provisional child has a record with
  // the record's first and second names and the best child only records
  // whose second names disagree ("Hannah Rosemary" beside a provisional
  // "Hannah Rosemary" and the best child's "Hannah Alexa"): the scores weigh
  // the first name alone.
  const bool second_names_over_score = !provisional_matches.empty() &&
                                       provisional_names.named_fully &&
                                       best_names.second_names_disagree;
  if (!provisional_matches.empty() &&
      (provisional_matches.front().first.score > best.score || second_names_over_score) &&
      !first_name_over_middle) {
    const auto& [match, shielded] = provisional_matches.front();
    if (joinable() && match.score > best.score + options_.ambiguity_margin_bits) {
      out.decision = Decision::kLink;
      out.child = match.child;
      out.reason = "provisional_match";
      return finish();
    }
    out.decision = Decision::kReview;
    out.reason = "provisional_rival";
    out.hold_shielded = out.hold_shielded || shielded;  // perhaps a shielded child's
    return finish();
  }
  if (best_facts.shielded) {
    out.decision = Decision::kReview;
    out.reason = "shielded_candidate";
    return finish();
  }
  if (best_facts.register_holds_another) {
    out.decision = Decision::kReview;
    out.reason = "another_register_record";
    if (TwinSetting(best.vector)) out.twins_apart.push_back(best.child);
    return finish();
  }
  out.decision = Decision::kLink;
  out.reason = "match";
  return finish();
}

}  // namespace cp::matching

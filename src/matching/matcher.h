// The Matcher: decides which child an incoming feed record belongs to
// (DOMAIN.md section 4; issue 6 item 4). It asks the candidate index for the
// children worth scoring, scores each with the Fellegi-Sunter model, and
// decides:
//
//   link     the best child scores at or above the link threshold, no other
//            child comes close, and no cannot-link rule forbids it; or the
//            only child the record matches is a provisional one (its records
//            all in review), as a link would, with no rule against it and no
//            other provisional child close ("provisional_match": the record
//            joins that child and the question already asked about it); so
//            does a record that matches a provisional child better, by the
//            ambiguity margin, than the best child it would link to (it is
//            more like the records in review, perhaps that child's twin's,
//            than like that child); in both, only a provisional child the
//            record may wait with (below);
//   review   the best score lies between the thresholds, two children both
//            score as matches (ambiguous), the best child is provisional
//            (itself awaiting review) and not matched as a link would be, or
//            shielded, or rivalled by another, a provisional child matches
//            the record better than the best child but not clearly, or is
//            shielded, or is one the record may not wait with
//            ("provisional_rival"), the best child holds no record called
//            by the record's first name exactly (a variant, a middle name)
//            and a provisional child matching as a link would holds the
//            name itself ("provisional_named": the record waits with it),
//            the best child holds the record's first name only with second
//            names that disagree and the other eligible child its first and
//            second names ("second_names_elsewhere"),
//            a twin rule holds a high score
//            back where the given names are close (a typo or twins?), the
//            candidate list was capped, more candidates scored high than
//            the Matcher examines (MatchOptions::examined_candidates), or
//            the best child is shielded (a
//            possible duplicate of a shielded child is held shielded until a
//            person decides);
//   new      nothing scores as high as the review threshold, or the twin
//            rule forbids the link outright (same date of birth, family name
//            and address, but given names that clearly differ: a twin or a
//            sibling, never merged automatically), or every candidate child
//            holds a record with another NHS number and none with this
//            record's (two NHS numbers are two children), or a candidate's
//            record was born more than a month apart and carries another
//            pupil or learner number (a brother or sister at the same home,
//            perhaps called by the same or a middle name).
//
// Cannot-link rules are checked against every record of the chosen child,
// not only its best view: the caller passes the child's member records via
// ChildFacts. A record carrying an adoption event never reaches the Matcher
// (the caller always makes a new, unconnected child for it), and sealed
// pre-adoption records are in no index, so the two identities are never
// candidates for each other.
//
// A candidate whose records are read scores as the best of its best view and
// those records (one source may describe the child as another record of it
// does, while the best view holds another value).
//
// Scores are in bits (log2 Bayes factors); the thresholds are match
// probabilities under the model's prior, so they keep their meaning when the
// model is retrained. Pure given its inputs; thread-safe (const).
#ifndef CP_MATCHING_MATCHER_H_
#define CP_MATCHING_MATCHER_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/ids.h"
#include "index/candidate_index.h"
#include "linkage/comparator.h"
#include "linkage/model.h"

namespace cp::matching {

struct MatchOptions {
  double link_probability = 0.9999;   // link at or above
  double review_probability = 0.5;    // review at or above (below link)
  // A second child within this many bits of a linking best child makes the
  // decision ambiguous (review).
  double ambiguity_margin_bits = 10.0;
  index::CandidateOptions candidates;
  std::size_t reported_candidates = 3;  // kept in the outcome for review
  // At most this many candidates scoring at or above the review threshold
  // have their records read (ChildFacts) and checked. A record still
  // undecided after that many (each one set aside by a cannot-link rule, or
  // only one eligible) goes to review as "candidates_capped": a block of
  // look-alike children that large is no population's and may be hostile
  // input, and reading every cluster in it would make a load quadratic.
  std::size_t examined_candidates = 32;
};

// What the caller knows about a candidate child beyond its best view.
struct ChildFacts {
  bool shielded = false;
  // Every record of the child waits in review: a provisional child, made for
  // a doubtful record. It makes another record's match doubtful only by
  // matching that record better than the best child does; a record is
  // linked to it automatically only when it is the record's only match, or
  // matches it clearly better than the best child ("provisional_match"), and
  // is not perhaps the record's twin (MatchOutcome::wait_with).
  bool provisional = false;
  // The child's current source records, for cannot-link checks over the
  // whole cluster; empty means "check the best view only".
  std::vector<linkage::LinkageRecord> members;
  // The child already has a current record from the register of persons the
  // record comes from (a national source: births, child benefit, school
  // census, NHS demographics), under another key. A register holds one
  // record per child, so this record is another child (a twin the register
  // lists without an identifier ContactPoint sees) or a duplicate in the
  // register: never linked automatically unless the two share an
  // identifier (review, "another_register_record").
  bool register_holds_another = false;
};
using ChildFactsFn = std::function<ChildFacts(const domain::ContactPointId&)>;

enum class Decision { kLink, kReview, kNew };
std::string_view DecisionName(Decision decision);  // "link", "review", "new"

struct ScoredCandidate {
  domain::ContactPointId child;
  double score = 0;  // bits
  linkage::ComparisonVector vector;
};

struct MatchOutcome {
  Decision decision = Decision::kNew;
  // The child linked to (kLink) or proposed (kReview); absent for kNew.
  std::optional<domain::ContactPointId> child;
  // Why, as a stable code: "match", "provisional_match", "no_candidate", "below_review",
  // "between_thresholds", "ambiguous", "twin_rule", "twin_rule_close_names",
  // "other_nhs_number" (every candidate above the review threshold holds a
  // record with another NHS number and none with this record's),
  // "candidates_capped" (the index capped the candidate list, or more
  // candidates scored high than MatchOptions::examined_candidates),
  // "shielded_candidate", "provisional_candidate", "provisional_rival" (a
  // provisional child matches better than the best child), "provisional_named"
  // (the best child holds no record called exactly by the record's first
  // name, a provisional child the name itself), "second_names_elsewhere" (the
  // best child holds the first name only with second names that disagree,
  // the other eligible child the first and second names), "another_register_record"
  // (ChildFacts::register_holds_another).
  std::string reason;
  std::vector<ScoredCandidate> best;  // best first, at most reported_candidates
  bool hold_shielded = false;         // a new or reviewed record to keep shielded
  // kReview only: a provisional child (its records all in review) that this
  // record matches as a link would, no cannot-link rule against it. The
  // record waits in review on that child, with the records it is the same
  // child as, rather than on a child of its own: one question, not several.
  // Not a child that may be the record's twin: not one whose records with
  // the record's first name all have second names that disagree; when a
  // provisional child holds the record's identifier, only such a one; when
  // a child examined is called by the record's first name exactly, or twins
  // are at hand (a child set apart from the record as a twin, or two
  // children born together at its home under first names that are not one
  // name), only one called by it exactly or holding all its names. Otherwise
  // the record waits alone.
  std::optional<domain::ContactPointId> wait_with;
  // Children the record may be the twin of: in the twin rule's setting
  // with it (same date of birth and family name, living together, no
  // identifier in common) and set apart by a cannot-link rule or by another
  // NHS number, or the child proposed when the reason is
  // "twin_rule_close_names" or "another_register_record". Such a household
  // holds two children born together (see RegisterTwins).
  std::vector<domain::ContactPointId> twins_apart;
};

// The twin and sibling rule between two descriptions of children: same date
// of birth and family name, living together (same address, postcode unit, or
// a carer in common), no identifier in common, and given names that are not
// the same name (exact or nickname). kClear when it does not apply,
// kCloseNames when the given names are close (Jaro-Winkler or phonetic: a
// typo, or twins with similar names), kDifferentNames otherwise. The Matcher
// treats kCloseNames as clear (a typing error in the first name, not a twin)
// when
//   - a later given name (a middle name) is the same in both records; or
//   - the first given names are one keystroke apart (Damerau-Levenshtein
//     distance 1), one of them is no registered name (linkage/known_names.h:
//     "Jonh" beside "John"; twins are given real names) and the genders do
//     not disagree; or
//   - the close name is one member record's, and the best view or another
//     member of the same child carries the record's given name (exact or a
//     nickname): the child's own records already hold both spellings.
// Two registered names a keystroke apart ("Ella", "Emma") stay a twin case.
// Variants of one name (not exact) born more than a month apart (not a typing
// error of the date) at one home with no identifier in common ("Rose" and
// her younger sister "Rosie") are a question too.
// First names a keystroke apart are close names even when Jaro-Winkler rates
// them as different (short names: "Orla", "Orlq"). The Matcher also asks
// (kCloseNames) about variants of one first name (not the same name: a
// hyphenated "Daisy-Mae" reads as "Daisy" with a second name "Mae") where
// both records carry later given names and none agrees (the same name,
// variants, the same sound, a keystroke apart or an initial; a later name
// that is either record's first name, "William Bill", is left out): "Ben
// Jesse Lewis" beside "Benjamin Luke". That the child's other records carry
// the first name does not answer it; that one carries the first and a
// second name does.
enum class TwinRule { kClear, kCloseNames, kDifferentNames };
TwinRule CheckTwinRule(const linkage::ComparisonVector& vector);

// The sibling rule: given names that disagree outright (not the same name, a
// nickname, a typo, a sound-alike or an initial), with no identifier in
// common, describe two different children however much else agrees.
// Siblings and twins share a family name, an address, carers and phone
// numbers, and those fields are not independent evidence: together they can
// outweigh everything else in the model (a sibling born months later, or a
// twin whose record has a typo in the date or the family name, would link).
// kDifferentNames when the rule applies, kClear otherwise.
TwinRule CheckSiblingRule(const linkage::ComparisonVector& vector);

// The cannot-link rules together (twin, then sibling): the stronger verdict.
TwinRule CheckCannotLink(const linkage::ComparisonVector& vector);

// The members of one child (its current records, as linkage records) held
// to it only through a middle name: no other member's first given name
// matches theirs (the same name or a nickname of it) nor holds the same
// given names in another order, they share no
// identifier (NHS number, UPN, ULN) with another member, and their first
// name is another member's later given name, or the reverse ("Caspar Jack"
// beside "Jack"). A child called by a middle name looks like that; so does
// one twin's record joined to the other twin's, when twins are given each
// other's names. Indexes into `members`, in order; none when fewer than two
// members.
std::vector<std::size_t> OddFirstNames(const linkage::Comparator& comparator,
                                       const std::vector<linkage::LinkageRecord>& members);

// The members of one child held to it only through a variant of their first
// name ("Isabella" beside "Isabelle"; "Jack" beside "John"): no other member
// has the same first name, the same given names in another order or a later
// given name in common with them, none shares an identifier with them, and
// another member's first name is a variant of theirs. Indexes into
// `members`, in order; none when fewer than two members.
std::vector<std::size_t> VariantFirstNames(const linkage::Comparator& comparator,
                                           const std::vector<linkage::LinkageRecord>& members);

// A record that a twin rule set apart from a child, or asked about as its
// twin, may show that a member held to the child only through a middle name
// (OddFirstNames) is the other twin's:
//   - the record is called what the child's other records call it (the same
//     first name, a nickname of it, a keystroke away, or the same given
//     names in another order) and comes from a
//     national register (one record per child) that the member comes from
//     too: the register lists two children there, and the member is the
//     other one; or
//   - the record is called what the member is called (the same first name or
//     a nickname of it) and nothing the child's other records call it: the
//     member is the record's child, not this one;
// and that a member held only through a variant of its first name
// (VariantFirstNames) is: when the record comes from the member's national
// register and has exactly the first name another member has ("Isabelle"
// from child benefit, where the child is the census's "Isabelle" and child
// benefit's "Isabella"); or when the record, of any source, has exactly the
// member's first name and no later given name that disagrees with the
// member's ("Jack Harry" from the birth register, where the child is the
// census's "John" and child benefit's "Jack");
// and that, when the record comes from a national register that lists a
// movable member under another first name and is called exactly what a
// member that is not movable is called ("Ellie" from child benefit, where
// the child is CAMHS's "Ellie" and child benefit's "Ella Tiana"), the
// register lists two children there: that member and every movable member
// called exactly as it is are the twin's, unless one shares an identifier
// with the record or with such a member, or a second name or all its names
// with such a member, and none when a member that is not movable is called
// by that other name too; so too, when that member has the record's first
// name but second names that disagree with it and the member that is not
// movable has all the record's names, two or more ("Olivia-Rose Eva" from
// child benefit, where the child is the census's "Olivia-Rose Eva" and
// child benefit's "Olivia Daisy"), for the members with that member's
// names;
// and that, when a member that is not movable (it made the child, or a
// person decided it) has the record's given names, two or more, in another
// order ("Hannah Alexa" beside the record's "Alexa Hannah"), the child is
// the record's child and the members that reordered first name drew in are
// the twin's: every movable member with a given name the record lacks
// ("Hannah Rosemary") or not called by the record's first name ("Hannah"),
// names agreeing as variants, a keystroke or an initial, unless it shares an
// identifier with the record or with that member.
// Returns the indexes of such members among those `movable` (the caller's
// choice: a member that made the child, or that a person decided, defines
// the child and never moves); `same_register[i]` says whether members[i]
// comes from the record's register (false for a local source).
std::vector<std::size_t> RegisterTwins(const linkage::Comparator& comparator,
                                       const linkage::LinkageRecord& record,
                                       const std::vector<linkage::LinkageRecord>& members,
                                       const std::vector<bool>& same_register,
                                       const std::vector<bool>& movable);

class Matcher {
 public:
  // Borrows everything; they must outlive the Matcher.
  Matcher(const index::CandidateIndex& index, const linkage::Comparator& comparator,
          const linkage::Model& model, MatchOptions options = {});

  MatchOutcome Match(const linkage::LinkageRecord& record, const ChildFactsFn& facts) const;

  // The scores at which the thresholds lie, in bits.
  double link_score() const { return link_score_; }
  double review_score() const { return review_score_; }

 private:
  const index::CandidateIndex& index_;
  const linkage::Comparator& comparator_;
  const linkage::Model& model_;
  MatchOptions options_;
  double link_score_ = 0;
  double review_score_ = 0;
};

}  // namespace cp::matching

#endif  // CP_MATCHING_MATCHER_H_

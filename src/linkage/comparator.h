// The comparator: two LinkageRecords in, one ComparisonVector out.
//
// This is the per-pair hot path of matching and search. It does no
// allocation and no normalisation: identifiers, dates, gender and postcodes
// are integer comparisons, done first; names try equality and precomputed
// group and phonetic keys before the Jaro-Winkler comparator. Level rules
// are documented on the level enums in comparison.h.
#ifndef CP_LINKAGE_COMPARATOR_H_
#define CP_LINKAGE_COMPARATOR_H_

#include "linkage/comparison.h"
#include "linkage/record.h"

namespace cp::linkage {

struct ComparatorOptions {
  // Given and family names at or above this Jaro-Winkler similarity (and not
  // at a stronger level) agree at the jaro_winkler level.
  double name_jaro_winkler = 0.92;
  // Address word sets at or above this Jaccard index are "similar".
  double address_jaccard = 0.5;
  // Dates of birth at most this many days apart are "within_month".
  int within_month_days = 31;
};

// Immutable after construction; thread-safe. A value type, cheap to copy.
class Comparator {
 public:
  Comparator() = default;
  explicit Comparator(const ComparatorOptions& options) : options_(options) {}

  ComparisonVector Compare(const LinkageRecord& a, const LinkageRecord& b) const;

  // The single-field comparisons, for search queries and tests.
  GivenNameLevel CompareGivenNames(const std::vector<NameToken>& a,
                                   const std::vector<NameToken>& b) const;
  FamilyNameLevel CompareFamilyNames(const FamilyName& a, const FamilyName& b) const;
  DateOfBirthLevel CompareDatesOfBirth(const LinkageRecord& a, const LinkageRecord& b) const;

 private:
  ComparatorOptions options_;
};

}  // namespace cp::linkage

#endif  // CP_LINKAGE_COMPARATOR_H_

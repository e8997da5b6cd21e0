// LinkageRecord: the compact, pre-computed form of a child that the
// comparator works on, and the builder that derives it from domain::Child.
//
// Everything expensive is done once here, not per comparison: ICU
// normalisation, NYSIIS keys, nickname groups, family-name keys, postcode
// parts packed into integers, identifiers and phones packed or hashed,
// address words hashed. The candidate index (next round) will keep these
// in its own contiguous layout; this struct is the reference form.
//
// A LinkageRecord holds personal data derived from the child (normalised
// names). It has no streaming operator and must never be logged.
#ifndef CP_LINKAGE_RECORD_H_
#define CP_LINKAGE_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/model.h"
#include "linkage/known_names.h"
#include "linkage/name_variants.h"
#include "linkage/normalise.h"

namespace cp::linkage {

// One normalised given-name token with its precomputed keys.
struct NameToken {
  std::string text;      // "robert"
  std::string phonetic;  // NYSIIS, "RABAD"
  GroupIds groups;       // nickname groups
  // A name registered for babies in England and Wales (known_names.h); false
  // for a typing error such as "jonh", and when the builder has no list.
  bool known = false;
  friend bool operator==(const NameToken&, const NameToken&) = default;
};

struct FamilyName {
  FamilyNameKeys keys;   // full, core, parts
  std::string phonetic;  // NYSIIS of keys.core
  GroupIds groups;       // surname variant groups of full (else of core)
  friend bool operator==(const FamilyName&, const FamilyName&) = default;
};

// Hashes of one name for cross-name comparison (aliases, carers): 0 = none.
struct NameHashes {
  std::uint64_t full = 0;    // first given name + family core
  std::uint64_t family = 0;  // family core
};

struct LinkageRecord {
  std::vector<NameToken> given_names;  // in order; [0] is the first given name
  FamilyName family_name;
  NameHashes primary_name;              // of given_names[0] + family_name
  std::vector<NameHashes> other_names;  // aliases and former names
  std::uint32_t date_of_birth = 0;      // YYYYMMDD, 0 = missing
  std::int32_t date_of_birth_days = 0;  // days since 1970-01-01
  domain::Gender gender = domain::Gender::kUnknown;
  std::uint64_t postcode_unit = 0;           // packed ASCII "LS1 4AB", 0 = missing
  std::uint64_t postcode_sector = 0;         // "LS1 4"
  std::uint64_t postcode_district = 0;       // "LS1"
  std::vector<std::uint32_t> address_words;  // sorted, unique hashes
  std::vector<NameHashes> carer_names;
  std::vector<std::uint64_t> carer_phones;  // sorted, unique, digits packed
  std::uint64_t nhs_number = 0;             // numeric value + 1, 0 = missing
  std::uint64_t upn = 0;                    // hash, 0 = missing
  std::uint64_t uln = 0;                    // numeric value + 1, 0 = missing
  float given_name_frequency = 0;           // of given_names[0], 0 = unknown
  float family_name_frequency = 0;          // of family_name.keys.full
};

// How often each normalised name occurs in the population (a share in
// (0, 1]), for term-frequency adjustment. Immutable once built; the owner
// (the index, which counts the names it holds) shares it by const reference;
// thread-safe for concurrent reads.
class TermFrequencies {
 public:
  // From counts per normalised name; shares are count / total.
  static TermFrequencies FromCounts(const std::unordered_map<std::string, std::uint64_t>& counts);
  // From relative weights per normalised name (any positive scale; those
  // not above 0 are left out); shares are weight / total.
  static TermFrequencies FromWeights(const std::unordered_map<std::string, double>& weights);
  // 0 when the name is not known.
  float Frequency(std::string_view normalised_name) const;
  std::size_t size() const { return shares_.size(); }

 private:
  std::unordered_map<std::string, float> shares_;
};

// Digits of a UK phone number packed into an integer, "+44" turned into a
// leading 0, so "+44 113 496 0000" and "0113 496 0000" agree. 0 when there
// are no digits or more than 15.
std::uint64_t PackPhone(std::string_view phone);

// Derives LinkageRecords. Borrows everything it is given (they must outlive
// it); immutable after construction, so thread-safe for concurrent Build
// calls (NameNormaliser is thread-safe).
//
// Names repeat (a feed's children, their carers and the candidates' records
// share a few thousand given and family names), so each thread keeps what
// GivenNames and Family gave for the last names it asked this builder about
// (up to kNameMemoLimit of each, then it starts again) and gives the same
// again: a pure function of the name, so a Build is the same with or without
// it. The memo holds normalised names, as the candidate index does: personal
// data in memory only, never logged; it goes with its thread.
class RecordBuilder {
 public:
  RecordBuilder(const NameNormaliser& normaliser, const NameEquivalence& given_variants,
                const NameEquivalence& family_variants,
                const TermFrequencies* given_frequencies = nullptr,
                const TermFrequencies* family_frequencies = nullptr,
                const KnownNames* known_given_names = nullptr);

  LinkageRecord Build(const domain::Child& child) const;

  // The parts, for callers holding only a name (search queries) and tests.
  std::vector<NameToken> GivenNames(std::string_view given_names) const;
  FamilyName Family(std::string_view family_name) const;

  // Names each thread's memo keeps of each kind before it starts again.
  static constexpr std::size_t kNameMemoLimit = 1 << 15;

 private:
  std::vector<NameToken> ComputeGivenNames(std::string_view given_names) const;
  FamilyName ComputeFamily(std::string_view family_name) const;

  // Tells one builder's memo entries from another's (a builder destroyed
  // and another made at the same address must not see them).
  std::uint64_t id_;
  const NameNormaliser& normaliser_;
  const NameEquivalence& given_variants_;
  const NameEquivalence& family_variants_;
  const TermFrequencies* given_frequencies_;
  const TermFrequencies* family_frequencies_;
  const KnownNames* known_given_names_;
};

}  // namespace cp::linkage

#endif  // CP_LINKAGE_RECORD_H_

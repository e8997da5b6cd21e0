// The true population of Synthetic England: households, the children in them
// and what happened to them. Sources (sources.h) later report these facts,
// each in its own imperfect way; people.csv records them as they are.
//
// PopulationGenerator builds one household at a time, so a run of any size
// holds only the current household in memory (plus the school list, which
// grows with the population: about one school per 200 children). Every
// household draws from its own generator seeded by (seed, household number),
// and identity numbers come from counters in household order, so the same
// seed and arguments always give the same population.
#ifndef CP_SYNTH_POPULATION_H_
#define CP_SYNTH_POPULATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.h"
#include "synth/rates.h"
#include "synth/reference_data.h"

namespace cp::synth {

// A home: a synthetic street address in a real postcode sector.
struct Place {
  std::uint32_t sector = 0;  // index into ReferenceData::sectors()
  std::string line1;         // "12 Church Road"
  std::string postcode;      // "LS1 4AB", a valid shape in a real sector
};

struct Adult {
  std::string given;
  std::string family;
  std::string phone;                 // an Ofcom drama number, never a real line
  std::optional<std::string> email;  // at example.com (RFC 2606)
};

// A synthetic school with a URN, in one local authority.
struct School {
  int urn = 0;
  std::string name;
  std::uint32_t la = 0;
  bool secondary = false;
  Place address;
  std::string phone;
};

enum class Education {
  kNotSchoolAge,  // under 4 on 31 August, or 18
  kStateSchool,   // on the school census
  kIndependent,
  kHomeEducated,
  kMissing,      // children missing education: no setting at all
  kPost16Other,  // 16-17, in college, training or work
};

// An involvement with a local service (social care, youth offending, health
// visiting, CAMHS, voluntary organisation) in one local authority.
struct LocalCase {
  SourceKind source = SourceKind::kSocialCare;
  std::uint32_t la = 0;
  domain::Date start;
  std::optional<domain::Date> end;
  bool at_previous_address = false;  // the case is in the area the family left
  bool pre_adoption = false;         // about the child's pre-adoption identity
  bool looked_after = false;
  bool protection_plan = false;
  bool lead = false;
  bool caf = false;
  bool family_support = false;  // voluntary: recorded as family_support
  enum class Consent { kNone, kChild, kParent, kOverride } consent = Consent::kNone;
  Adult practitioner;
};

struct Adoption {
  domain::Date date;
  std::vector<std::string> birth_given;
  std::string birth_family;
  std::string birth_nhs_number;
  Place birth_home;
  Adult birth_mother;
};

struct Person {
  std::uint64_t index = 0;      // person_id = index + 1
  std::uint64_t maternity = 0;  // shared by twins and triplets
  int babies_in_maternity = 1;
  std::vector<std::string> given;  // first name then middle names
  std::string family;
  domain::Gender sex = domain::Gender::kFemale;
  domain::Date dob;
  std::string nhs_number;
  std::string upn;  // empty unless ever on the school census
  std::string uln;  // empty unless 14+ on the school census
  bool born_abroad = false;
  Education education = Education::kNotSchoolAge;
  std::optional<std::uint32_t> school;  // index into PopulationGenerator::schools()
  std::optional<domain::Date> school_start;
  std::optional<std::uint32_t> gp;  // index into ReferenceData::practices()
  std::optional<domain::Date> gp_start;
  std::optional<domain::Date> died;
  std::optional<domain::Date> emigrated;
  std::optional<Adoption> adoption;
  std::optional<std::string> former_family;  // before a change of name
  std::optional<domain::Date> name_changed;
  bool child_benefit = false;
  std::vector<LocalCase> cases;
};

struct Household {
  std::uint64_t index = 0;  // household_id = index + 1
  Place home;
  std::optional<Place> previous;  // home before a recent move
  std::optional<domain::Date> moved_on;
  bool moved_la = false;
  Adult mother;
  std::optional<Adult> father;  // registered father (joint registration)
  bool father_at_home = false;
  bool married = false;
  std::optional<std::string> alias_family;  // DOMAIN.md section 10 case 3
  std::vector<Person> children;
};

// Builds households one after another. Owns the school list; borrows the
// reference data and rates, which must outlive it. Not thread-safe.
class PopulationGenerator {
 public:
  PopulationGenerator(const ReferenceData& data, const Rates& rates, std::uint64_t seed,
                      domain::Date as_of, std::uint64_t total_children);

  // The next household, holding between 1 and `max_children` children.
  Household Next(std::uint64_t max_children);

  const std::vector<School>& schools() const { return schools_; }
  const ReferenceData& data() const { return data_; }
  const Rates& rates() const { return rates_; }
  domain::Date as_of() const { return as_of_; }

  // A new synthetic place in sector `sector` (used for schools too).
  Place MakePlace(std::uint32_t sector, core::SeededRandom& random) const;
  Adult MakeAdult(bool female, int birth_year, core::SeededRandom& random,
                  const std::string* family = nullptr) const;

 private:
  void BuildSchools(std::uint64_t total_children);
  std::uint32_t SampleSector(core::SeededRandom& random) const;
  std::uint32_t SampleSectorIn(std::uint32_t la, core::SeededRandom& random) const;
  domain::Date SampleBirthDate(core::SeededRandom& random) const;
  std::string SampleGiven(bool female, int year, const std::vector<std::string>& avoid,
                          core::SeededRandom& random) const;
  void AssignEducation(Household& household, core::SeededRandom& random);
  void AssignGp(Household& household, core::SeededRandom& random) const;
  void AssignEvents(Household& household, core::SeededRandom& random);
  void AssignCases(Household& household, Person& child, core::SeededRandom& random) const;

  const ReferenceData& data_;
  const Rates& rates_;
  std::uint64_t seed_;
  domain::Date as_of_;
  std::chrono::sys_days as_of_days_;
  std::chrono::sys_days earliest_dob_;
  WeightedIndex birth_years_;  // index i -> year earliest_year_ + i
  int earliest_year_ = 0;
  std::vector<School> schools_;
  std::vector<std::vector<std::uint32_t>> primary_by_la_;
  std::vector<std::vector<std::uint32_t>> secondary_by_la_;
  std::uint64_t next_household_ = 0;
  std::uint64_t next_person_ = 0;
  std::uint64_t next_nhs_ = 0;
  std::uint64_t next_upn_ = 0;
  std::uint64_t next_uln_ = 0;
};

// Age in whole years on `on`.
int AgeOn(domain::Date dob, domain::Date on);
// Age on the 31 August before `on` (the school year group's age).
int AcademicAge(domain::Date dob, domain::Date on);
domain::Date AddDays(domain::Date date, long long days);
// The letters of `name`, lower-cased, for a synthetic e-mail address.
std::string EmailLocalPart(std::string_view name);
long long DaysBetween(domain::Date from, domain::Date to);

}  // namespace cp::synth

#endif  // CP_SYNTH_POPULATION_H_

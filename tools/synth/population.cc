#include "synth/population.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "synth/identifiers.h"

namespace cp::synth {
namespace {

using std::chrono::sys_days;

constexpr std::array<std::string_view, 32> kStreetStems = {
    "Church", "Station", "Victoria", "Park",    "Mill",        "High",   "Green", "Manor",
    "Queens", "Kings",   "School",   "Grange",  "Springfield", "Chapel", "North", "West",
    "Albert", "New",     "Orchard",  "Windsor", "York",        "Beech",  "Elm",   "Oak",
    "Cedar",  "Willow",  "Meadow",   "Brook",   "Holly",       "Ash",    "Rose",  "Hawthorn"};
constexpr std::array<std::string_view, 12> kStreetKinds = {
    "Road", "Street",  "Lane",     "Avenue", "Close", "Drive",
    "Way",  "Gardens", "Crescent", "Grove",  "Place", "Terrace"};
constexpr std::array<std::string_view, 24> kSchoolStems = {
    "St Mary's", "Oakfield",  "Riverside",  "Hillside",     "Meadowbank", "Parkside",
    "Westfield", "Greenway",  "Brookside",  "Holy Trinity", "St John's",  "Victoria",
    "Kingsway",  "Highfield", "Woodlands",  "Fairfield",    "Millbrook",  "Ashgrove",
    "Beechwood", "Churchill", "St Peter's", "Springfield",  "Orchard",    "Northgate"};
// Letters a postcode's unit (last two characters) may use.
constexpr std::string_view kUnitLetters = "ABDEFGHJLNPQRSTUWXYZ";
// Ofcom's drama ranges: numbers reserved for fiction, never allocated.
constexpr std::array<std::string_view, 10> kLandlines = {
    "0113 496 0", "0114 496 0", "0115 496 0", "0116 496 0", "0117 496 0",
    "0118 496 0", "0121 496 0", "0151 496 0", "0161 496 0", "020 7946 0"};

std::string Pick(auto const& list, core::SeededRandom& random) {
  return std::string(list[random.Uniform(list.size())]);
}

}  // namespace

std::string EmailLocalPart(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out.empty() ? "parent" : out;
}

domain::Date AddDays(domain::Date date, long long days) {
  return domain::Date{sys_days(date) + std::chrono::days(days)};
}

long long DaysBetween(domain::Date from, domain::Date to) {
  return (sys_days(to) - sys_days(from)).count();
}

int AgeOn(domain::Date dob, domain::Date on) {
  int age = static_cast<int>(on.year()) - static_cast<int>(dob.year());
  if (std::chrono::month_day(on.month(), on.day()) <
      std::chrono::month_day(dob.month(), dob.day())) {
    --age;
  }
  return age;
}

int AcademicAge(domain::Date dob, domain::Date on) {
  const int year = static_cast<int>(on.year()) - (on.month() >= std::chrono::September ? 0 : 1);
  const domain::Date august31{std::chrono::year{year}, std::chrono::August, std::chrono::day{31}};
  return AgeOn(dob, august31);
}

PopulationGenerator::PopulationGenerator(const ReferenceData& data, const Rates& rates,
                                         std::uint64_t seed, domain::Date as_of,
                                         std::uint64_t total_children)
    : data_(data), rates_(rates), seed_(seed), as_of_(as_of), as_of_days_(sys_days(as_of)) {
  // Births from the day after the 18th birthday window opens up to as-of.
  const domain::Date eighteen{
      as_of.year() - std::chrono::years(18), as_of.month(),
      as_of.month() == std::chrono::February && as_of.day() == std::chrono::day{29}
          ? std::chrono::day{28}
          : as_of.day()};
  earliest_dob_ =
      sys_days(eighteen) - std::chrono::days(rates.aged_out_window_days) + std::chrono::days(1);
  earliest_year_ = static_cast<int>(domain::Date(earliest_dob_).year());
  for (int year = earliest_year_; year <= static_cast<int>(as_of.year()); ++year) {
    const sys_days first = std::max(
        earliest_dob_,
        sys_days(domain::Date{std::chrono::year{year}, std::chrono::January, std::chrono::day{1}}));
    const sys_days last =
        std::min(as_of_days_, sys_days(domain::Date{std::chrono::year{year}, std::chrono::December,
                                                    std::chrono::day{31}}));
    const double covered = static_cast<double>((last - first).count() + 1);
    birth_years_.Add(data.BirthWeight(year) * std::max(covered, 0.0) / 365.25);
  }
  BuildSchools(total_children);
}

void PopulationGenerator::BuildSchools(std::uint64_t total_children) {
  const auto& las = data_.authorities();
  primary_by_la_.resize(las.size());
  secondary_by_la_.resize(las.size());
  const double total_weight = data_.authority_weights().total();
  int urn = 100000;
  for (std::uint32_t la = 0; la < las.size(); ++la) {
    core::SeededRandom random(MixSeed(seed_, 0x5c4001 + la));
    const double children = static_cast<double>(total_children) * las[la].weight / total_weight;
    // Primary: 7 year groups of 18; secondary: 5 plus a share of sixth form.
    const double primary = children * 7.0 / 18.0;
    const double secondary = children * (5.0 + 2.0 * rates_.school_sixth_form) / 18.0;
    const int n_primary = std::max(1, static_cast<int>(std::ceil(primary / 250.0)));
    const int n_secondary = std::max(1, static_cast<int>(std::ceil(secondary / 950.0)));
    for (int i = 0; i < n_primary + n_secondary; ++i) {
      School school;
      school.secondary = i >= n_primary;
      school.la = la;
      school.urn = urn++;
      const std::uint32_t sector = SampleSectorIn(la, random);
      school.address = MakePlace(sector, random);
      const std::string stem = Pick(kSchoolStems, random);
      if (school.secondary) {
        static constexpr std::array<std::string_view, 3> kKinds = {" Academy", " High School",
                                                                   " School"};
        school.name = stem + Pick(kKinds, random);
      } else {
        static constexpr std::array<std::string_view, 3> kKinds = {
            " Primary School", " Infant and Junior School", " Church of England Primary School"};
        school.name = stem + Pick(kKinds, random);
      }
      school.name += ", " + data_.sectors()[sector].town;
      school.phone = Pick(kLandlines, random) + ZeroPadded(random.Uniform(1000), 3);
      (school.secondary ? secondary_by_la_ : primary_by_la_)[la].push_back(
          static_cast<std::uint32_t>(schools_.size()));
      schools_.push_back(std::move(school));
    }
  }
}

std::uint32_t PopulationGenerator::SampleSector(core::SeededRandom& random) const {
  const auto la = static_cast<std::uint32_t>(data_.authority_weights().Sample(random));
  return SampleSectorIn(la, random);
}

std::uint32_t PopulationGenerator::SampleSectorIn(std::uint32_t la,
                                                  core::SeededRandom& random) const {
  const LocalAuthority& authority = data_.authorities()[la];
  return authority.sectors[authority.sector_weights.Sample(random)];
}

Place PopulationGenerator::MakePlace(std::uint32_t sector, core::SeededRandom& random) const {
  Place place;
  place.sector = sector;
  place.line1 = std::to_string(1 + random.Uniform(random.Uniform(4) == 0 ? 250 : 80)) + " " +
                Pick(kStreetStems, random) + " " + Pick(kStreetKinds, random);
  place.postcode = data_.sectors()[sector].sector;
  place.postcode += kUnitLetters[random.Uniform(kUnitLetters.size())];
  place.postcode += kUnitLetters[random.Uniform(kUnitLetters.size())];
  return place;
}

Adult PopulationGenerator::MakeAdult(bool female, int birth_year, core::SeededRandom& random,
                                     const std::string* family) const {
  Adult adult;
  const NameTable& names = data_.FirstNames(female, birth_year);
  adult.given = names.names[names.weights.Sample(random)];
  adult.family =
      family != nullptr ? *family : data_.surnames().names[data_.surnames().weights.Sample(random)];
  adult.phone = "07700 900" + ZeroPadded(random.Uniform(1000), 3);
  if (Chance(random, 0.3)) {
    adult.email = EmailLocalPart(adult.given) + "." + EmailLocalPart(adult.family) +
                  std::to_string(random.Uniform(100)) + "@example.com";
  }
  return adult;
}

domain::Date PopulationGenerator::SampleBirthDate(core::SeededRandom& random) const {
  for (;;) {
    const int year = earliest_year_ + static_cast<int>(birth_years_.Sample(random));
    const sys_days jan1 =
        sys_days(domain::Date{std::chrono::year{year}, std::chrono::January, std::chrono::day{1}});
    const bool leap = std::chrono::year{year}.is_leap();
    const sys_days day = jan1 + std::chrono::days(random.Uniform(leap ? 366 : 365));
    if (day >= earliest_dob_ && day <= as_of_days_) return domain::Date(day);
  }
}

std::string PopulationGenerator::SampleGiven(bool female, int year,
                                             const std::vector<std::string>& avoid,
                                             core::SeededRandom& random) const {
  const NameTable& names = data_.FirstNames(female, year);
  std::string name;
  for (int attempt = 0; attempt < 20; ++attempt) {
    name = names.names[names.weights.Sample(random)];
    if (std::find(avoid.begin(), avoid.end(), name) == avoid.end()) break;
  }
  return name;
}

Household PopulationGenerator::Next(std::uint64_t max_children) {
  Household h;
  h.index = next_household_++;
  core::SeededRandom random(MixSeed(seed_, h.index));
  const int as_of_year = static_cast<int>(as_of_.year());

  h.home = MakePlace(SampleSector(random), random);

  // Parents and the family name the children carry.
  const int parent_year = as_of_year - 30 - static_cast<int>(random.Uniform(12));
  const std::string father_family = data_.surnames().names[data_.surnames().weights.Sample(random)];
  h.mother = MakeAdult(true, parent_year, random);
  const std::string mother_birth_family = h.mother.family;
  std::string child_family = father_family;
  h.married = Chance(random, rates_.within_marriage);
  const bool sole =
      !h.married && Chance(random, rates_.sole_registration / (1.0 - rates_.within_marriage));
  if (h.married) {
    h.mother.family = father_family;
  } else if (sole) {
    child_family = mother_birth_family;
  } else {
    const double u = UniformReal(random);
    if (u < rates_.mothers_surname) {
      child_family = mother_birth_family;
    } else if (u < rates_.mothers_surname + rates_.hyphenated_surname &&
               father_family != mother_birth_family) {
      child_family = father_family + "-" + mother_birth_family;
    }
  }
  if (!sole) {
    h.father =
        MakeAdult(false, parent_year - static_cast<int>(random.Uniform(4)), random, &father_family);
    // About a quarter of families with dependent children are lone-parent
    // families (ONS); sole registrations are part of that quarter.
    h.father_at_home = !Chance(random, 0.2);
  }

  // Recent move.
  if (Chance(random, rates_.moved_recently)) {
    h.moved_on = AddDays(as_of_, -1 - static_cast<long long>(random.Uniform(730)));
    h.moved_la = Chance(random, rates_.moved_across_la);
    const std::uint32_t home_la = data_.sectors()[h.home.sector].la;
    std::uint32_t sector = h.home.sector;
    for (int attempt = 0; attempt < 20; ++attempt) {
      sector = h.moved_la ? SampleSector(random) : SampleSectorIn(home_la, random);
      const bool other_la = data_.sectors()[sector].la != home_la;
      if (other_la == h.moved_la) break;
    }
    h.previous = MakePlace(sector, random);
    h.moved_la = data_.sectors()[sector].la != home_la;
  }
  if (Chance(random, rates_.multi_name_parent)) {
    h.alias_family = mother_birth_family != child_family
                         ? mother_birth_family
                         : data_.surnames().names[data_.surnames().weights.Sample(random)];
    if (*h.alias_family == child_family) h.alias_family.reset();
  }

  // Children: maternities at least ~10 months apart.
  const auto& sizes = rates_.family_size;
  WeightedIndex size_index;
  for (double w : sizes) size_index.Add(w);
  const int maternities = 1 + static_cast<int>(size_index.Sample(random));
  std::vector<domain::Date> dates;
  for (int m = 0; m < maternities && h.children.size() < max_children; ++m) {
    domain::Date dob;
    bool placed = false;
    for (int attempt = 0; attempt < 20 && !placed; ++attempt) {
      dob = SampleBirthDate(random);
      placed = std::all_of(dates.begin(), dates.end(),
                           [&](domain::Date d) { return std::abs(DaysBetween(d, dob)) >= 300; });
    }
    if (!placed) continue;
    dates.push_back(dob);
    int babies = 1;
    if (Chance(random, rates_.multiple_maternity)) {
      babies = Chance(random, rates_.triplets_of_multiples) ? 3 : 2;
    }
    babies = static_cast<int>(std::min<std::uint64_t>(babies, max_children - h.children.size()));
    const std::uint64_t maternity = MixSeed(h.index, static_cast<std::uint64_t>(m)) >> 1;
    const bool born_abroad = Chance(random, rates_.born_abroad);
    const bool same_sex = Chance(random, rates_.same_sex_twins);
    // ONS: about 105 boys are born for every 100 girls.
    const bool first_female = !Chance(random, 105.0 / 205.0);
    std::vector<std::string> taken;
    for (const Person& sibling : h.children) taken.push_back(sibling.given.front());
    for (int b = 0; b < babies; ++b) {
      Person p;
      p.index = next_person_++;
      p.maternity = maternity;
      p.babies_in_maternity = babies;
      const bool female = (b == 0 || same_sex) ? first_female : !Chance(random, 105.0 / 205.0);
      p.sex = female ? domain::Gender::kFemale : domain::Gender::kMale;
      p.dob = dob;
      const int year = static_cast<int>(dob.year());
      p.given.push_back(SampleGiven(female, year, taken, random));
      taken.push_back(p.given.front());
      if (Chance(random, rates_.middle_name)) {
        p.given.push_back(SampleGiven(female, year, p.given, random));
        if (Chance(random, rates_.third_name))
          p.given.push_back(SampleGiven(female, year, p.given, random));
      }
      p.family = child_family;
      p.born_abroad = born_abroad;
      p.nhs_number = SyntheticNhsNumber(next_nhs_++);
      h.children.push_back(std::move(p));
    }
  }
  if (h.children.empty()) {  // every maternity collided: one child keeps the household
    Person p;
    p.index = next_person_++;
    p.maternity = MixSeed(h.index, 99) >> 1;
    p.dob = SampleBirthDate(random);
    p.sex = Chance(random, 0.5) ? domain::Gender::kFemale : domain::Gender::kMale;
    p.given.push_back(
        SampleGiven(p.sex == domain::Gender::kFemale, static_cast<int>(p.dob.year()), {}, random));
    p.family = child_family;
    p.nhs_number = SyntheticNhsNumber(next_nhs_++);
    h.children.push_back(std::move(p));
  }
  // A move "since birth" only makes sense after the eldest was born.
  if (h.moved_on) {
    domain::Date eldest = h.children.front().dob;
    for (const Person& p : h.children)
      eldest = std::min(eldest, p.dob, [](auto a, auto b) { return sys_days(a) < sys_days(b); });
    if (sys_days(*h.moved_on) <= sys_days(eldest)) *h.moved_on = AddDays(eldest, 1);
    if (sys_days(*h.moved_on) > as_of_days_) {
      h.moved_on.reset();
      h.previous.reset();
      h.moved_la = false;
    }
  }

  AssignEvents(h, random);
  AssignEducation(h, random);
  AssignGp(h, random);
  for (Person& p : h.children) AssignCases(h, p, random);
  return h;
}

void PopulationGenerator::AssignEvents(Household& h, core::SeededRandom& random) {
  const bool emigrated = Chance(random, rates_.emigrated_last_year);
  const long long emigration_days = 1 + static_cast<long long>(random.Uniform(365));
  const bool benefit = Chance(random, rates_.child_benefit);
  std::uint64_t adopted_maternity = 0;
  bool adopted_any = false;
  for (Person& p : h.children) {
    const long long age_days = DaysBetween(p.dob, as_of_);
    if (emigrated && age_days > emigration_days) p.emigrated = AddDays(as_of_, -emigration_days);
    if (Chance(random, rates_.died_last_year)) {
      p.died = AddDays(
          as_of_, -static_cast<long long>(random.Uniform(std::min<long long>(age_days, 364) + 1)));
    }
    // Adoption, per maternity (twins are adopted together), from age one.
    const bool first_of_maternity = !adopted_any || adopted_maternity != p.maternity;
    bool adopt = false;
    if (adopted_any && adopted_maternity == p.maternity) {
      adopt = true;
    } else if (first_of_maternity && !p.born_abroad && age_days > 400 &&
               Chance(random, rates_.adopted)) {
      adopt = true;
      adopted_any = true;
      adopted_maternity = p.maternity;
    }
    if (adopt) {
      Adoption a;
      const long long latest = std::min<long long>(age_days - 30, 6 * 365);
      a.date = AddDays(
          p.dob, 365 + static_cast<long long>(random.Uniform(
                           static_cast<std::uint64_t>(std::max<long long>(latest - 365, 1)))));
      const bool female = p.sex == domain::Gender::kFemale;
      a.birth_given = p.given;
      if (!Chance(random, 0.8))
        a.birth_given.front() =
            SampleGiven(female, static_cast<int>(p.dob.year()), p.given, random);
      a.birth_mother = MakeAdult(true, static_cast<int>(p.dob.year()) - 22, random);
      a.birth_family = a.birth_mother.family;
      a.birth_home = MakePlace(SampleSector(random), random);
      a.birth_nhs_number = SyntheticNhsNumber(next_nhs_++);
      p.adoption = std::move(a);
    } else if (Chance(random, rates_.name_change) && age_days > 60) {
      const std::string other = data_.surnames().names[data_.surnames().weights.Sample(random)];
      if (other != p.family) {
        p.former_family = other;
        p.name_changed = AddDays(
            p.dob,
            30 + static_cast<long long>(random.Uniform(static_cast<std::uint64_t>(age_days - 59))));
      }
    }
    // Child benefit: under 16, or 16-19 in education (assumed 90%).
    const int age = AgeOn(p.dob, as_of_);
    p.child_benefit = benefit && !p.died && (age < 16 || Chance(random, 0.9));
  }
}

void PopulationGenerator::AssignEducation(Household& h, core::SeededRandom& random) {
  const std::uint32_t la = data_.sectors()[h.home.sector].la;
  // Siblings in the same phase go to the same school.
  std::optional<std::uint32_t> phase_school[2];
  const int year_now =
      static_cast<int>(as_of_.year()) - (as_of_.month() >= std::chrono::September ? 0 : 1);
  for (Person& p : h.children) {
    const int age = AcademicAge(p.dob, as_of_);
    if (age < 4 || AgeOn(p.dob, as_of_) >= 18) continue;
    if (age >= 16 && !Chance(random, rates_.school_sixth_form)) {
      p.education = Education::kPost16Other;
      continue;
    }
    const double u = UniformReal(random);
    if (u < rates_.missing_education) {
      p.education = Education::kMissing;
    } else if (u < rates_.missing_education + rates_.home_educated) {
      p.education = Education::kHomeEducated;
    } else if (u < rates_.missing_education + rates_.home_educated + rates_.independent_school) {
      p.education = Education::kIndependent;
    } else {
      p.education = Education::kStateSchool;
    }
    if (p.education != Education::kStateSchool) continue;
    const bool secondary = age >= 11;
    auto& chosen = phase_school[secondary ? 1 : 0];
    if (!chosen) {
      const auto& list = (secondary ? secondary_by_la_ : primary_by_la_)[la];
      chosen = list[random.Uniform(list.size())];
    }
    p.school = *chosen;
    // Joined in September of reception or year 7, or on moving house.
    const int start_age = secondary ? 11 : 4;
    domain::Date start{std::chrono::year{year_now - (age - start_age)}, std::chrono::September,
                       std::chrono::day{1 + static_cast<unsigned>(random.Uniform(7))}};
    if (h.moved_on && sys_days(*h.moved_on) > sys_days(start)) start = AddDays(*h.moved_on, 7);
    if (sys_days(start) > as_of_days_) start = as_of_;
    p.school_start = start;
    p.upn = SyntheticUpn(data_.authorities()[la].dfe_number, next_upn_++);
    if (age >= 14) p.uln = SyntheticUln(next_uln_++);
  }
}

void PopulationGenerator::AssignGp(Household& h, core::SeededRandom& random) const {
  if (Chance(random, rates_.no_gp)) return;
  const PostcodeSector& sector = data_.sectors()[h.home.sector];
  const std::vector<std::uint32_t>* list = &data_.PracticesInDistrict(sector.district);
  if (list->empty()) list = &data_.PracticesInArea(sector.area);
  const std::uint32_t practice =
      list->empty() ? static_cast<std::uint32_t>(random.Uniform(data_.practices().size()))
                    : (*list)[random.Uniform(list->size())];
  for (Person& p : h.children) {
    if (p.emigrated) continue;  // deregistered on leaving
    p.gp = practice;
    domain::Date start = AddDays(p.dob, 14 + static_cast<long long>(random.Uniform(40)));
    if (h.moved_on && sys_days(*h.moved_on) > sys_days(start)) start = AddDays(*h.moved_on, 14);
    if (sys_days(start) > as_of_days_) start = as_of_;
    p.gp_start = start;
  }
}

void PopulationGenerator::AssignCases(Household& h, Person& p, core::SeededRandom& random) const {
  const int practitioner_year = static_cast<int>(as_of_.year()) - 35;
  // The child was looked after before adoption: a social care case in the
  // birth family's area about the pre-adoption identity.
  if (p.adoption) {
    LocalCase c;
    c.source = SourceKind::kSocialCare;
    c.la = data_.sectors()[p.adoption->birth_home.sector].la;
    c.start = AddDays(p.dob, static_cast<long long>(random.Uniform(200)));
    c.end = p.adoption->date;
    c.looked_after = true;
    c.pre_adoption = true;
    c.practitioner = MakeAdult(Chance(random, 0.8), practitioner_year, random);
    p.cases.push_back(c);
  }
  if (p.died || p.emigrated) return;
  const int age = AgeOn(p.dob, as_of_);
  if (age >= 18) return;
  const long long age_days = DaysBetween(p.dob, as_of_);
  const std::uint32_t la = data_.sectors()[h.home.sector].la;
  const std::optional<std::uint32_t> old_la =
      h.moved_la ? std::optional<std::uint32_t>(data_.sectors()[h.previous->sector].la)
                 : std::nullopt;

  // Opens a case of `source` that started up to `max_days` ago; a case that
  // started before a move across authorities closes in the old area and
  // (usually) reopens in the new one.
  auto open = [&](SourceKind source, long long max_days, LocalCase base) {
    const long long span = std::max<long long>(std::min(max_days, age_days), 1);
    base.source = source;
    base.start =
        AddDays(as_of_, -static_cast<long long>(random.Uniform(static_cast<std::uint64_t>(span))));
    base.practitioner = MakeAdult(Chance(random, 0.8), practitioner_year, random);
    if (old_la && sys_days(base.start) < sys_days(*h.moved_on)) {
      LocalCase before = base;
      before.la = *old_la;
      before.at_previous_address = true;
      before.end = *h.moved_on;
      before.lead = false;  // a closed involvement is not the current lead
      p.cases.push_back(before);
      if (!Chance(random, rates_.local_transfer)) return;
      base.start = AddDays(*h.moved_on, 7 + static_cast<long long>(random.Uniform(50)));
      if (sys_days(base.start) > as_of_days_) base.start = as_of_;
      base.practitioner = MakeAdult(Chance(random, 0.8), practitioner_year, random);
    }
    base.la = la;
    p.cases.push_back(base);
  };

  bool lead_taken = false;
  if (Chance(random, rates_.children_in_need)) {
    LocalCase c;
    c.looked_after = Chance(random, rates_.looked_after_of_cin);
    c.protection_plan = !c.looked_after && Chance(random, rates_.protection_plan_of_cin /
                                                              (1 - rates_.looked_after_of_cin));
    c.lead = Chance(random, rates_.social_care_lead);
    lead_taken = c.lead;
    open(SourceKind::kSocialCare, 3 * 365, c);
  }
  if (age >= 10 && Chance(random, rates_.youth_offending)) {
    open(SourceKind::kYouthOffending, 365, LocalCase{});
  }
  if (age < 5 && Chance(random, rates_.health_visiting)) {
    LocalCase c;
    // The new birth visit, 10-14 days after birth.
    c.source = SourceKind::kHealthVisiting;
    c.la = la;
    c.start = AddDays(p.dob, 10 + static_cast<long long>(random.Uniform(5)));
    if (sys_days(c.start) > as_of_days_) c.start = as_of_;
    c.practitioner = MakeAdult(true, practitioner_year, random);
    if (h.moved_on && sys_days(*h.moved_on) > sys_days(c.start)) {
      LocalCase before = c;
      before.la = data_.sectors()[h.previous->sector].la;
      before.at_previous_address = true;
      before.end = *h.moved_on;
      if (h.moved_la) p.cases.push_back(before);
      c.start = AddDays(*h.moved_on, 14);
      if (sys_days(c.start) > as_of_days_) c.start = as_of_;
    }
    p.cases.push_back(c);
  }
  if (age >= 5 && Chance(random, rates_.camhs)) {
    LocalCase c;
    if (Chance(random, rates_.camhs_override)) {
      c.consent = LocalCase::Consent::kOverride;
    } else if (Chance(random, rates_.camhs_consent)) {
      c.consent = age >= 13 ? LocalCase::Consent::kChild : LocalCase::Consent::kParent;
    }
    if (c.consent != LocalCase::Consent::kNone) open(SourceKind::kCamhs, 2 * 365, c);
  }
  if (Chance(random, rates_.voluntary)) {
    LocalCase c;
    c.family_support = Chance(random, 0.3);
    c.caf = Chance(random, rates_.voluntary_caf);
    c.lead = !lead_taken && c.caf && Chance(random, 0.5);
    open(SourceKind::kVoluntary, 2 * 365, c);
  }
}

}  // namespace cp::synth

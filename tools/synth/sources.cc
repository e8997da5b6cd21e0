#include "synth/sources.h"

#include <array>
#include <cmath>
#include <string>
#include <utility>

#include "domain/validation.h"
#include "synth/identifiers.h"
#include "synth/noise.h"

namespace cp::synth {
namespace {

using domain::PersonalText;
using std::chrono::sys_days;

constexpr std::array<std::string_view, kSourceCount> kSourceNames = {
    "gro-births",     "dwp-child-benefit",  "dcsf-school-census", "nhs-pds",
    "la-social-care", "la-youth-offending", "health-visiting",    "camhs",
    "voluntary-org"};

constexpr std::array<std::string_view, 4> kCharities = {
    "Family Link", "Young People's Trust", "Children's Community Project", "Parents Together"};

// Distinct key spaces for the pre- and post-adoption identities of a person.
constexpr std::uint64_t kPreAdoption = std::uint64_t{1} << 39;
constexpr std::uint64_t kAdoptedRegister = std::uint64_t{1} << 38;

domain::Address MakeAddress(const Place& place, const ReferenceData& data, bool with_postcode) {
  domain::Address address;
  address.lines = core::Sensitive<std::vector<std::string>>(
      std::vector<std::string>{place.line1, data.sectors()[place.sector].town});
  if (with_postcode) address.postcode = PersonalText(place.postcode);
  return address;
}

domain::Carer MakeCarer(const Adult& adult, domain::Relationship relationship, bool pr,
                        bool contact, const std::string* family = nullptr) {
  domain::Carer carer;
  carer.name = {PersonalText(adult.given),
                PersonalText(family != nullptr ? *family : adult.family)};
  carer.relationship = relationship;
  carer.parental_responsibility = pr;
  if (contact) {
    carer.contact.phone = PersonalText(adult.phone);
    if (adult.email) carer.contact.email = PersonalText(*adult.email);
  }
  return carer;
}

std::string Slug(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

}  // namespace

std::string_view SourceName(SourceKind kind) { return kSourceNames[static_cast<int>(kind)]; }

// What a source believes about the child before its own noise is applied.
struct SourceRenderer::View {
  std::string key;
  std::vector<std::string> given;
  std::string family;
  std::vector<domain::PersonName> other_names;
  domain::Gender sex = domain::Gender::kUnknown;
  domain::Date dob;
  const Place* place = nullptr;  // nullptr: the source holds no address
  bool lag_address = false;      // a move reaches this source only after its lag
  bool unnamed_newborn = false;
  std::string nhs_number;
  bool nhs_always = false;
  std::string upn;
  std::string uln;
  std::optional<domain::Date> died;
  std::vector<domain::Carer> carers;
  std::vector<domain::Involvement> services;
  std::vector<domain::SourceEvent> events;
};

SourceRenderer::SourceRenderer(const PopulationGenerator& population, std::uint64_t seed)
    : population_(population),
      data_(population.data()),
      rates_(population.rates()),
      seed_(seed),
      as_of_(population.as_of()) {}

core::Status SourceRenderer::Emit(SourceKind source, const View& view, const Household& h,
                                  const Person& person, RecordSink& sink,
                                  core::SeededRandom& random) {
  const SourceNoise& noise = rates_.For(source);
  FeedRecord record;
  record.key = view.key;
  record.events = view.events;
  domain::Child& child = record.child;

  std::vector<std::string> given = view.given;
  if (given.size() > 1 && Chance(random, noise.drop_middle)) given.resize(1);
  if (given.size() > 1 && Chance(random, noise.reorder_given)) std::swap(given[0], given[1]);
  if (!given.empty() && Chance(random, noise.nickname))
    given[0] = Nickname(given[0], data_, random);
  if (!given.empty() && Chance(random, noise.typo_given)) given[0] = Typo(given[0], random);
  std::string family = view.family;
  if (Chance(random, noise.surname_form)) family = SurnameForm(family, data_, random);
  if (Chance(random, noise.typo_family)) family = Typo(family, random);
  child.name = {PersonalText(view.unnamed_newborn ? std::string() : JoinNames(given)),
                PersonalText(family)};
  child.other_names = view.other_names;

  child.gender = Chance(random, noise.missing_gender) ? domain::Gender::kUnknown : view.sex;
  domain::Date dob = view.dob;
  if (Chance(random, noise.day_month_swap)) dob = SwapDayMonth(dob, as_of_);
  child.date_of_birth = core::Sensitive<domain::Date>(dob);

  if (view.place != nullptr && !Chance(random, noise.missing_address)) {
    const Place* place = view.place;
    if (view.lag_address && h.previous && sys_days(person.dob) < sys_days(*h.moved_on)) {
      const double lag =
          -static_cast<double>(noise.address_lag_days) * std::log(1.0 - UniformReal(random));
      if (static_cast<double>(DaysBetween(*h.moved_on, as_of_)) < lag) place = &*h.previous;
    }
    child.address = MakeAddress(*place, data_, !Chance(random, noise.missing_postcode));
  }
  if (!view.nhs_number.empty() && (view.nhs_always || Chance(random, noise.nhs_number))) {
    child.identifiers.nhs_number = PersonalText(view.nhs_number);
  }
  if (!view.upn.empty()) child.identifiers.upn = PersonalText(view.upn);
  if (!view.uln.empty()) child.identifiers.uln = PersonalText(view.uln);
  child.date_of_death = view.died;
  child.carers = view.carers;
  child.involvements = view.services;

  const core::Status valid = domain::ValidateChild(child, as_of_);
  if (!valid.ok()) {
    return core::Internal("synth produced an invalid " + std::string(SourceName(source)) +
                          " record (a generator bug): " + valid.message());
  }
  return sink.Write(source, record, person);
}

core::Status SourceRenderer::Render(const Household& h, RecordSink& sink) {
  for (const Person& p : h.children) {
    core::SeededRandom random(MixSeed(MixSeed(seed_, 0xfeed), p.index));
    RETURN_IF_ERROR(RenderGro(h, p, sink, random));
    RETURN_IF_ERROR(RenderDwp(h, p, sink, random));
    RETURN_IF_ERROR(RenderSchool(h, p, sink, random));
    RETURN_IF_ERROR(RenderPds(h, p, sink, random));
    for (const LocalCase& c : p.cases) RETURN_IF_ERROR(RenderCase(h, p, c, sink, random));
  }
  return core::Status::Ok();
}

namespace {

std::string KeyNumber(std::uint64_t ordinal, std::uint64_t seed, SourceKind kind,
                      std::uint64_t extra = 0) {
  return ZeroPadded(
      ScrambleKey(ordinal, MixSeed(MixSeed(seed, static_cast<std::uint64_t>(kind)), extra)), 13);
}

}  // namespace

core::Status SourceRenderer::RenderGro(const Household& h, const Person& p, RecordSink& sink,
                                       core::SeededRandom& random) {
  if (p.born_abroad) return core::Status::Ok();
  const std::string year = std::to_string(static_cast<int>(p.dob.year()));
  const Place& birth_home =
      h.previous && sys_days(p.dob) < sys_days(*h.moved_on) ? *h.previous : h.home;
  View v;
  v.sex = p.sex;
  v.dob = p.dob;
  v.nhs_number = p.nhs_number;
  if (p.died) {
    v.died = p.died;
    v.events.push_back({domain::SourceEvent::Type::kDeath, p.died});
  }
  if (p.adoption) {
    const Adoption& a = *p.adoption;
    // The original registration, as it stood before the adoption; then
    // withdrawn, since the Adopted Children Register entry replaces it.
    View before = v;
    before.key =
        "GRO-" + year + "-" + KeyNumber(p.index | kPreAdoption, seed_, SourceKind::kGroBirths);
    before.given = a.birth_given;
    before.family = a.birth_family;
    before.place = &a.birth_home;
    before.nhs_number = a.birth_nhs_number;
    before.died.reset();
    before.events.clear();
    before.carers.push_back(MakeCarer(a.birth_mother, domain::Relationship::kMother, true, false));
    RETURN_IF_ERROR(Emit(SourceKind::kGroBirths, before, h, p, sink, random));
    FeedRecord withdraw;
    withdraw.key = before.key;
    withdraw.op = FeedRecord::Op::kWithdraw;
    RETURN_IF_ERROR(sink.Write(SourceKind::kGroBirths, withdraw, p));

    v.key = "GRO-ACR-" + year + "-" +
            KeyNumber(p.index | kAdoptedRegister, seed_, SourceKind::kGroBirths);
    v.events.push_back({domain::SourceEvent::Type::kAdoption, std::nullopt});
    v.place = h.previous && sys_days(a.date) < sys_days(*h.moved_on) ? &*h.previous : &h.home;
  } else {
    v.key = "GRO-" + year + "-" + KeyNumber(p.index, seed_, SourceKind::kGroBirths);
    v.place = &birth_home;
  }
  v.given = p.given;
  v.family = p.former_family && !p.adoption ? *p.former_family : p.family;
  v.carers.push_back(MakeCarer(h.mother, domain::Relationship::kMother, true, false));
  if (h.father) {
    v.carers.push_back(MakeCarer(*h.father, domain::Relationship::kFather, true, false));
  }
  return Emit(SourceKind::kGroBirths, v, h, p, sink, random);
}

core::Status SourceRenderer::RenderDwp(const Household& h, const Person& p, RecordSink& sink,
                                       core::SeededRandom& random) {
  if (!p.child_benefit) return core::Status::Ok();
  View v;
  v.key = "CHB-" + KeyNumber(p.index, seed_, SourceKind::kDwpChildBenefit);
  v.given = p.given;
  v.family = p.family;
  if (p.former_family && Chance(random, 0.2)) v.family = *p.former_family;
  v.sex = p.sex;
  v.dob = p.dob;
  v.place = &h.home;
  v.lag_address = true;
  v.nhs_number = p.nhs_number;
  const bool father_claims = h.father && h.father_at_home && Chance(random, 0.1);
  v.carers.push_back(father_claims
                         ? MakeCarer(*h.father, domain::Relationship::kFather, true, true)
                         : MakeCarer(h.mother, domain::Relationship::kMother, true, true));
  if (p.emigrated) v.events.push_back({domain::SourceEvent::Type::kLeftEngland, p.emigrated});
  return Emit(SourceKind::kDwpChildBenefit, v, h, p, sink, random);
}

core::Status SourceRenderer::RenderSchool(const Household& h, const Person& p, RecordSink& sink,
                                          core::SeededRandom& random) {
  if (!p.school || p.died || p.emigrated) return core::Status::Ok();
  const School& school = population_.schools()[*p.school];
  View v;
  v.key = "SCH-" + std::to_string(school.urn) + "-" +
          KeyNumber(p.index, seed_, SourceKind::kSchoolCensus);
  v.given = p.given;
  v.family = p.family;
  if (p.former_family && Chance(random, 0.2)) v.family = *p.former_family;
  if (p.former_family && v.family == p.family && Chance(random, 0.3)) {
    v.other_names.push_back({PersonalText(p.given.front()), PersonalText(*p.former_family)});
  }
  v.sex = p.sex;
  v.dob = p.dob;
  v.place = &h.home;
  v.lag_address = true;
  v.upn = p.upn;
  v.uln = p.uln;
  v.carers.push_back(MakeCarer(h.mother, domain::Relationship::kMother, true, true));
  if (h.father && h.father_at_home) {
    v.carers.push_back(MakeCarer(*h.father, domain::Relationship::kFather, true, true));
  }
  domain::Involvement service;
  service.type = domain::ServiceType::kSchool;
  service.organisation.name = school.name;
  service.organisation.code = "URN:" + std::to_string(school.urn);
  service.organisation.contact.phone = PersonalText(school.phone);
  service.organisation.contact.address = MakeAddress(school.address, data_, true);
  service.start = p.school_start;
  v.services.push_back(std::move(service));
  return Emit(SourceKind::kSchoolCensus, v, h, p, sink, random);
}

core::Status SourceRenderer::RenderPds(const Household& h, const Person& p, RecordSink& sink,
                                       core::SeededRandom& random) {
  View v;
  v.sex = p.sex;
  v.dob = p.dob;
  v.nhs_always = true;
  if (p.adoption) {
    // The birth identity's NHS record, withdrawn: a new NHS number is issued
    // on adoption.
    const Adoption& a = *p.adoption;
    View before = v;
    before.key = "PDS-" + a.birth_nhs_number;
    before.given = a.birth_given;
    before.family = a.birth_family;
    before.place = &a.birth_home;
    before.nhs_number = a.birth_nhs_number;
    RETURN_IF_ERROR(Emit(SourceKind::kNhsPds, before, h, p, sink, random));
    FeedRecord withdraw;
    withdraw.key = before.key;
    withdraw.op = FeedRecord::Op::kWithdraw;
    RETURN_IF_ERROR(sink.Write(SourceKind::kNhsPds, withdraw, p));
  }
  v.key = "PDS-" + p.nhs_number;
  v.nhs_number = p.nhs_number;
  v.given = p.given;
  v.family = p.family;
  if (p.former_family && Chance(random, 0.9)) {
    v.other_names.push_back({PersonalText(JoinNames(p.given)), PersonalText(*p.former_family)});
  }
  v.unnamed_newborn = DaysBetween(p.dob, as_of_) < 28 && Chance(random, 0.5);
  v.place = &h.home;
  v.lag_address = true;
  if (p.died) {
    v.died = p.died;
    v.events.push_back({domain::SourceEvent::Type::kDeath, p.died});
  }
  if (p.emigrated) v.events.push_back({domain::SourceEvent::Type::kLeftEngland, p.emigrated});
  if (p.gp) {
    const GpPractice& practice = data_.practices()[*p.gp];
    domain::Involvement gp;
    gp.type = domain::ServiceType::kGp;
    gp.organisation.name = practice.name;
    gp.organisation.code = "ODS:" + practice.ods_code;
    if (practice.phone) gp.organisation.contact.phone = PersonalText(*practice.phone);
    domain::Address address;
    std::vector<std::string> lines{practice.line1};
    if (!practice.town.empty()) lines.push_back(practice.town);
    address.lines = core::Sensitive<std::vector<std::string>>(std::move(lines));
    address.postcode = PersonalText(practice.postcode);
    gp.organisation.contact.address = std::move(address);
    gp.start = p.gp_start;
    v.services.push_back(std::move(gp));
  }
  return Emit(SourceKind::kNhsPds, v, h, p, sink, random);
}

core::Status SourceRenderer::RenderCase(const Household& h, const Person& p, const LocalCase& c,
                                        RecordSink& sink, core::SeededRandom& random) {
  const LocalAuthority& la = data_.authorities()[c.la];
  static constexpr std::array<std::string_view, kSourceCount> kPrefix = {
      "", "", "", "", "SC", "YOT", "HV", "CAMHS", "VOL"};
  View v;
  v.key = std::string(kPrefix[static_cast<int>(c.source)]) + "-" + la.code + "-" +
          KeyNumber(c.pre_adoption ? p.index | kPreAdoption : p.index, seed_, c.source, c.la);
  v.sex = p.sex;
  v.dob = p.dob;
  v.nhs_number = p.nhs_number;
  v.given = p.given;
  v.family = p.family;
  const Adult* mother = &h.mother;
  const std::string* mother_family = nullptr;
  if (c.pre_adoption) {
    v.given = p.adoption->birth_given;
    v.family = p.adoption->birth_family;
    v.nhs_number = p.adoption->birth_nhs_number;
    v.place = &p.adoption->birth_home;
    mother = &p.adoption->birth_mother;
  } else {
    if (p.former_family && Chance(random, 0.2)) v.family = *p.former_family;
    // A parent who gives each area a different family name for the child.
    if (h.alias_family && (c.at_previous_address || Chance(random, 0.5))) {
      v.family = *h.alias_family;
      mother_family = &*h.alias_family;
    }
    if (c.at_previous_address) {
      v.place = &*h.previous;
    } else {
      v.place = &h.home;
      v.lag_address = true;
    }
  }
  v.carers.push_back(MakeCarer(*mother, domain::Relationship::kMother, true, true, mother_family));
  if (!c.pre_adoption && h.father && h.father_at_home && c.source != SourceKind::kHealthVisiting) {
    v.carers.push_back(MakeCarer(*h.father, domain::Relationship::kFather, true, true));
  }
  if (c.looked_after) {
    Adult foster = population_.MakeAdult(true, static_cast<int>(as_of_.year()) - 45, random);
    v.carers.push_back(MakeCarer(foster, domain::Relationship::kFosterCarer, false, true));
    domain::Carer council;
    council.name = {PersonalText(""), PersonalText(la.council_name)};
    council.relationship = domain::Relationship::kLocalAuthority;
    council.parental_responsibility = true;
    v.carers.push_back(std::move(council));
  }

  domain::Involvement service;
  std::string organisation;
  switch (c.source) {
    case SourceKind::kSocialCare:
      service.type = domain::ServiceType::kSocialCare;
      organisation = la.name + " Children's Social Care";
      break;
    case SourceKind::kYouthOffending:
      service.type = domain::ServiceType::kYouthOffending;
      organisation = la.name + " Youth Offending Team";
      break;
    case SourceKind::kHealthVisiting:
      service.type = domain::ServiceType::kHealthVisitor;
      organisation = la.name + " Health Visiting Service";
      break;
    case SourceKind::kCamhs:
      service.type = domain::ServiceType::kMentalHealth;
      organisation = la.name + " CAMHS";
      break;
    default:
      service.type =
          c.family_support ? domain::ServiceType::kFamilySupport : domain::ServiceType::kVoluntary;
      organisation = std::string(kCharities[random.Uniform(kCharities.size())]) + " " + la.name;
  }
  service.organisation.name = organisation;
  service.organisation.contact.phone =
      PersonalText("0161 496 0" + ZeroPadded(random.Uniform(1000), 3));
  service.practitioner =
      domain::PersonName{PersonalText(c.practitioner.given), PersonalText(c.practitioner.family)};
  service.practitioner_contact.phone =
      PersonalText("0113 496 0" + ZeroPadded(random.Uniform(1000), 3));
  service.practitioner_contact.email =
      PersonalText(EmailLocalPart(c.practitioner.given) + "." +
                   EmailLocalPart(c.practitioner.family) + "@" + Slug(la.name) + ".example.org");
  service.start = c.start;
  service.end = c.end;
  service.lead_professional = c.lead && !c.end;
  service.caf_holder = c.caf;
  switch (c.consent) {
    case LocalCase::Consent::kChild:
      service.consent =
          domain::SensitiveConsent{domain::SensitiveConsent::GivenBy::kChild, c.start};
      break;
    case LocalCase::Consent::kParent:
      service.consent =
          domain::SensitiveConsent{domain::SensitiveConsent::GivenBy::kParent, c.start};
      break;
    case LocalCase::Consent::kOverride:
      service.override_ground = domain::SensitiveOverride::kChildProtection;
      break;
    case LocalCase::Consent::kNone:
      break;
  }
  v.services.push_back(std::move(service));
  RETURN_IF_ERROR(Emit(c.source, v, h, p, sink, random));
  if (!c.pre_adoption) return core::Status::Ok();
  // The birth identity's case is sealed on adoption: the source withdraws it.
  FeedRecord withdraw;
  withdraw.key = v.key;
  withdraw.op = FeedRecord::Op::kWithdraw;
  return sink.Write(c.source, withdraw, p);
}

}  // namespace cp::synth

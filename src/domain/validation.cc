#include "domain/validation.h"

#include <array>
#include <cstdio>
#include <utility>

namespace cp::domain {
namespace {

core::Status Error(core::ErrorCode code, std::string_view field, std::string_view rule) {
  std::string message(field);
  message += ": ";
  message += rule;
  return core::Status(code, std::move(message));
}

// One table per coded value: the wire name and the enumerator, in one place.
template <typename E, std::size_t N>
struct CodeTable {
  std::array<std::pair<std::string_view, E>, N> entries;

  std::optional<E> Find(std::string_view name) const {
    for (const auto& [n, e] : entries) {
      if (n == name) return e;
    }
    return std::nullopt;
  }
  std::string_view NameOf(E value) const {
    for (const auto& [n, e] : entries) {
      if (e == value) return n;
    }
    return "unknown";
  }
  std::string Allowed() const {
    std::string out;
    for (const auto& [n, e] : entries) {
      if (!out.empty()) out += ", ";
      out += n;
    }
    return out;
  }
};

constexpr CodeTable<Gender, 4> kGenders{{{
    {"male", Gender::kMale},
    {"female", Gender::kFemale},
    {"unknown", Gender::kUnknown},
    {"unspecified", Gender::kUnspecified},
}}};

constexpr CodeTable<ServiceType, 20> kServiceTypes{{{
    {"school", ServiceType::kSchool},
    {"early_years", ServiceType::kEarlyYears},
    {"college", ServiceType::kCollege},
    {"gp", ServiceType::kGp},
    {"health_visitor", ServiceType::kHealthVisitor},
    {"midwife", ServiceType::kMidwife},
    {"school_nurse", ServiceType::kSchoolNurse},
    {"social_care", ServiceType::kSocialCare},
    {"youth_offending", ServiceType::kYouthOffending},
    {"yisp", ServiceType::kYisp},
    {"youth_work", ServiceType::kYouthWork},
    {"connexions", ServiceType::kConnexions},
    {"sen", ServiceType::kSen},
    {"education_welfare", ServiceType::kEducationWelfare},
    {"family_support", ServiceType::kFamilySupport},
    {"police_child_protection", ServiceType::kPoliceChildProtection},
    {"voluntary", ServiceType::kVoluntary},
    {"sexual_health", ServiceType::kSexualHealth},
    {"mental_health", ServiceType::kMentalHealth},
    {"substance_misuse", ServiceType::kSubstanceMisuse},
}}};

constexpr CodeTable<Relationship, 11> kRelationships{{{
    {"mother", Relationship::kMother},
    {"father", Relationship::kFather},
    {"parent", Relationship::kParent},
    {"step_parent", Relationship::kStepParent},
    {"grandparent", Relationship::kGrandparent},
    {"other_relative", Relationship::kOtherRelative},
    {"foster_carer", Relationship::kFosterCarer},
    {"guardian", Relationship::kGuardian},
    {"special_guardian", Relationship::kSpecialGuardian},
    {"local_authority", Relationship::kLocalAuthority},
    {"other_carer", Relationship::kOtherCarer},
}}};

}  // namespace

core::StatusOr<Gender> ParseGender(std::string_view field, std::string_view text) {
  if (auto g = kGenders.Find(text)) return *g;
  return Error(core::ErrorCode::kInvalidGender, field, "must be one of " + kGenders.Allowed());
}
std::string_view GenderName(Gender gender) { return kGenders.NameOf(gender); }

core::StatusOr<ServiceType> ParseServiceType(std::string_view field, std::string_view text) {
  if (auto t = kServiceTypes.Find(text)) return *t;
  return Error(core::ErrorCode::kInvalidServiceType, field,
               "unknown service type; must be one of " + kServiceTypes.Allowed());
}
std::string_view ServiceTypeName(ServiceType type) { return kServiceTypes.NameOf(type); }

ServiceClass ClassOf(ServiceType type) {
  switch (type) {
    case ServiceType::kSchool:
    case ServiceType::kEarlyYears:
    case ServiceType::kCollege:
    case ServiceType::kGp:
    case ServiceType::kHealthVisitor:
    case ServiceType::kMidwife:
    case ServiceType::kSchoolNurse:
      return ServiceClass::kUniversal;
    case ServiceType::kSexualHealth:
    case ServiceType::kMentalHealth:
    case ServiceType::kSubstanceMisuse:
      return ServiceClass::kSensitive;
    default:
      return ServiceClass::kAdditional;
  }
}

core::StatusOr<Relationship> ParseRelationship(std::string_view field, std::string_view text) {
  if (auto r = kRelationships.Find(text)) return *r;
  return Error(core::ErrorCode::kInvalidRelationship, field,
               "must be one of " + kRelationships.Allowed());
}
std::string_view RelationshipName(Relationship relationship) {
  return kRelationships.NameOf(relationship);
}

core::StatusOr<Date> ParseDate(std::string_view field, std::string_view text) {
  auto bad = [&] {
    return Error(core::ErrorCode::kInvalidDate, field,
                 "must be a real calendar date written YYYY-MM-DD (years 1900-2199)");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  int parts[3] = {0, 0, 0};
  const std::pair<int, int> spans[3] = {{0, 4}, {5, 2}, {8, 2}};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < spans[i].second; ++j) {
      const char c = text[spans[i].first + j];
      if (c < '0' || c > '9') return bad();
      parts[i] = parts[i] * 10 + (c - '0');
    }
  }
  const Date date{std::chrono::year{parts[0]}, std::chrono::month{static_cast<unsigned>(parts[1])},
                  std::chrono::day{static_cast<unsigned>(parts[2])}};
  if (!date.ok() || parts[0] < 1900 || parts[0] > 2199) return bad();
  return date;
}

std::string FormatDate(Date date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

core::Status ValidateDateOfBirth(std::string_view field, Date date, Date today) {
  if (!date.ok()) return Error(core::ErrorCode::kInvalidDate, field, "is not a real date");
  if (std::chrono::sys_days(date) > std::chrono::sys_days(today)) {
    return Error(core::ErrorCode::kInvalidDate, field, "a date of birth cannot be in the future");
  }
  return core::Status::Ok();
}

}  // namespace cp::domain

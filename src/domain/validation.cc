#include "domain/validation.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace cp::domain {
namespace {

core::Status Error(core::ErrorCode code, std::string_view field, std::string_view rule) {
  std::string message(field);
  message += ": ";
  message += rule;
  return core::Status(code, std::move(message));
}

// A broken rule found by a check that does not know the field's name: the
// caller names it (and builds the name only then).
struct Problem {
  core::ErrorCode code;
  std::string rule;
};
using Check = std::optional<Problem>;  // nullopt: the value passes

core::Status ToStatus(std::string_view field, const Check& problem) {
  if (!problem) return core::Status::Ok();
  return Error(problem->code, field, problem->rule);
}

// The JSON path of a field inside a record, e.g. "services[2].organisation.",
// written out only when a check fails: valid records, nearly all of them, cost
// no path strings. A path refers to its parent, which must outlive it.
class FieldPath {
 public:
  explicit FieldPath(std::string_view text) : text_(text) {}
  // parent + text, e.g. "carers[0]." + "phone".
  FieldPath(const FieldPath& parent, std::string_view text) : parent_(&parent), text_(text) {}
  // parent + name + "[index]" + tail, e.g. "child." + "other_names[1]" + ".".
  FieldPath(const FieldPath& parent, std::string_view name, std::size_t index,
            std::string_view tail)
      : parent_(&parent), text_(name), index_(index), tail_(tail) {}

  std::string str() const {
    std::string out = parent_ != nullptr ? parent_->str() : std::string();
    out += text_;
    if (index_) {
      out += '[';
      out += std::to_string(*index_);
      out += ']';
    }
    out += tail_;
    return out;
  }

 private:
  const FieldPath* parent_ = nullptr;
  std::string_view text_;
  std::optional<std::size_t> index_;
  std::string_view tail_;
};

core::Status ToStatus(const FieldPath& field, const Check& problem) {
  if (!problem) return core::Status::Ok();
  return Error(problem->code, field.str(), problem->rule);
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

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLetter(char c) { return IsUpper(c) || (c >= 'a' && c <= 'z'); }

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// Sum of the first nine digits weighted 10, 9, ..., 2 (NHS number and ULN).
int WeightedSumOfNine(std::string_view digits) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (digits[i] - '0') * (10 - i);
  return sum;
}

// The 23 letters a UPN check letter (and a temporary UPN's last character)
// may take, indexed by value: I, O and S are never used.
constexpr std::string_view kUpnLetters = "ABCDEFGHJKLMNPQRTUVWXYZ";

// Calls on_code_point(cp) for each code point of `text`, decoded as UTF-8,
// and returns true; returns false, stopping there, if the bytes are not
// well-formed UTF-8: truncated or stray continuation bytes, overlong
// encodings (C0, C1, E0 80..9F, F0 80..8F), UTF-16 surrogates (ED A0..BF) and
// values above U+10FFFF (F4 90.., F5..FF) are all rejected. Nothing is
// allocated: validators run on every field of every feed record.
template <typename OnCodePoint>
bool ForEachCodePoint(std::string_view text, OnCodePoint&& on_code_point) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80) {
      on_code_point(static_cast<char32_t>(b0));
      ++i;
      continue;
    }
    int length = 0;
    char32_t cp = 0;
    unsigned char lo = 0x80;  // allowed range of the second byte
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      length = 2;
      cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      length = 3;
      cp = b0 & 0x0F;
      if (b0 == 0xE0) lo = 0xA0;  // overlong
      if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      length = 4;
      cp = b0 & 0x07;
      if (b0 == 0xF0) lo = 0x90;  // overlong
      if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;  // continuation byte, C0/C1 overlong lead, F5..FF
    }
    if (text.size() - i < static_cast<std::size_t>(length)) return false;
    for (int k = 1; k < length; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      const unsigned char min = k == 1 ? lo : 0x80;
      const unsigned char max = k == 1 ? hi : 0xBF;
      if (b < min || b > max) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    on_code_point(cp);
    i += length;
  }
  return true;
}

// Eight bytes at a time: every field of every feed line passes through here.
bool IsAscii(std::string_view text) {
  std::uint64_t high = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    high |= word;
  }
  for (; i < text.size(); ++i) high |= static_cast<unsigned char>(text[i]);
  return (high & 0x8080808080808080ULL) == 0;
}

// The number of code points of `text`, or nothing if it is not well-formed
// UTF-8.
std::optional<std::size_t> CountCodePoints(std::string_view text) {
  if (IsAscii(text)) return text.size();
  std::size_t count = 0;
  if (!ForEachCodePoint(text, [&](char32_t) { ++count; })) return std::nullopt;
  return count;
}

bool IsControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

struct Range {
  char32_t first;
  char32_t last;
};

bool InRanges(char32_t cp, std::span<const Range> ranges) {
  for (const Range& r : ranges) {
    if (cp >= r.first && cp <= r.last) return true;
  }
  return false;
}

// Decimal digits of the scripts in common use (Unicode category Nd), beyond
// ASCII. A name never contains a digit in any script.
// clang-format off
constexpr Range kDigitRanges[] = {
    {0x0660, 0x0669}, {0x06F0, 0x06F9}, {0x07C0, 0x07C9}, {0x0966, 0x096F},
    {0x09E6, 0x09EF}, {0x0A66, 0x0A6F}, {0x0AE6, 0x0AEF}, {0x0B66, 0x0B6F},
    {0x0BE6, 0x0BEF}, {0x0C66, 0x0C6F}, {0x0CE6, 0x0CEF}, {0x0D66, 0x0D6F},
    {0x0DE6, 0x0DEF}, {0x0E50, 0x0E59}, {0x0ED0, 0x0ED9}, {0x0F20, 0x0F33},
    {0x1040, 0x1049}, {0x1090, 0x1099}, {0x17E0, 0x17E9}, {0x1810, 0x1819},
    {0x1946, 0x194F}, {0x19D0, 0x19DA}, {0x1A80, 0x1A99}, {0x1B50, 0x1B59},
    {0x1BB0, 0x1BB9}, {0x1C40, 0x1C49}, {0x1C50, 0x1C59}, {0xA620, 0xA629},
    {0xA8D0, 0xA8D9}, {0xA900, 0xA909}, {0xA9D0, 0xA9D9}, {0xA9F0, 0xA9F9},
    {0xAA50, 0xAA59}, {0xABF0, 0xABF9}, {0xFF10, 0xFF19}, {0x104A0, 0x104A9},
    {0x1D7CE, 0x1D7FF},
};
// clang-format on

// Non-ASCII code points that are not letters or combining marks: Latin-1
// punctuation and symbols (including no-break space), script punctuation and
// format characters, general and supplemental punctuation, spacing and
// zero-width characters, bidi controls, number forms, currency, arrows,
// mathematical and technical symbols, box drawing, dingbats, CJK punctuation
// and compatibility symbols, private use, noncharacters, variation selectors,
// specials, mathematical alphanumerics (styled look-alikes of Latin letters),
// emoji and tags. Without a Unicode character database this list stands in
// for "general category L or M": any other code point is taken as a letter.
// clang-format off
constexpr Range kNonLetterRanges[] = {
    {0x0080, 0x00BF}, {0x00D7, 0x00D7}, {0x00F7, 0x00F7}, {0x037E, 0x037E},
    {0x0387, 0x0387}, {0x055A, 0x055F}, {0x0589, 0x058A}, {0x0600, 0x060F},
    {0x061B, 0x061F}, {0x066A, 0x066D}, {0x06D4, 0x06D4}, {0x06DD, 0x06DE},
    {0x0964, 0x0965}, {0x0E3F, 0x0E3F}, {0x0E4F, 0x0E4F}, {0x0E5A, 0x0E5B},
    {0x10FB, 0x10FB}, {0x1680, 0x1680}, {0x180E, 0x180E}, {0x2000, 0x200B},
    {0x200E, 0x2018}, {0x201A, 0x206F}, {0x2070, 0x209F}, {0x20A0, 0x20FF},
    {0x2100, 0x2BFF}, {0x2E00, 0x2E7F}, {0x2FF0, 0x2FFF}, {0x3000, 0x3004},
    {0x3008, 0x3020}, {0x3030, 0x3030}, {0x3036, 0x303A}, {0x303D, 0x303F},
    {0x3200, 0x33FF}, {0x4DC0, 0x4DFF}, {0xD800, 0xDFFF}, {0xE000, 0xF8FF},
    {0xFD3E, 0xFD3F}, {0xFDD0, 0xFDEF}, {0xFE00, 0xFE1F}, {0xFE30, 0xFE6F},
    {0xFEFF, 0xFEFF}, {0xFF00, 0xFF20}, {0xFF3B, 0xFF40}, {0xFF5B, 0xFF65},
    {0xFFE0, 0xFFFF}, {0x1D000, 0x1D24F}, {0x1D400, 0x1D7FF}, {0x1F000, 0x1FBFF},
    {0xE0000, 0xE01EF}, {0xF0000, 0x10FFFF},
};
// clang-format on

// Combining marks and joiners: allowed in a name (decomposed accents, Indic
// and Persian orthography) but do not count as its letter.
constexpr Range kMarkRanges[] = {
    {0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200C, 0x200D}, {0xFE20, 0xFE2F},
};

constexpr char32_t kRightSingleQuote = 0x2019;  // ’, as in O’Brien

bool IsNoncharacter(char32_t cp) { return (cp & 0xFFFE) == 0xFFFE; }

constexpr std::string_view kNotUtf8 = "is not valid UTF-8 text; resend it encoded as UTF-8";
constexpr std::string_view kNoControl =
    "must not contain control characters such as tabs or line breaks";

// Free-standing text such as an address line or organisation name:
// well-formed UTF-8, no control characters, not blank, at most `max_chars`
// code points.
Check TextProblem(core::ErrorCode code, std::string_view text, std::size_t max_chars) {
  const std::optional<std::size_t> length = CountCodePoints(text);
  if (!length) return Problem{code, std::string(kNotUtf8)};
  bool blank = true;
  bool control = false;
  const auto check = [&](char32_t cp) {
    if (IsControl(cp)) control = true;
    if (cp != ' ') blank = false;
  };
  if (*length == text.size()) {  // ASCII: one byte, one code point
    for (char c : text) check(static_cast<char32_t>(c));
  } else {
    ForEachCodePoint(text, check);
  }
  if (control) return Problem{code, std::string(kNoControl)};
  if (blank) return Problem{code, "is required and must not be blank"};
  if (*length > max_chars) {
    return Problem{code, "is too long: at most " + std::to_string(max_chars) + " characters"};
  }
  return std::nullopt;
}

// The rules of ValidateName.
Check NameProblem(std::string_view text) {
  constexpr auto kCode = core::ErrorCode::kInvalidName;
  const std::optional<std::size_t> length = CountCodePoints(text);
  if (!length) return Problem{kCode, std::string(kNotUtf8)};
  if (*length == 0) return Problem{kCode, "is required"};
  if (*length > kMaxNameLength) {
    return Problem{kCode, "is too long: at most " + std::to_string(kMaxNameLength) + " characters"};
  }
  constexpr std::string_view kNoDigits = "must not contain digits";
  constexpr std::string_view kOnlyLetters =
      "may contain only letters, spaces, hyphens, apostrophes and full stops";
  bool has_letter = false;
  std::string_view broken;  // the first rule a code point breaks
  ForEachCodePoint(text, [&](char32_t cp) {
    if (!broken.empty()) return;
    if (IsControl(cp)) {
      broken = kNoControl;
    } else if (cp < 0x80) {
      if (IsAsciiLetter(static_cast<char>(cp))) {
        has_letter = true;
      } else if (cp >= '0' && cp <= '9') {
        broken = kNoDigits;
      } else if (cp != ' ' && cp != '-' && cp != '\'' && cp != '.') {
        broken = kOnlyLetters;
      }
    } else if (InRanges(cp, kDigitRanges)) {
      broken = kNoDigits;
    } else if (cp == kRightSingleQuote) {
      // an apostrophe
    } else if (InRanges(cp, kNonLetterRanges) || IsNoncharacter(cp)) {
      broken = kOnlyLetters;
    } else if (!InRanges(cp, kMarkRanges)) {
      has_letter = true;
    }
  });
  if (!broken.empty()) return Problem{kCode, std::string(broken)};
  if (!has_letter) return Problem{kCode, "must contain at least one letter"};
  return std::nullopt;
}

// The rules of ValidatePhone.
Check PhoneProblem(std::string_view text) {
  const auto bad = [] {
    return Problem{core::ErrorCode::kInvalidContactDetails,
                   "a telephone number is 10 to 13 digits, optionally spaced, with an optional "
                   "leading + (e.g. 0113 496 0000 or +44 113 496 0000)"};
  };
  if (text.size() < 2 || text.size() > kMaxPhoneLength) return bad();
  // The first digit comes first or straight after the '+'.
  if (!IsDigit(text[text[0] == '+' ? 1 : 0])) return bad();
  if (!IsDigit(text.back())) return bad();
  std::size_t digits = 0;
  for (std::size_t i = text[0] == '+' ? 1 : 0; i < text.size(); ++i) {
    if (IsDigit(text[i])) {
      ++digits;
    } else if (text[i] != ' ') {
      return bad();
    }
  }
  if (digits < 10 || digits > 13) return bad();
  return std::nullopt;
}

// The rules of ValidateEmail.
Check EmailProblem(std::string_view text) {
  constexpr auto kCode = core::ErrorCode::kInvalidContactDetails;
  const auto bad = [&] {
    return Problem{kCode,
                   "an email address is name@domain with one @, a dot in the domain and no spaces"};
  };
  const std::optional<std::size_t> length = CountCodePoints(text);
  if (!length) return Problem{kCode, std::string(kNotUtf8)};
  if (*length > kMaxEmailLength) {
    return Problem{kCode,
                   "is too long: at most " + std::to_string(kMaxEmailLength) + " characters"};
  }
  bool spaced = false;
  ForEachCodePoint(text, [&](char32_t cp) { spaced = spaced || IsControl(cp) || cp == ' '; });
  if (spaced) return bad();
  const std::size_t at = text.find('@');
  if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) {
    return bad();
  }
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  // The domain needs a dot between non-empty labels: "a@b.c", not "a@b." or "a@.b".
  if (local.empty() || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return bad();
  }
  return std::nullopt;
}

constexpr std::string_view kNotAPostcode =
    "is not a UK postcode: expected an outward code such as LS1, W1A or SW19 then an inward "
    "code such as 4AB";

// A normalised postcode: at most 8 characters ("AA9A 9AA"), held in place.
struct PostcodeText {
  std::array<char, 8> chars{};
  std::size_t size = 0;
  std::string_view view() const { return std::string_view(chars.data(), size); }
};

// The normalised form of `text` (NormalisePostcode), or nothing if it does
// not have a postcode's shape.
std::optional<PostcodeText> NormalisedPostcode(std::string_view text) {
  std::array<char, 7> compact{};
  std::size_t n = 0;
  for (char c : text) {
    if (c == ' ') continue;
    if (!IsDigit(c) && !IsAsciiLetter(c)) return std::nullopt;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (n == compact.size()) return std::nullopt;
    compact[n++] = c;
  }
  if (n < 5) return std::nullopt;
  const std::string_view outward(compact.data(), n - 3);
  const std::string_view inward(compact.data() + n - 3, 3);
  if (outward != "GIR" || inward != "0AA") {
    if (!IsDigit(inward[0]) || !IsUpper(inward[1]) || !IsUpper(inward[2])) return std::nullopt;
    std::array<char, 4> shape{};
    for (std::size_t i = 0; i < outward.size(); ++i) shape[i] = IsDigit(outward[i]) ? '9' : 'A';
    const std::string_view outward_shape(shape.data(), outward.size());
    constexpr std::string_view kShapes[] = {"A9", "A99", "AA9", "AA99", "A9A", "AA9A"};
    bool known = false;
    for (std::string_view known_shape : kShapes) known = known || known_shape == outward_shape;
    if (!known) return std::nullopt;
  }
  PostcodeText out;
  for (char c : outward) out.chars[out.size++] = c;
  out.chars[out.size++] = ' ';
  for (char c : inward) out.chars[out.size++] = c;
  return out;
}

// A date held in the model: a real calendar date within the years ParseDate
// accepts.
Check DateProblem(Date date) {
  const int year = static_cast<int>(date.year());
  if (!date.ok() || year < 1900 || year > 2199) {
    return Problem{core::ErrorCode::kInvalidDate,
                   "must be a real calendar date in the years 1900-2199"};
  }
  return std::nullopt;
}

core::Status CheckDate(std::string_view field, Date date) {
  return ToStatus(field, DateProblem(date));
}

bool Before(Date a, Date b) { return std::chrono::sys_days(a) < std::chrono::sys_days(b); }

// A person's name: the family name is required; given names may be empty
// (a newborn registration, a local authority carer) but must be a valid name
// when present. `prefix` ends with '.' or is empty.
core::Status CheckPersonName(const FieldPath& prefix, const PersonName& name) {
  if (!name.given_names.Reveal().empty()) {
    RETURN_IF_ERROR(
        ToStatus(FieldPath(prefix, "given_names"), NameProblem(name.given_names.Reveal())));
  }
  return ToStatus(FieldPath(prefix, "family_name"), NameProblem(name.family_name.Reveal()));
}

core::Status CheckAddress(const FieldPath& prefix, const Address& address) {
  const std::vector<std::string>& lines = address.lines.Reveal();
  if (lines.size() > kMaxAddressLines) {
    return Error(core::ErrorCode::kInvalidContactDetails, FieldPath(prefix, "lines").str(),
                 "has too many lines: at most " + std::to_string(kMaxAddressLines));
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    RETURN_IF_ERROR(ToStatus(
        FieldPath(prefix, "lines", i, ""),
        TextProblem(core::ErrorCode::kInvalidContactDetails, lines[i], kMaxAddressLineLength)));
  }
  if (address.postcode) {
    const FieldPath field(prefix, "postcode");
    const std::string& postcode = address.postcode->Reveal();
    const std::optional<PostcodeText> normalised = NormalisedPostcode(postcode);
    if (!normalised) return Error(core::ErrorCode::kInvalidPostcode, field.str(), kNotAPostcode);
    if (normalised->view() != postcode) {
      return Error(core::ErrorCode::kInvalidPostcode, field.str(),
                   "must be stored normalised: upper case with one space before the last "
                   "three characters, e.g. LS1 4AB");
    }
  }
  return core::Status::Ok();
}

// Contact details flattened into their owner, as in the supply format:
// "carers[0].phone", "services[1].organisation.address.postcode".
core::Status CheckContact(const FieldPath& prefix, const ContactDetails& contact) {
  if (contact.phone) {
    RETURN_IF_ERROR(ToStatus(FieldPath(prefix, "phone"), PhoneProblem(contact.phone->Reveal())));
  }
  if (contact.email) {
    RETURN_IF_ERROR(ToStatus(FieldPath(prefix, "email"), EmailProblem(contact.email->Reveal())));
  }
  if (contact.address) {
    RETURN_IF_ERROR(CheckAddress(FieldPath(prefix, "address."), *contact.address));
  }
  return core::Status::Ok();
}

core::Status CheckInvolvement(const FieldPath& prefix, const Involvement& involvement) {
  const FieldPath org(prefix, "organisation.");
  RETURN_IF_ERROR(ToStatus(FieldPath(org, "name"),
                           TextProblem(core::ErrorCode::kInvalidRecord,
                                       involvement.organisation.name, kMaxOrganisationNameLength)));
  if (involvement.organisation.code) {
    RETURN_IF_ERROR(ToStatus(FieldPath(org, "code"),
                             TextProblem(core::ErrorCode::kInvalidRecord,
                                         *involvement.organisation.code,
                                         kMaxOrganisationCodeLength)));
  }
  RETURN_IF_ERROR(CheckContact(org, involvement.organisation.contact));
  const FieldPath practitioner(prefix, "practitioner.");
  if (involvement.practitioner)
    RETURN_IF_ERROR(CheckPersonName(practitioner, *involvement.practitioner));
  RETURN_IF_ERROR(CheckContact(practitioner, involvement.practitioner_contact));

  if (involvement.start) {
    RETURN_IF_ERROR(ToStatus(FieldPath(prefix, "start"), DateProblem(*involvement.start)));
  }
  if (involvement.end) {
    RETURN_IF_ERROR(ToStatus(FieldPath(prefix, "end"), DateProblem(*involvement.end)));
  }
  if (involvement.start && involvement.end && Before(*involvement.end, *involvement.start)) {
    return Error(core::ErrorCode::kInvalidRecord, FieldPath(prefix, "end").str(),
                 "an involvement cannot end before it starts; check the start and end dates");
  }

  const bool sensitive = ClassOf(involvement.type) == ServiceClass::kSensitive;
  if (involvement.consent) {
    RETURN_IF_ERROR(ToStatus(FieldPath(prefix, "sensitive_consent.date"),
                             DateProblem(involvement.consent->date)));
  }
  if (sensitive && !involvement.consent && !involvement.override_ground) {
    return Error(core::ErrorCode::kInvalidRecord, FieldPath(prefix, "sensitive_consent").str(),
                 "a sensitive service needs the consent of the child or parent, or a "
                 "child-protection override ground");
  }
  if (!sensitive && involvement.consent) {
    return Error(core::ErrorCode::kInvalidRecord, FieldPath(prefix, "sensitive_consent").str(),
                 "is only allowed on a sensitive service type; remove it");
  }
  if (!sensitive && involvement.override_ground) {
    return Error(core::ErrorCode::kInvalidRecord, FieldPath(prefix, "sensitive_override").str(),
                 "is only allowed on a sensitive service type; remove it");
  }
  return core::Status::Ok();
}

}  // namespace

core::Status ValidateNhsNumber(std::string_view field, std::string_view text) {
  if (text.size() != 10 || !AllDigits(text)) {
    return Error(core::ErrorCode::kInvalidNhsNumber, field,
                 "an NHS number is exactly 10 digits, written without spaces");
  }
  int check = 11 - WeightedSumOfNine(text) % 11;
  if (check == 11) check = 0;
  if (check == 10 || check != text[9] - '0') {
    return Error(core::ErrorCode::kInvalidNhsNumber, field,
                 "the NHS number check digit does not match: check the number was copied "
                 "correctly");
  }
  return core::Status::Ok();
}

core::Status ValidateUpn(std::string_view field, std::string_view text) {
  const auto letter_value = [](char c) { return kUpnLetters.find(c); };
  bool shape = text.size() == 13 && letter_value(text[0]) != std::string_view::npos &&
               AllDigits(text.substr(1, 11)) &&
               (IsDigit(text[12]) || letter_value(text[12]) != std::string_view::npos);
  if (!shape) {
    return Error(core::ErrorCode::kInvalidUpn, field,
                 "a UPN is 13 characters: a check letter, 11 digits, then a digit (or a letter "
                 "for a temporary UPN), upper case, no spaces; the letters I, O and S are "
                 "never used");
  }
  int sum = 0;
  for (int position = 2; position <= 13; ++position) {
    const char c = text[position - 1];
    const int value = IsDigit(c) ? c - '0' : static_cast<int>(letter_value(c));
    sum += value * position;
  }
  if (kUpnLetters[sum % 23] != text[0]) {
    return Error(core::ErrorCode::kInvalidUpn, field,
                 "the UPN check letter does not match: check the number was copied correctly");
  }
  return core::Status::Ok();
}

core::Status ValidateUln(std::string_view field, std::string_view text) {
  if (text.size() != 10 || !AllDigits(text) || text[0] == '0') {
    return Error(core::ErrorCode::kInvalidUln, field,
                 "a ULN is exactly 10 digits, the first not 0, written without spaces");
  }
  const int remainder = WeightedSumOfNine(text) % 11;
  if (remainder == 0 || 10 - remainder != text[9] - '0') {
    return Error(core::ErrorCode::kInvalidUln, field,
                 "the ULN check digit does not match: check the number was copied correctly");
  }
  return core::Status::Ok();
}

core::StatusOr<std::string> NormalisePostcode(std::string_view field, std::string_view text) {
  const std::optional<PostcodeText> normalised = NormalisedPostcode(text);
  if (!normalised) return Error(core::ErrorCode::kInvalidPostcode, field, kNotAPostcode);
  return std::string(normalised->view());
}

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

core::Status ValidateName(std::string_view field, std::string_view text) {
  return ToStatus(field, NameProblem(text));
}

core::Status ValidatePhone(std::string_view field, std::string_view text) {
  return ToStatus(field, PhoneProblem(text));
}

core::Status ValidateEmail(std::string_view field, std::string_view text) {
  return ToStatus(field, EmailProblem(text));
}

core::Status ValidateChild(const Child& child, Date today) {
  const FieldPath root("");
  const FieldPath child_prefix("child.");
  RETURN_IF_ERROR(CheckPersonName(child_prefix, child.name));
  for (std::size_t i = 0; i < child.other_names.size(); ++i) {
    RETURN_IF_ERROR(
        CheckPersonName(FieldPath(child_prefix, "other_names", i, "."), child.other_names[i]));
  }

  const Date dob = child.date_of_birth.Reveal();
  RETURN_IF_ERROR(CheckDate("child.date_of_birth", dob));
  RETURN_IF_ERROR(ValidateDateOfBirth("child.date_of_birth", dob, today));
  if (child.date_of_death) {
    RETURN_IF_ERROR(CheckDate("child.date_of_death", *child.date_of_death));
    if (Before(today, *child.date_of_death)) {
      return Error(core::ErrorCode::kInvalidDate, "child.date_of_death",
                   "a date of death cannot be in the future");
    }
    if (Before(*child.date_of_death, dob)) {
      return Error(core::ErrorCode::kInvalidRecord, "child.date_of_death",
                   "cannot be before the date of birth; check both dates");
    }
  }

  if (child.address) {
    RETURN_IF_ERROR(CheckAddress(FieldPath(child_prefix, "address."), *child.address));
  }

  const Identifiers& ids = child.identifiers;
  if (ids.nhs_number) {
    RETURN_IF_ERROR(ValidateNhsNumber("child.identifiers.nhs_number", ids.nhs_number->Reveal()));
  }
  if (ids.upn) RETURN_IF_ERROR(ValidateUpn("child.identifiers.upn", ids.upn->Reveal()));
  if (ids.uln) RETURN_IF_ERROR(ValidateUln("child.identifiers.uln", ids.uln->Reveal()));

  for (std::size_t i = 0; i < child.carers.size(); ++i) {
    const FieldPath prefix(root, "carers", i, ".");
    RETURN_IF_ERROR(CheckPersonName(prefix, child.carers[i].name));
    RETURN_IF_ERROR(CheckContact(prefix, child.carers[i].contact));
  }

  bool has_current_lead = false;
  for (std::size_t i = 0; i < child.involvements.size(); ++i) {
    const Involvement& involvement = child.involvements[i];
    const FieldPath prefix(root, "services", i, ".");
    RETURN_IF_ERROR(CheckInvolvement(prefix, involvement));
    if (involvement.lead_professional && !involvement.end) {
      if (has_current_lead) {
        return Error(core::ErrorCode::kInvalidRecord, FieldPath(prefix, "lead_professional").str(),
                     "a child has at most one current lead professional; end the previous "
                     "lead involvement or clear this flag");
      }
      has_current_lead = true;
    }
  }
  return core::Status::Ok();
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

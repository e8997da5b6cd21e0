#include "domain/validation.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cp::domain {
namespace {

using core::ErrorCode;

Date D(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

PersonalText T(std::string text) { return PersonalText(std::move(text)); }

// Repeats `unit` `n` times.
std::string Repeat(std::string_view unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

// The documented check rules, computed independently of the implementation.
constexpr std::string_view kUpnAlphabet = "ABCDEFGHJKLMNPQRTUVWXYZ";

std::string WithUpnCheckLetter(std::string_view body12) {
  int sum = 0;
  for (int i = 0; i < 12; ++i) {
    const char c = body12[i];
    const int value = (c >= '0' && c <= '9') ? c - '0' : static_cast<int>(kUpnAlphabet.find(c));
    sum += value * (i + 2);
  }
  return std::string(1, kUpnAlphabet[sum % 23]) + std::string(body12);
}

int WeightedNine(std::string_view digits) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (digits[i] - '0') * (10 - i);
  return sum;
}

std::string WithUlnCheckDigit(std::string_view first9) {
  return std::string(first9) + static_cast<char>('0' + 10 - WeightedNine(first9) % 11);
}

std::string WithNhsCheckDigit(std::string_view first9) {
  const int check = (11 - WeightedNine(first9) % 11) % 11;
  return std::string(first9) + static_cast<char>('0' + check);
}

bool StartsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// ---------------------------------------------------------------------------
// NHS number

TEST(NhsNumberTest, AcceptsKnownValidNumbers) {
  for (std::string_view text :
       {"9434765919", "4010232137", "1000000060" /* 11 -> 0 */, "9999999999"}) {
    EXPECT_TRUE(ValidateNhsNumber("nhs", text).ok()) << text;
  }
}

TEST(NhsNumberTest, AcceptsComputedCheckDigits) {
  for (std::string_view first9 : {"943476591", "401023213", "123456788", "000000000"}) {
    ASSERT_NE(WeightedNine(first9) % 11, 1) << "stem has check digit 10";
    const std::string nhs = WithNhsCheckDigit(first9);
    EXPECT_TRUE(ValidateNhsNumber("nhs", nhs).ok()) << nhs;
  }
}

TEST(NhsNumberTest, RejectsCheckDigitTen) {
  // 100000001: 1*10 + 1*2 = 12, 12 mod 11 = 1, 11 - 1 = 10: no final digit
  // can make a number with this stem valid.
  for (char last = '0'; last <= '9'; ++last) {
    const std::string text = std::string("100000001") + last;
    const core::Status s = ValidateNhsNumber("nhs", text);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidNhsNumber) << text;
  }
}

TEST(NhsNumberTest, RejectsWrongCheckDigit) {
  for (std::string_view text : {"9434765918", "9434765910", "4010232138", "1000000061"}) {
    EXPECT_EQ(ValidateNhsNumber("nhs", text).code(), ErrorCode::kInvalidNhsNumber) << text;
  }
}

TEST(NhsNumberTest, RejectsMalformedInput) {
  for (std::string_view text :
       {"", "943476591", "94347659190", "943 476 5919", "943-476-5919", " 9434765919",
        "9434765919 ", "94347659I9", "ABCDEFGHIJ", "+434765919", "٩٤٣٤٧٦٥٩١٩"}) {
    EXPECT_EQ(ValidateNhsNumber("nhs", text).code(), ErrorCode::kInvalidNhsNumber) << text;
  }
}

TEST(NhsNumberTest, MessageNamesFieldAndRule) {
  const core::Status s = ValidateNhsNumber("child.identifiers.nhs_number", "9434765918");
  EXPECT_TRUE(StartsWith(s.message(), "child.identifiers.nhs_number: ")) << s.message();
  EXPECT_NE(s.message().find("check digit"), std::string::npos);
}

// ---------------------------------------------------------------------------
// UPN

TEST(UpnTest, AcceptsPublishedExample) {
  // The example of the python-stdnum documentation of gb.upn.
  EXPECT_TRUE(ValidateUpn("upn", "B801200005001").ok());
  EXPECT_EQ(ValidateUpn("upn", "A801200005001").code(), ErrorCode::kInvalidUpn);
}

TEST(UpnTest, AcceptsCheckLettersComputedFromTheDocumentedRule) {
  for (std::string_view body : {"801200005001", "938123450014", "207000016049", "000000000000",
                                "999999999999", "81234567890A", "80120000500Z", "37300001234H"}) {
    const std::string upn = WithUpnCheckLetter(body);
    EXPECT_TRUE(ValidateUpn("upn", upn).ok()) << upn;
  }
}

TEST(UpnTest, RejectsEveryWrongCheckLetter) {
  for (std::string_view body : {"801200005001", "81234567890A"}) {
    const std::string valid = WithUpnCheckLetter(body);
    for (char letter : kUpnAlphabet) {
      if (letter == valid[0]) continue;
      std::string upn = valid;
      upn[0] = letter;
      EXPECT_EQ(ValidateUpn("upn", upn).code(), ErrorCode::kInvalidUpn) << upn;
    }
  }
}

TEST(UpnTest, TemporaryUpnLetterCountsByCheckAlphabetIndex) {
  // 'J' is index 8 in the check alphabet (I is skipped), not 9 as in A-Z.
  const std::string upn = WithUpnCheckLetter("80120000500J");
  EXPECT_TRUE(ValidateUpn("upn", upn).ok()) << upn;
}

TEST(UpnTest, RejectsMalformedInput) {
  const std::string valid = WithUpnCheckLetter("801200005001");
  std::string lower_first = valid;
  lower_first[0] = static_cast<char>(lower_first[0] - 'A' + 'a');
  for (std::string_view text : {
           std::string_view(""),
           std::string_view("B80120000500"),    // 12 characters
           std::string_view("B8012000050010"),  // 14 characters
           std::string_view(lower_first),
           std::string_view("b80120000500a"),
           std::string_view("X80120000A001"),  // letter in the digit part
           std::string_view("1801200005001"),  // digit as check letter
           std::string_view("I801200005001"),  // I, O, S are never check letters
           std::string_view("O801200005001"),
           std::string_view("S801200005001"),
           std::string_view("B80120000500I"),  // nor the final letter
           std::string_view("B80120000500O"),
           std::string_view("B80120000500S"),
           std::string_view("B 801200005001"),
           std::string_view("B80120000500 "),
       }) {
    EXPECT_EQ(ValidateUpn("upn", text).code(), ErrorCode::kInvalidUpn) << text;
  }
}

// ---------------------------------------------------------------------------
// ULN

TEST(UlnTest, AcceptsPublishedExamples) {
  // HESA's worked example, and one from a published ULN validator's README.
  EXPECT_TRUE(ValidateUln("uln", "9276308686").ok());
  EXPECT_TRUE(ValidateUln("uln", "1000102504").ok());
}

TEST(UlnTest, AcceptsCheckDigitsComputedFromTheDocumentedRule) {
  for (std::string_view first9 : {"927630868", "100010250", "123456789", "555555555"}) {
    ASSERT_NE(WeightedNine(first9) % 11, 0) << "stem has remainder 0";
    const std::string uln = WithUlnCheckDigit(first9);
    EXPECT_TRUE(ValidateUln("uln", uln).ok()) << uln;
  }
}

TEST(UlnTest, RejectsRemainderZero) {
  // 100000006: 1*10 + 6*2 = 22, remainder 0, so no check digit is valid.
  for (char last = '0'; last <= '9'; ++last) {
    const std::string text = std::string("100000006") + last;
    EXPECT_EQ(ValidateUln("uln", text).code(), ErrorCode::kInvalidUln) << text;
  }
}

TEST(UlnTest, RejectsWrongCheckDigit) {
  for (std::string_view text : {"9276308685", "9276308687", "1000102505"}) {
    EXPECT_EQ(ValidateUln("uln", text).code(), ErrorCode::kInvalidUln) << text;
  }
}

TEST(UlnTest, RejectsLeadingZeroEvenWithMatchingCheckDigit) {
  // 000000004 + 2 satisfies the checksum; a ULN never starts with 0.
  EXPECT_EQ(WithUlnCheckDigit("000000004"), "0000000042");
  EXPECT_EQ(ValidateUln("uln", "0000000042").code(), ErrorCode::kInvalidUln);
}

TEST(UlnTest, RejectsMalformedInput) {
  for (std::string_view text : {"", "927630868", "92763086860", "927 630 8686", "92763086A6",
                                " 9276308686", "9276308686\n"}) {
    EXPECT_EQ(ValidateUln("uln", text).code(), ErrorCode::kInvalidUln) << text;
  }
}

// ---------------------------------------------------------------------------
// Postcode

TEST(PostcodeTest, NormalisesEveryShape) {
  struct Case {
    std::string_view input;
    std::string_view expected;
  };
  const Case cases[] = {
      {"M1 1AA", "M1 1AA"},                                      // A9
      {"M60 1NW", "M60 1NW"},                                    // A99
      {"CR2 6XH", "CR2 6XH"},                                    // AA9
      {"DN55 1PT", "DN55 1PT"},                                  // AA99
      {"W1A 1HQ", "W1A 1HQ"},                                    // A9A
      {"EC1A 1BB", "EC1A 1BB"},                                  // AA9A
      {"GIR 0AA", "GIR 0AA"},                                    // the Girobank special case
      {"gir0aa", "GIR 0AA"},      {"ls14ab", "LS1 4AB"},         // lower case, no space
      {"Ls1 4aB", "LS1 4AB"},                                    // mixed case
      {"LS14AB", "LS1 4AB"},      {"  LS1   4AB  ", "LS1 4AB"},  // extra spaces
      {"L S 1 4 A B", "LS1 4AB"}, {"sw1a2aa", "SW1A 2AA"},      {"m11aa", "M1 1AA"},
      {"QQ9 9QQ", "QQ9 9QQ"},  // shape only: letters not used in real postcodes pass
  };
  for (const Case& c : cases) {
    auto result = NormalisePostcode("postcode", c.input);
    ASSERT_TRUE(result.ok()) << c.input << ": " << result.status().ToString();
    EXPECT_EQ(*result, c.expected) << c.input;
    auto again = NormalisePostcode("postcode", *result);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *result) << "not idempotent for " << c.input;
  }
}

TEST(PostcodeTest, RejectsWrongShapes) {
  for (std::string_view text : {
           "",           // empty
           "   ",        // only spaces
           "LS1",        // outward code only
           "M 1AA",      // outward code of one character
           "1S1 4AB",    // digit where a letter is required
           "LS1 A4B",    // inward code must start with a digit
           "LS1 44B",    // letter required
           "LS1 4A1",    // letter required
           "LSA1 4AB",   // AAA9 is not a shape
           "LS123 4AB",  // outward code too long
           "LS1 4AB1",   // too long
           "LS1-4AB",    // hyphen
           "LS1\t4AB",   // tab is not a space
           "LS1 4AB\n",  // line break
           "ŁS1 4AB",    // non-ASCII letter
           "LS1 4ÅB",
           "GIR 1AA",  // only GIR 0AA is special
           "9AA 9AA",
       }) {
    auto result = NormalisePostcode("postcode", text);
    EXPECT_FALSE(result.ok()) << "accepted: " << text;
    if (!result.ok()) {
      EXPECT_EQ(result.status().code(), ErrorCode::kInvalidPostcode) << text;
    }
  }
}

// ---------------------------------------------------------------------------
// Dates

TEST(DateTest, ParsesRealDates) {
  struct Case {
    std::string_view text;
    Date expected;
  };
  const Case cases[] = {
      {"2015-03-02", D(2015, 3, 2)},   {"2016-02-29", D(2016, 2, 29)},
      {"2000-02-29", D(2000, 2, 29)},  {"1900-01-01", D(1900, 1, 1)},
      {"2199-12-31", D(2199, 12, 31)}, {"2015-04-30", D(2015, 4, 30)},
  };
  for (const Case& c : cases) {
    auto date = ParseDate("date", c.text);
    ASSERT_TRUE(date.ok()) << c.text;
    EXPECT_EQ(*date, c.expected) << c.text;
    EXPECT_EQ(FormatDate(*date), c.text);
  }
}

TEST(DateTest, RejectsImpossibleAndMalformedDates) {
  for (std::string_view text : {
           "2015-02-29",  // not a leap year
           "1900-02-29",  // century, not a leap year
           "2100-02-29",
           "2015-04-31",  // April has 30 days
           "2015-00-10",  // month 00
           "2015-10-00",  // day 00
           "2015-13-01",  "2015-01-32",
           "1899-12-31",  // before 1900
           "2200-01-01",  // after 2199
           "2015/03/02",  // wrong separators
           "2015.03.02",  "02-03-2015",           "2015-3-2", "20150302",   " 2015-03-02",
           "2015-03-02 ", "2015-03-02T00:00:00Z", "",         "abcd-ef-gh", "+015-03-02",
       }) {
    auto date = ParseDate("date", text);
    EXPECT_FALSE(date.ok()) << "accepted: " << text;
    if (!date.ok()) {
      EXPECT_EQ(date.status().code(), ErrorCode::kInvalidDate);
    }
  }
}

TEST(DateOfBirthTest, AcceptsTodayAndRejectsTomorrow) {
  EXPECT_TRUE(ValidateDateOfBirth("dob", D(2026, 11, 21), D(2026, 11, 21)).ok());
  EXPECT_TRUE(ValidateDateOfBirth("dob", D(2008, 2, 29), D(2026, 11, 21)).ok());
  EXPECT_EQ(ValidateDateOfBirth("dob", D(2026, 11, 22), D(2026, 11, 21)).code(),
            ErrorCode::kInvalidDate);
  EXPECT_EQ(ValidateDateOfBirth("dob", D(2015, 2, 29), D(2026, 11, 21)).code(),
            ErrorCode::kInvalidDate);
}

// ---------------------------------------------------------------------------
// Coded values

TEST(GenderTest, EveryEnumeratorRoundTripsThroughItsName) {
  for (Gender g : {Gender::kMale, Gender::kFemale, Gender::kUnknown, Gender::kUnspecified}) {
    auto parsed = ParseGender("gender", GenderName(g));
    ASSERT_TRUE(parsed.ok()) << GenderName(g);
    EXPECT_EQ(*parsed, g);
  }
  EXPECT_EQ(GenderName(Gender::kMale), "male");
  EXPECT_EQ(GenderName(Gender::kUnspecified), "unspecified");
}

TEST(GenderTest, RejectsUnknownCodesListingAllowedValues) {
  for (std::string_view text : {"", "Male", "FEMALE", "m", "f", "other", "male "}) {
    auto parsed = ParseGender("child.gender", text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidGender);
    EXPECT_NE(parsed.status().message().find("male, female, unknown, unspecified"),
              std::string::npos);
  }
}

constexpr int kServiceTypeCount = static_cast<int>(ServiceType::kSubstanceMisuse) + 1;

TEST(ServiceTypeTest, EveryEnumeratorRoundTripsThroughItsName) {
  std::vector<std::string_view> names;
  for (int i = 0; i < kServiceTypeCount; ++i) {
    const auto type = static_cast<ServiceType>(i);
    const std::string_view name = ServiceTypeName(type);
    EXPECT_NE(name, "unknown") << i;
    auto parsed = ParseServiceType("type", name);
    ASSERT_TRUE(parsed.ok()) << name;
    EXPECT_EQ(*parsed, type);
    names.push_back(name);
  }
  EXPECT_EQ(names.size(), 20u);
}

TEST(ServiceTypeTest, RejectsUnknownTypesListingAllowedValues) {
  for (std::string_view text : {"", "School", "hospital", "sexual-health", "unspecified"}) {
    auto parsed = ParseServiceType("services[0].type", text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidServiceType);
    for (int i = 0; i < kServiceTypeCount; ++i) {
      const std::string_view name = ServiceTypeName(static_cast<ServiceType>(i));
      EXPECT_NE(parsed.status().message().find(name), std::string::npos) << name;
    }
  }
}

TEST(ServiceTypeTest, ClassifiesUniversalAdditionalAndSensitive) {
  for (int i = 0; i < kServiceTypeCount; ++i) {
    const auto type = static_cast<ServiceType>(i);
    const ServiceClass expected = type <= ServiceType::kSchoolNurse    ? ServiceClass::kUniversal
                                  : type >= ServiceType::kSexualHealth ? ServiceClass::kSensitive
                                                                       : ServiceClass::kAdditional;
    EXPECT_EQ(ClassOf(type), expected) << ServiceTypeName(type);
  }
}

constexpr int kRelationshipCount = static_cast<int>(Relationship::kOtherCarer) + 1;

TEST(RelationshipTest, EveryEnumeratorRoundTripsThroughItsName) {
  for (int i = 0; i < kRelationshipCount; ++i) {
    const auto relationship = static_cast<Relationship>(i);
    const std::string_view name = RelationshipName(relationship);
    EXPECT_NE(name, "unknown") << i;
    auto parsed = ParseRelationship("relationship", name);
    ASSERT_TRUE(parsed.ok()) << name;
    EXPECT_EQ(*parsed, relationship);
  }
  EXPECT_EQ(RelationshipName(Relationship::kLocalAuthority), "local_authority");
}

TEST(RelationshipTest, RejectsUnknownRelationshipsListingAllowedValues) {
  for (std::string_view text : {"", "Mother", "aunt", "local authority"}) {
    auto parsed = ParseRelationship("carers[0].relationship", text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidRelationship);
    for (int i = 0; i < kRelationshipCount; ++i) {
      const std::string_view name = RelationshipName(static_cast<Relationship>(i));
      EXPECT_NE(parsed.status().message().find(name), std::string::npos) << name;
    }
  }
}

// ---------------------------------------------------------------------------
// Names

TEST(NameTest, AcceptsNamesInAnyScript) {
  for (std::string_view text : {
           "Smith",
           "Zoë",
           "O’Brien",
           "O'Brien",
           "Nguyễn",
           "Анна",
           "Smith-Jones",
           "St. John",
           "José María",
           "Müller",
           "Łukasz",
           "Ørsted",
           "Αλέξανδρος",
           "李",
           "佐々木",
           "محمد",
           "דוד",
           "ශ්‍රී",
           "Nguye\u0302\u0303n" /* decomposed accents */,
           "Leeds City Council",
           "a",
       }) {
    const core::Status s = ValidateName("name", text);
    EXPECT_TRUE(s.ok()) << text << ": " << s.ToString();
  }
}

TEST(NameTest, CountsCharactersNotBytes) {
  EXPECT_TRUE(ValidateName("name", Repeat("a", 100)).ok());
  EXPECT_TRUE(ValidateName("name", Repeat("Я", 100)).ok());   // 200 bytes, 100 characters
  EXPECT_TRUE(ValidateName("name", Repeat("李", 100)).ok());  // 300 bytes
  EXPECT_EQ(ValidateName("name", Repeat("a", 101)).code(), ErrorCode::kInvalidName);
  EXPECT_EQ(ValidateName("name", Repeat("Я", 101)).code(), ErrorCode::kInvalidName);
}

TEST(NameTest, RejectsInvalidNames) {
  struct Case {
    std::string_view label;
    std::string text;
  };
  const Case cases[] = {
      {"empty", ""},
      {"ASCII digit", "John2"},
      {"Arabic-Indic digit", "محمد٣"},
      {"full-width digit", "Ann１"},
      {"tab", "Mary\tAnn"},
      {"line break", "Mary\nAnn"},
      {"NUL", std::string("Mary\0Ann", 8)},
      {"DEL", "Mary\x7f"},
      {"C1 control", "Mary\xc2\x85"},
      {"invalid byte", "Mary\xff"},
      {"stray continuation byte", "\x80Mary"},
      {"truncated sequence", "Zo\xc3"},
      {"overlong slash", "a\xc0\xaf"},
      {"overlong two-byte lead C1", "a\xc1\xbf"},
      {"overlong three-byte", "a\xe0\x80\xaf"},
      {"overlong four-byte", "a\xf0\x80\x80\xaf"},
      {"surrogate", "a\xed\xa0\x80"},
      {"above U+10FFFF", "a\xf4\x90\x80\x80"},
      {"F5 lead byte", "a\xf5\x80\x80\x80"},
      {"only hyphen", "-"},
      {"only apostrophe", "'"},
      {"only punctuation and spaces", ". - ’"},
      {"only a space", " "},
      {"only combining marks", "\u0301\u0302"},
      {"at sign", "J@ne"},
      {"exclamation", "Jane!"},
      {"comma", "Smith, Jane"},
      {"parenthesis", "Jane (Jo)"},
      {"emoji", "Jane😀"},
      {"no-break space", "Jane\u00a0Doe"},
      {"zero-width space", "Jane\u200bDoe"},
      {"right-to-left override", "Jane\u202eDoe"},
      {"byte order mark", "\ufeffJane"},
      {"private use", "Jane\ue000"},
      {"mathematical bold letters", "\U0001d409\U0001d41a\U0001d427\U0001d41e"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ValidateName("child.family_name", c.text).code(), ErrorCode::kInvalidName) << c.label;
  }
}

TEST(NameTest, MessageNamesFieldAndNotValue) {
  const core::Status s = ValidateName("child.given_names", "Xanthippe7");
  EXPECT_TRUE(StartsWith(s.message(), "child.given_names: ")) << s.message();
  EXPECT_EQ(s.message().find("Xanthippe"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Phone and email

TEST(PhoneTest, AcceptsUkNumbers) {
  for (std::string_view text :
       {"0113 496 0000", "01134960000", "+44 113 496 0000", "+441134960000", "07700 900123",
        "0800123456" /* 10 digits */, "1234567890123" /* 13 digits */, "0113  496  0000"}) {
    EXPECT_TRUE(ValidatePhone("phone", text).ok()) << text;
  }
}

TEST(PhoneTest, RejectsMalformedNumbers) {
  for (std::string_view text : {
           "",
           "+",
           "123456789" /* 9 digits */,
           "12345678901234" /* 14 digits */,
           "++44 113 496 0000",
           "44+1134960000",
           "0113-496-0000",
           "(0113) 496 0000",
           "0113 496 000O",
           " 0113 496 0000",
           "0113 496 0000 ",
           "0113 496 0000 ext 2",
           "0 1 1 3 4 9 6 0 0 0 0" /* 21 characters */,
           "0113\t496\t0000",
           "+ 44 113 496 0000",
           "٠١١٣٤٩٦٠٠٠٠",
       }) {
    EXPECT_EQ(ValidatePhone("phone", text).code(), ErrorCode::kInvalidContactDetails) << text;
  }
}

TEST(EmailTest, AcceptsPlausibleAddresses) {
  for (std::string_view text : {"jane.smith@example.org.uk", "a@b.co", "first+tag@example.com",
                                "zoë@example.com", "o'brien@school.sch.uk"}) {
    EXPECT_TRUE(ValidateEmail("email", text).ok()) << text;
  }
  const std::string longest = Repeat("a", 64) + "@" + Repeat("b", 185) + ".com";
  ASSERT_EQ(longest.size(), 254u);
  EXPECT_TRUE(ValidateEmail("email", longest).ok());
}

TEST(EmailTest, RejectsMalformedAddresses) {
  const std::string too_long = Repeat("a", 64) + "@" + Repeat("b", 186) + ".com";
  ASSERT_EQ(too_long.size(), 255u);
  for (std::string_view text : {
           std::string_view(""),
           std::string_view("jane"),
           std::string_view("@example.com"),
           std::string_view("jane@"),
           std::string_view("jane@example"),
           std::string_view("jane@@example.com"),
           std::string_view("a@b@c.com"),
           std::string_view("ja ne@example.com"),
           std::string_view("jane@exa mple.com"),
           std::string_view("jane@example.com\n"),
           std::string_view("jane@.example.com"),
           std::string_view("jane@example.com."),
           std::string_view("jane@example..com"),
           std::string_view("\xff@example.com"),
           std::string_view(too_long),
       }) {
    EXPECT_EQ(ValidateEmail("email", text).code(), ErrorCode::kInvalidContactDetails) << text;
  }
}

// ---------------------------------------------------------------------------
// Whole records

const Date kToday = D(2026, 11, 21);

Address MakeAddress(std::vector<std::string> lines, std::string postcode) {
  Address address;
  address.lines = core::Sensitive<std::vector<std::string>>(std::move(lines));
  address.postcode = T(std::move(postcode));
  return address;
}

// A child exercising every part of the model, valid on kToday.
Child ValidChild() {
  Child child;
  child.name = {T("Amelia Rose"), T("Smith")};
  child.other_names = {{T("Amy"), T("Jones")}, {T("Zoë"), T("O’Brien")}};
  child.gender = Gender::kFemale;
  child.date_of_birth = core::Sensitive<Date>(D(2015, 3, 2));
  child.address = MakeAddress({"Flat 2", "12 High Street", "Headingley", "Leeds"}, "LS1 4AB");
  child.identifiers.nhs_number = T("9434765919");
  child.identifiers.upn = T("B801200005001");
  child.identifiers.uln = T("9276308686");

  Carer mother;
  mother.name = {T("Jane"), T("Smith")};
  mother.relationship = Relationship::kMother;
  mother.parental_responsibility = true;
  mother.contact.phone = T("0113 496 0000");
  mother.contact.email = T("jane.smith@example.org.uk");
  mother.contact.address = MakeAddress({"12 High Street", "Leeds"}, "LS1 4AB");
  Carer authority;
  authority.name = {T(""), T("Leeds City Council")};
  authority.relationship = Relationship::kLocalAuthority;
  authority.parental_responsibility = true;
  child.carers = {mother, authority};

  Involvement school;
  school.type = ServiceType::kSchool;
  school.organisation.name = "Leeds Primary";
  school.organisation.code = "URN:107999";
  school.organisation.contact.phone = T("0113 496 0001");
  school.organisation.contact.address = MakeAddress({"1 School Lane", "Leeds"}, "LS2 9JT");
  school.start = D(2020, 9, 1);

  Involvement social_care;
  social_care.type = ServiceType::kSocialCare;
  social_care.organisation.name = "Leeds Children's Social Work Service";
  social_care.practitioner = PersonName{T("Sam"), T("Patel")};
  social_care.practitioner_contact.email = T("sam.patel@example.gov.uk");
  social_care.start = D(2025, 1, 6);
  social_care.lead_professional = true;
  social_care.caf_holder = true;

  Involvement sexual_health;
  sexual_health.type = ServiceType::kSexualHealth;
  sexual_health.organisation.name = "Clinic";
  sexual_health.consent = SensitiveConsent{SensitiveConsent::GivenBy::kChild, D(2026, 1, 5)};

  Involvement mental_health;
  mental_health.type = ServiceType::kMentalHealth;
  mental_health.organisation.name = "CAMHS";
  mental_health.override_ground = SensitiveOverride::kChildProtection;

  Involvement former_lead;
  former_lead.type = ServiceType::kFamilySupport;
  former_lead.organisation.name = "Family Support Team";
  former_lead.start = D(2022, 1, 1);
  former_lead.end = D(2022, 12, 31);
  former_lead.lead_professional = true;

  child.involvements = {school, social_care, sexual_health, mental_health, former_lead};
  return child;
}

TEST(ValidateChildTest, AcceptsValidFullChild) {
  const core::Status s = ValidateChild(ValidChild(), kToday);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(ValidateChildTest, AcceptsMinimalNewbornWithoutGivenNames) {
  Child child;
  child.name.family_name = T("Smith");
  child.date_of_birth = core::Sensitive<Date>(kToday);
  const core::Status s = ValidateChild(child, kToday);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(ValidateChildTest, AcceptsBoundaryValues) {
  Child child = ValidChild();
  child.date_of_death = child.date_of_birth.Reveal();       // died on the day of birth
  child.involvements[0].end = child.involvements[0].start;  // one-day involvement
  child.address->lines.Mutable().resize(kMaxAddressLines, "Line");
  child.address->lines.Mutable()[0] = Repeat("é", 100);
  child.involvements[1].organisation.name = Repeat("x", 150);
  child.involvements[0].organisation.code = Repeat("C", 32);
  const core::Status s = ValidateChild(child, kToday);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(ValidateChildTest, AllowsOneCurrentLeadAlongsideEndedLeads) {
  Child child = ValidChild();
  child.involvements[1].lead_professional = false;
  child.involvements[0].lead_professional = true;  // the ended one at [4] does not count
  EXPECT_TRUE(ValidateChild(child, kToday).ok());
}

// One record rule broken per case. `value` is the bad value planted, if any:
// it must never appear in the message.
struct RuleCase {
  std::string_view rule;
  std::string value;
  std::function<void(Child&, const std::string&)> mutate;
  ErrorCode code;
  std::string_view field;
};

std::vector<RuleCase> RuleCases() {
  return {
      {"family name required", "",
       [](Child& c, const std::string& v) { c.name.family_name = T(v); }, ErrorCode::kInvalidName,
       "child.family_name"},
      {"family name without digits", "Smith9x",
       [](Child& c, const std::string& v) { c.name.family_name = T(v); }, ErrorCode::kInvalidName,
       "child.family_name"},
      {"given names valid when present", "Am3lia",
       [](Child& c, const std::string& v) { c.name.given_names = T(v); }, ErrorCode::kInvalidName,
       "child.given_names"},
      {"alternative given names valid", "Zo\xc3",
       [](Child& c, const std::string& v) { c.other_names[1].given_names = T(v); },
       ErrorCode::kInvalidName, "child.other_names[1].given_names"},
      {"alternative family name required", "",
       [](Child& c, const std::string& v) { c.other_names[0].family_name = T(v); },
       ErrorCode::kInvalidName, "child.other_names[0].family_name"},
      {"date of birth not in the future", "",
       [](Child& c, const std::string&) {
         c.date_of_birth = core::Sensitive<Date>(D(2026, 11, 22));
       },
       ErrorCode::kInvalidDate, "child.date_of_birth"},
      {"date of birth a real date", "",
       [](Child& c, const std::string&) {
         c.date_of_birth = core::Sensitive<Date>(D(2015, 2, 30));
       },
       ErrorCode::kInvalidDate, "child.date_of_birth"},
      {"date of birth from 1900", "",
       [](Child& c, const std::string&) {
         c.date_of_birth = core::Sensitive<Date>(D(1899, 12, 31));
       },
       ErrorCode::kInvalidDate, "child.date_of_birth"},
      {"death not before birth", "",
       [](Child& c, const std::string&) { c.date_of_death = D(2015, 3, 1); },
       ErrorCode::kInvalidRecord, "child.date_of_death"},
      {"death not in the future", "",
       [](Child& c, const std::string&) { c.date_of_death = D(2026, 11, 22); },
       ErrorCode::kInvalidDate, "child.date_of_death"},
      {"at most six address lines", "Seventh Line",
       [](Child& c, const std::string& v) {
         c.address->lines.Mutable().resize(kMaxAddressLines, "Line");
         c.address->lines.Mutable().push_back(v);
       },
       ErrorCode::kInvalidContactDetails, "child.address.lines"},
      {"address line length", Repeat("y", 101),
       [](Child& c, const std::string& v) { c.address->lines.Mutable()[3] = v; },
       ErrorCode::kInvalidContactDetails, "child.address.lines[3]"},
      {"address line not blank", "   ",
       [](Child& c, const std::string& v) { c.address->lines.Mutable()[1] = v; },
       ErrorCode::kInvalidContactDetails, "child.address.lines[1]"},
      {"address line without control characters", "12 High\nStreet",
       [](Child& c, const std::string& v) { c.address->lines.Mutable()[0] = v; },
       ErrorCode::kInvalidContactDetails, "child.address.lines[0]"},
      {"postcode stored normalised", "ls14ab",
       [](Child& c, const std::string& v) { c.address->postcode = T(v); },
       ErrorCode::kInvalidPostcode, "child.address.postcode"},
      {"postcode shape", "LSX 4AB",
       [](Child& c, const std::string& v) { c.address->postcode = T(v); },
       ErrorCode::kInvalidPostcode, "child.address.postcode"},
      {"NHS number check digit", "9434765918",
       [](Child& c, const std::string& v) { c.identifiers.nhs_number = T(v); },
       ErrorCode::kInvalidNhsNumber, "child.identifiers.nhs_number"},
      {"UPN check letter", "C801200005001",
       [](Child& c, const std::string& v) { c.identifiers.upn = T(v); }, ErrorCode::kInvalidUpn,
       "child.identifiers.upn"},
      {"ULN check digit", "9276308685",
       [](Child& c, const std::string& v) { c.identifiers.uln = T(v); }, ErrorCode::kInvalidUln,
       "child.identifiers.uln"},
      {"carer phone", "0113-496-0000",
       [](Child& c, const std::string& v) { c.carers[0].contact.phone = T(v); },
       ErrorCode::kInvalidContactDetails, "carers[0].phone"},
      {"carer email", "jane.smith.example.org",
       [](Child& c, const std::string& v) { c.carers[0].contact.email = T(v); },
       ErrorCode::kInvalidContactDetails, "carers[0].email"},
      {"carer family name", "Council #2",
       [](Child& c, const std::string& v) { c.carers[1].name.family_name = T(v); },
       ErrorCode::kInvalidName, "carers[1].family_name"},
      {"carer address postcode", "LS1 4AB9",
       [](Child& c, const std::string& v) { c.carers[0].contact.address->postcode = T(v); },
       ErrorCode::kInvalidPostcode, "carers[0].address.postcode"},
      {"organisation name required", "",
       [](Child& c, const std::string& v) { c.involvements[2].organisation.name = v; },
       ErrorCode::kInvalidRecord, "services[2].organisation.name"},
      {"organisation name length", Repeat("z", 151),
       [](Child& c, const std::string& v) { c.involvements[2].organisation.name = v; },
       ErrorCode::kInvalidRecord, "services[2].organisation.name"},
      {"organisation code length", Repeat("Q", 33),
       [](Child& c, const std::string& v) { c.involvements[0].organisation.code = v; },
       ErrorCode::kInvalidRecord, "services[0].organisation.code"},
      {"organisation phone", "01134960001x",
       [](Child& c, const std::string& v) { c.involvements[0].organisation.contact.phone = T(v); },
       ErrorCode::kInvalidContactDetails, "services[0].organisation.phone"},
      {"organisation address line", "School\tLane",
       [](Child& c, const std::string& v) {
         c.involvements[0].organisation.contact.address->lines.Mutable()[0] = v;
       },
       ErrorCode::kInvalidContactDetails, "services[0].organisation.address.lines[0]"},
      {"practitioner name", "P4tel",
       [](Child& c, const std::string& v) { c.involvements[1].practitioner->family_name = T(v); },
       ErrorCode::kInvalidName, "services[1].practitioner.family_name"},
      {"practitioner email", "sam patel@example.gov.uk",
       [](Child& c, const std::string& v) { c.involvements[1].practitioner_contact.email = T(v); },
       ErrorCode::kInvalidContactDetails, "services[1].practitioner.email"},
      {"involvement start a real date", "",
       [](Child& c, const std::string&) { c.involvements[0].start = D(2020, 9, 31); },
       ErrorCode::kInvalidDate, "services[0].start"},
      {"involvement does not end before it starts", "",
       [](Child& c, const std::string&) { c.involvements[1].end = D(2025, 1, 5); },
       ErrorCode::kInvalidRecord, "services[1].end"},
      {"sensitive service needs consent or override", "",
       [](Child& c, const std::string&) { c.involvements[2].consent.reset(); },
       ErrorCode::kInvalidRecord, "services[2].sensitive_consent"},
      {"consent date a real date", "",
       [](Child& c, const std::string&) { c.involvements[2].consent->date = D(2026, 2, 29); },
       ErrorCode::kInvalidDate, "services[2].sensitive_consent.date"},
      {"non-sensitive service carries no consent", "",
       [](Child& c, const std::string&) {
         c.involvements[0].consent =
             SensitiveConsent{SensitiveConsent::GivenBy::kParent, D(2020, 9, 1)};
       },
       ErrorCode::kInvalidRecord, "services[0].sensitive_consent"},
      {"non-sensitive service carries no override", "",
       [](Child& c, const std::string&) {
         c.involvements[0].override_ground = SensitiveOverride::kChildProtection;
       },
       ErrorCode::kInvalidRecord, "services[0].sensitive_override"},
      {"at most one current lead professional", "",
       [](Child& c, const std::string&) { c.involvements[3].lead_professional = true; },
       ErrorCode::kInvalidRecord, "services[3].lead_professional"},
  };
}

TEST(ValidateChildTest, EachRuleReportsItsCodeAndFieldPath) {
  for (const RuleCase& c : RuleCases()) {
    SCOPED_TRACE(std::string(c.rule));
    Child child = ValidChild();
    c.mutate(child, c.value);
    const core::Status s = ValidateChild(child, kToday);
    EXPECT_EQ(s.code(), c.code) << s.ToString();
    EXPECT_TRUE(StartsWith(s.message(), std::string(c.field) + ": ")) << s.message();
  }
}

TEST(ValidateChildTest, MessagesNeverContainTheInvalidValue) {
  for (const RuleCase& c : RuleCases()) {
    if (c.value.size() < 3) continue;  // too short to be distinctive
    SCOPED_TRACE(std::string(c.rule));
    Child child = ValidChild();
    c.mutate(child, c.value);
    const core::Status s = ValidateChild(child, kToday);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.message().find(c.value), std::string::npos) << s.message();
  }
  // And the validators on their own, fed distinctive bad values.
  EXPECT_EQ(ValidateNhsNumber("n", "9876543219").message().find("9876543219"), std::string::npos);
  EXPECT_EQ(ValidateUpn("u", "Z801200005001").message().find("Z801200005001"), std::string::npos);
  EXPECT_EQ(ValidateUln("u", "9276308680").message().find("9276308680"), std::string::npos);
  EXPECT_EQ(NormalisePostcode("p", "QQ99Q 9QQ").status().message().find("QQ99Q"),
            std::string::npos);
  EXPECT_EQ(ParseDate("d", "2015-02-30").status().message().find("2015-02-30"), std::string::npos);
  EXPECT_EQ(ValidatePhone("p", "0161 555 012X").message().find("0161 555"), std::string::npos);
  EXPECT_EQ(ValidateEmail("e", "jane@@smith.example").message().find("jane"), std::string::npos);
}

TEST(ValidateChildTest, ReportsTheFirstErrorInRecordOrder) {
  Child child = ValidChild();
  child.identifiers.nhs_number = T("9434765918");
  child.carers[0].contact.phone = T("not a phone");
  child.name.family_name = T("");
  EXPECT_TRUE(StartsWith(ValidateChild(child, kToday).message(), "child.family_name: "));
  child.name.family_name = T("Smith");
  EXPECT_TRUE(StartsWith(ValidateChild(child, kToday).message(), "child.identifiers.nhs_number: "));
}

}  // namespace
}  // namespace cp::domain

#include "domain/ids.h"

#include <array>

namespace cp::domain {
namespace {

// The Damm quasigroup of order 10 (weakly totally anti-symmetric).
constexpr std::array<std::array<int, 10>, 10> kDamm = {{
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
    {7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
    {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
    {1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
    {6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
    {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
    {8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
    {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
    {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}};

constexpr std::uint64_t kMin = 100'000'000'000ULL;  // 12 digits, first non-zero
constexpr std::uint64_t kMax = 999'999'999'999ULL;

core::Status Invalid(std::string message) {
  return core::Status(core::ErrorCode::kInvalidContactPointId, std::move(message));
}

}  // namespace

int ContactPointId::CheckDigit(std::string_view digits) {
  int interim = 0;
  for (char c : digits) interim = kDamm[interim][c - '0'];
  return interim;
}

core::StatusOr<ContactPointId> ContactPointId::Parse(std::string_view text) {
  std::string digits;
  digits.reserve(kDigits);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == ' ' && (i == 4 || i == 9) && text.size() == kDigits + 2) {
      continue;  // display form "1234 5678 9012"
    } else {
      return Invalid("a ContactPoint ID is 12 digits (spaces allowed only as 1234 5678 9012)");
    }
    if (digits.size() > kDigits) break;
  }
  if (digits.size() != kDigits) {
    return Invalid("a ContactPoint ID is 12 digits (spaces allowed only as 1234 5678 9012)");
  }
  if (digits[0] == '0') return Invalid("a ContactPoint ID never starts with 0");
  if (CheckDigit(digits) != 0) {
    return Invalid("the ContactPoint ID check digit does not match: check the number was copied correctly");
  }
  return ContactPointId(std::stoull(digits));
}

core::StatusOr<ContactPointId> ContactPointId::FromNumber(std::uint64_t number) {
  if (number < kMin || number > kMax) return Invalid("a ContactPoint ID is 12 digits");
  return Parse(std::to_string(number));
}

ContactPointId ContactPointId::Generate(core::Random& random) {
  const std::uint64_t body = kMin / 10 + random.Uniform(kMax / 10 - kMin / 10 + 1);
  const std::string digits = std::to_string(body);
  return ContactPointId(body * 10 + static_cast<std::uint64_t>(CheckDigit(digits)));
}

std::string ContactPointId::ToString() const { return std::to_string(number_); }

std::string ContactPointId::ToDisplay() const {
  const std::string s = ToString();
  return s.substr(0, 4) + " " + s.substr(4, 4) + " " + s.substr(8, 4);
}

}  // namespace cp::domain

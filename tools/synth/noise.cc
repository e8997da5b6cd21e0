#include "synth/noise.h"

#include <array>
#include <cctype>

namespace cp::synth {
namespace {

// Neighbours of each lower-case letter on a UK QWERTY keyboard.
constexpr std::array<std::string_view, 26> kNeighbours = {
    "qwsz",    // a
    "vghn",    // b
    "xdfv",    // c
    "serfcx",  // d
    "wsdr",    // e
    "drtgvc",  // f
    "ftyhbv",  // g
    "gyujnb",  // h
    "ujko",    // i
    "huikmn",  // j
    "jiolm",   // k
    "kop",     // l
    "njk",     // m
    "bhjm",    // n
    "iklp",    // o
    "ol",      // p
    "wa",      // q
    "edft",    // r
    "awedxz",  // s
    "rfgy",    // t
    "yhji",    // u
    "cfgb",    // v
    "qase",    // w
    "zsdc",    // x
    "tghu",    // y
    "asx",     // z
};

bool IsLetter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::string Typo(std::string_view name, core::SeededRandom& random) {
  std::string out(name);
  std::vector<std::size_t> letters;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (IsLetter(out[i])) letters.push_back(i);
  }
  if (letters.size() < 3) return out;
  // Keep the first letter: keying errors there are rarer, and a name must
  // keep at least one letter anyway.
  const std::size_t pick = 1 + random.Uniform(letters.size() - 1);
  const std::size_t at = letters[pick];
  switch (random.Uniform(3)) {
    case 0: {  // adjacent key
      const bool upper = std::isupper(static_cast<unsigned char>(out[at])) != 0;
      const auto lower = static_cast<char>(std::tolower(static_cast<unsigned char>(out[at])));
      const std::string_view near = kNeighbours[static_cast<std::size_t>(lower - 'a')];
      char c = near[random.Uniform(near.size())];
      out[at] = upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      break;
    }
    case 1: {  // transposition with the previous letter (not the first)
      const std::size_t before = letters[pick - 1];
      if (before + 1 == at && pick > 1) {
        std::swap(out[before], out[at]);
      } else if (pick + 1 < letters.size() && letters[pick + 1] == at + 1) {
        std::swap(out[at], out[at + 1]);
      } else {
        out.erase(at, 1);
      }
      break;
    }
    default:  // dropped letter
      out.erase(at, 1);
  }
  return out;
}

std::string Nickname(std::string_view name, const ReferenceData& data, core::SeededRandom& random) {
  const std::vector<std::string>& variants = data.FirstNameVariants(name);
  if (variants.empty()) return std::string(name);
  return variants[random.Uniform(variants.size())];
}

std::string SurnameForm(std::string_view name, const ReferenceData& data,
                        core::SeededRandom& random) {
  std::size_t split = name.find('-');
  if (split == std::string_view::npos) split = name.find(' ');
  if (split != std::string_view::npos && split > 0 && split + 1 < name.size()) {
    const std::string_view first = name.substr(0, split);
    const std::string_view second = name.substr(split + 1);
    switch (random.Uniform(4)) {
      case 0:
        return std::string(first) + (name[split] == '-' ? " " : "-") + std::string(second);
      case 1: {
        std::string joined(first);
        std::string tail(second);
        for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return joined + tail;
      }
      case 2:
        return std::string(first);
      default:
        return std::string(second);
    }
  }
  const std::vector<std::string>& variants = data.SurnameVariants(name);
  if (variants.empty()) return std::string(name);
  return variants[random.Uniform(variants.size())];
}

domain::Date SwapDayMonth(domain::Date date, domain::Date today) {
  const unsigned day = static_cast<unsigned>(date.day());
  const unsigned month = static_cast<unsigned>(date.month());
  if (day > 12 || day == month) return date;
  const domain::Date swapped{date.year(), std::chrono::month{day}, std::chrono::day{month}};
  if (!swapped.ok() || std::chrono::sys_days(swapped) > std::chrono::sys_days(today)) return date;
  return swapped;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (n.empty()) continue;
    if (!out.empty()) out += ' ';
    out += n;
  }
  return out;
}

}  // namespace cp::synth

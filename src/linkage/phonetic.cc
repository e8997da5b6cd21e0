#include "linkage/phonetic.h"

#include <string>

namespace cp::linkage {
namespace {

bool IsVowel(char c) { return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U'; }

bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::string_view(s).substr(0, prefix.size()) == prefix;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         std::string_view(s).substr(s.size() - suffix.size()) == suffix;
}

// Whether `s` holds `what` at position `i`.
bool At(const std::string& s, std::size_t i, std::string_view what) {
  return i + what.size() <= s.size() && std::string_view(s).substr(i, what.size()) == what;
}

}  // namespace

std::string Nysiis(std::string_view name, std::size_t max_length) {
  std::string s;
  s.reserve(name.size());
  for (char c : name) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c >= 'A' && c <= 'Z') s.push_back(c);
  }
  if (s.empty()) return s;

  // 1. The start of the name.
  if (StartsWith(s, "MAC")) {
    s.replace(0, 3, "MCC");
  } else if (StartsWith(s, "KN")) {
    s.replace(0, 2, "NN");
  } else if (StartsWith(s, "K")) {
    s[0] = 'C';
  } else if (StartsWith(s, "PH") || StartsWith(s, "PF")) {
    s.replace(0, 2, "FF");
  } else if (StartsWith(s, "SCH")) {
    s.replace(0, 3, "SSS");
  }
  // 2. The end of the name.
  if (EndsWith(s, "EE") || EndsWith(s, "IE")) {
    s.replace(s.size() - 2, 2, "Y");
  } else if (EndsWith(s, "DT") || EndsWith(s, "RT") || EndsWith(s, "RD") || EndsWith(s, "NT") ||
             EndsWith(s, "ND")) {
    s.replace(s.size() - 2, 2, "D");
  }

  // 3 and 4. The first letter, then each later position rewritten in place.
  std::string key(1, s[0]);
  for (std::size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == 'E' && At(s, i + 1, "V")) {
      s[i] = 'A';
      s[i + 1] = 'F';
    } else if (IsVowel(c)) {
      s[i] = 'A';
    } else if (c == 'Q') {
      s[i] = 'G';
    } else if (c == 'Z') {
      s[i] = 'S';
    } else if (c == 'M') {
      s[i] = 'N';
    } else if (c == 'K') {
      s[i] = At(s, i + 1, "N") ? 'N' : 'C';
    } else if (At(s, i, "SCH")) {
      s[i + 1] = 'S';
      s[i + 2] = 'S';
    } else if (At(s, i, "PH")) {
      s[i] = 'F';
      s[i + 1] = 'F';
    } else if (c == 'H') {
      const bool next_is_vowel = i + 1 < s.size() && IsVowel(s[i + 1]);
      if (!IsVowel(s[i - 1]) || !next_is_vowel) s[i] = s[i - 1];
    } else if (c == 'W') {
      if (IsVowel(s[i - 1])) s[i] = s[i - 1];
    }
    if (s[i] != key.back()) key.push_back(s[i]);
  }

  // 5. The end of the key.
  if (key.size() > 1 && key.back() == 'S') key.pop_back();
  if (EndsWith(key, "AY")) key.replace(key.size() - 2, 2, "Y");
  if (key.size() > 1 && key.back() == 'A') key.pop_back();

  // 6. Taft's length.
  if (max_length > 0 && key.size() > max_length) key.resize(max_length);
  return key;
}

}  // namespace cp::linkage

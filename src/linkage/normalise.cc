#include "linkage/normalise.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <utility>

namespace cp::linkage {
namespace {

// Latin-ASCII handles precomposed letters (ë, ễ, ø, ß, æ); the mark removal
// catches decomposed input and anything Latin-ASCII leaves accented.
constexpr char kTransliteratorId[] = "Any-Latin; Latin-ASCII; NFD; [:Nonspacing Mark:] Remove; NFC";

enum class CharClass { kKeep, kSplit, kDrop };

CharClass Classify(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return CharClass::kKeep;
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '-' ||
      c == '/' || c == '_') {
    return CharClass::kSplit;
  }
  return CharClass::kDrop;
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

constexpr std::array<std::string_view, 31> kParticles = {
    "abu",   "al",  "ben", "bin", "bint", "binti", "da",  "das", "de", "del", "della",
    "delle", "den", "der", "des", "di",   "do",    "dos", "du",  "el", "ibn", "la",
    "le",    "lo",  "los", "las", "ten",  "ter",   "van", "von", "y"};

}  // namespace

std::vector<std::string> AsciiTokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::string current;
  for (char raw : text) {
    auto c = static_cast<unsigned char>(raw);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    switch (Classify(c)) {
      case CharClass::kKeep:
        current.push_back(static_cast<char>(c));
        break;
      case CharClass::kSplit:
        if (!current.empty()) tokens.push_back(std::move(current));
        current.clear();
        break;
      case CharClass::kDrop:
        break;
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

// The prototype transliterator and the clones that calls borrow.
class NameNormaliser::Pool {
 public:
  explicit Pool(std::unique_ptr<icu::Transliterator> prototype)
      : prototype_(std::move(prototype)) {}

  // Latin-ASCII, case-folded UTF-8 of `text`.
  std::string Transliterate(std::string_view text) {
    std::unique_ptr<icu::Transliterator> transliterator = Borrow();
    icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(
        icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    if (transliterator != nullptr) transliterator->transliterate(unicode);
    unicode.foldCase();
    std::string out;
    unicode.toUTF8String(out);
    if (transliterator != nullptr) Return(std::move(transliterator));
    return out;
  }

 private:
  std::unique_ptr<icu::Transliterator> Borrow() {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.empty()) return std::unique_ptr<icu::Transliterator>(prototype_->clone());
    std::unique_ptr<icu::Transliterator> transliterator = std::move(free_.back());
    free_.pop_back();
    return transliterator;
  }
  void Return(std::unique_ptr<icu::Transliterator> transliterator) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(transliterator));
  }

  std::mutex mu_;
  // Never used directly, only cloned (under mu_, as ICU objects are not
  // thread-safe even for const use).
  const std::unique_ptr<icu::Transliterator> prototype_;    // GUARDED_BY(mu_)
  std::vector<std::unique_ptr<icu::Transliterator>> free_;  // GUARDED_BY(mu_)
};

core::StatusOr<std::unique_ptr<NameNormaliser>> NameNormaliser::Create() {
  UErrorCode error = U_ZERO_ERROR;
  UParseError parse_error;
  std::unique_ptr<icu::Transliterator> prototype(icu::Transliterator::createInstance(
      icu::UnicodeString::fromUTF8(kTransliteratorId), UTRANS_FORWARD, parse_error, error));
  if (U_FAILURE(error) || prototype == nullptr) {
    return core::Internal(std::string("ICU could not build the name transliterator: ") +
                          u_errorName(error));
  }
  return std::unique_ptr<NameNormaliser>(
      new NameNormaliser(std::make_unique<Pool>(std::move(prototype))));
}

NameNormaliser::NameNormaliser(std::unique_ptr<Pool> pool) : pool_(std::move(pool)) {}

NameNormaliser::~NameNormaliser() = default;

std::vector<std::string> NameNormaliser::Tokens(std::string_view text) const {
  if (IsAscii(text)) return AsciiTokens(text);
  return AsciiTokens(pool_->Transliterate(text));
}

std::string NameNormaliser::Normalise(std::string_view text) const {
  std::string out;
  for (const std::string& token : Tokens(text)) {
    if (!out.empty()) out.push_back(' ');
    out += token;
  }
  return out;
}

bool IsParticle(std::string_view token) {
  return std::find(kParticles.begin(), kParticles.end(), token) != kParticles.end();
}

FamilyNameKeys MakeFamilyNameKeys(const std::vector<std::string>& tokens) {
  FamilyNameKeys keys;
  std::vector<const std::string*> core_tokens;
  for (const std::string& token : tokens) {
    keys.full += token;
    if (!IsParticle(token)) core_tokens.push_back(&token);
  }
  if (core_tokens.empty()) {
    keys.core = keys.full;
    return keys;
  }
  for (const std::string* token : core_tokens) keys.core += *token;
  if (core_tokens.size() >= 2) {
    for (const std::string* token : core_tokens) keys.parts.push_back(*token);
  }
  return keys;
}

}  // namespace cp::linkage

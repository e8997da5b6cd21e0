#include "linkage/record.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <unordered_map>

#include "linkage/internal/hash.h"
#include "linkage/phonetic.h"

namespace cp::linkage {
namespace {

std::atomic<std::uint64_t> next_builder_id{1};

struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view name) const {
    return std::hash<std::string_view>{}(name);
  }
};

template <typename Value>
using NameMap = std::unordered_map<std::string, Value, NameHash, std::equal_to<>>;

// One thread's memo (RecordBuilder): of one builder at a time.
struct NameMemo {
  std::uint64_t builder = 0;
  NameMap<std::vector<NameToken>> given;
  NameMap<FamilyName> family;
};

NameMemo& MemoOf(std::uint64_t builder) {
  thread_local NameMemo memo;
  if (memo.builder != builder) {
    memo.given.clear();
    memo.family.clear();
    memo.builder = builder;
  }
  return memo;
}

// What `map` holds for `name`, else compute(name), kept.
template <typename Value, typename Compute>
Value Remembered(NameMap<Value>& map, std::string_view name, Compute compute) {
  if (auto it = map.find(name); it != map.end()) return it->second;
  Value value = compute(name);
  if (map.size() >= RecordBuilder::kNameMemoLimit) map.clear();
  map.emplace(std::string(name), value);
  return value;
}

// Up to 8 ASCII bytes packed big-endian; 0 only for the empty string.
std::uint64_t PackAscii(std::string_view text) {
  std::uint64_t packed = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    packed <<= 8;
    if (i < text.size()) packed |= static_cast<unsigned char>(text[i]);
  }
  return packed;
}

// Digits of an identifier as a number + 1; 0 when absent or not all digits.
std::uint64_t PackDigits(const std::optional<domain::PersonalText>& text) {
  if (!text.has_value()) return 0;
  const std::string& value = text->Reveal();
  if (value.empty() || value.size() > 18) return 0;
  std::uint64_t number = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return 0;
    number = number * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return number + 1;
}

NameHashes HashName(const std::vector<NameToken>& given, const FamilyName& family) {
  NameHashes hashes;
  if (family.keys.core.empty()) return hashes;
  hashes.family = internal::Hash64(family.keys.core);
  if (!given.empty()) {
    hashes.full = internal::Hash64(given.front().text + "|" + family.keys.core);
  }
  return hashes;
}

template <typename T>
void SortUnique(std::vector<T>* values) {
  std::sort(values->begin(), values->end());
  values->erase(std::unique(values->begin(), values->end()), values->end());
}

}  // namespace

TermFrequencies TermFrequencies::FromCounts(
    const std::unordered_map<std::string, std::uint64_t>& counts) {
  std::unordered_map<std::string, double> weights;
  weights.reserve(counts.size());
  for (const auto& [name, count] : counts) weights.emplace(name, static_cast<double>(count));
  return FromWeights(weights);
}

TermFrequencies TermFrequencies::FromWeights(
    const std::unordered_map<std::string, double>& weights) {
  TermFrequencies result;
  double total = 0;
  for (const auto& [name, weight] : weights) total += weight > 0 ? weight : 0;
  if (!(total > 0)) return result;
  result.shares_.reserve(weights.size());
  for (const auto& [name, weight] : weights) {
    if (weight > 0) result.shares_.emplace(name, static_cast<float>(weight / total));
  }
  return result;
}

float TermFrequencies::Frequency(std::string_view normalised_name) const {
  auto it = shares_.find(std::string(normalised_name));
  return it == shares_.end() ? 0.0f : it->second;
}

std::uint64_t PackPhone(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  std::string_view national = digits;
  std::size_t leading_zero = 0;
  if (phone.find('+') != std::string_view::npos && national.substr(0, 2) == "44") {
    national.remove_prefix(2);  // +44 113 ... is dialled 0113 ... at home
    leading_zero = 1;
  }
  const std::size_t length = national.size() + leading_zero;
  if (length == 0 || length > 15) return 0;
  // A leading 1 marks the length, so "0113..." and "113..." differ.
  std::uint64_t packed = leading_zero ? 10 : 1;
  for (char c : national) packed = packed * 10 + static_cast<std::uint64_t>(c - '0');
  return packed;
}

RecordBuilder::RecordBuilder(const NameNormaliser& normaliser,
                             const NameEquivalence& given_variants,
                             const NameEquivalence& family_variants,
                             const TermFrequencies* given_frequencies,
                             const TermFrequencies* family_frequencies,
                             const KnownNames* known_given_names)
    : normaliser_(normaliser),
      given_variants_(given_variants),
      family_variants_(family_variants),
      given_frequencies_(given_frequencies),
      family_frequencies_(family_frequencies),
      known_given_names_(known_given_names),
      id_(next_builder_id.fetch_add(1, std::memory_order_relaxed)) {}

std::vector<NameToken> RecordBuilder::GivenNames(std::string_view given_names) const {
  return Remembered(MemoOf(id_).given, given_names,
                    [this](std::string_view name) { return ComputeGivenNames(name); });
}

FamilyName RecordBuilder::Family(std::string_view family_name) const {
  return Remembered(MemoOf(id_).family, family_name,
                    [this](std::string_view name) { return ComputeFamily(name); });
}

std::vector<NameToken> RecordBuilder::ComputeGivenNames(std::string_view given_names) const {
  std::vector<NameToken> tokens;
  for (std::string& text : normaliser_.Tokens(given_names)) {
    NameToken token;
    token.phonetic = Nysiis(text);
    token.groups = given_variants_.Groups(text);
    token.known = known_given_names_ != nullptr && known_given_names_->Contains(text);
    token.text = std::move(text);
    tokens.push_back(std::move(token));
  }
  return tokens;
}

FamilyName RecordBuilder::ComputeFamily(std::string_view family_name) const {
  FamilyName family;
  family.keys = MakeFamilyNameKeys(normaliser_.Tokens(family_name));
  family.phonetic = Nysiis(family.keys.core);
  family.groups = family_variants_.Groups(family.keys.full);
  if (family.groups.empty()) family.groups = family_variants_.Groups(family.keys.core);
  return family;
}

LinkageRecord RecordBuilder::Build(const domain::Child& child) const {
  LinkageRecord record;
  record.given_names = GivenNames(child.name.given_names.Reveal());
  record.family_name = Family(child.name.family_name.Reveal());
  record.primary_name = HashName(record.given_names, record.family_name);
  for (const domain::PersonName& other : child.other_names) {
    NameHashes hashes =
        HashName(GivenNames(other.given_names.Reveal()), Family(other.family_name.Reveal()));
    if (hashes.family != 0) record.other_names.push_back(hashes);
  }

  const domain::Date& dob = child.date_of_birth.Reveal();
  if (dob.ok()) {
    record.date_of_birth = static_cast<std::uint32_t>(static_cast<int>(dob.year())) * 10000 +
                           static_cast<unsigned>(dob.month()) * 100 +
                           static_cast<unsigned>(dob.day());
    record.date_of_birth_days = std::chrono::sys_days(dob).time_since_epoch().count();
  }
  record.gender = child.gender;

  if (child.address.has_value()) {
    if (child.address->postcode.has_value()) {
      // Stored normalised ("LS1 4AB"): outward code, one space, inward code.
      const std::string& postcode = child.address->postcode->Reveal();
      const std::size_t space = postcode.find(' ');
      if (space != std::string::npos && space + 1 < postcode.size()) {
        record.postcode_unit = PackAscii(postcode);
        record.postcode_sector = PackAscii(std::string_view(postcode).substr(0, space + 2));
        record.postcode_district = PackAscii(std::string_view(postcode).substr(0, space));
      }
    }
    for (const std::string& line : child.address->lines.Reveal()) {
      for (const std::string& word : normaliser_.Tokens(line)) {
        record.address_words.push_back(internal::Hash32(word));
      }
    }
    SortUnique(&record.address_words);
  }

  for (const domain::Carer& carer : child.carers) {
    NameHashes hashes = HashName(GivenNames(carer.name.given_names.Reveal()),
                                 Family(carer.name.family_name.Reveal()));
    if (hashes.family != 0) record.carer_names.push_back(hashes);
    if (carer.contact.phone.has_value()) {
      const std::uint64_t phone = PackPhone(carer.contact.phone->Reveal());
      if (phone != 0) record.carer_phones.push_back(phone);
    }
  }
  SortUnique(&record.carer_phones);

  record.nhs_number = PackDigits(child.identifiers.nhs_number);
  record.uln = PackDigits(child.identifiers.uln);
  if (child.identifiers.upn.has_value() && !child.identifiers.upn->Reveal().empty()) {
    record.upn = internal::Hash64(child.identifiers.upn->Reveal());
  }

  if (given_frequencies_ != nullptr && !record.given_names.empty()) {
    record.given_name_frequency = given_frequencies_->Frequency(record.given_names[0].text);
  }
  if (family_frequencies_ != nullptr && !record.family_name.keys.full.empty()) {
    record.family_name_frequency = family_frequencies_->Frequency(record.family_name.keys.full);
  }
  return record;
}

}  // namespace cp::linkage

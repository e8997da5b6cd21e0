#include "index/internal/index_state.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <string>
#include <utility>

namespace cp::index::internal {
namespace {

using core::ErrorCode;
using core::Status;

// Reserve's sizing, from Synthetic England (docs/index.md): 6.4 distinct
// keys, 1.8 words of posting lists and 6.4 tail words per child at 1 M
// children; 5.9 keys and 2.8 list words at 3 M (blocks fill as the
// population grows).
constexpr std::size_t kKeysPerChild = 7;
constexpr std::size_t kListWordsPerChild = 3;
constexpr std::size_t kTailWordsPerChild = 8;

constexpr std::size_t kMaxCount = std::numeric_limits<std::uint8_t>::max();

// The pool key of a family name: `full` alone in the common case (no
// particles, not double-barrelled: core == full, no parts), which fits in a
// std::string's inline buffer; otherwise every key, separated by a byte that
// cannot occur in a normalised name (a-z, 0-9 only).
std::string FamilyPoolKey(const linkage::FamilyName& family) {
  if (family.keys.core == family.keys.full && family.keys.parts.empty()) {
    return family.keys.full;
  }
  std::string key = family.keys.full;
  key += '\x1f';
  key += family.keys.core;
  for (const std::string& part : family.keys.parts) {
    key += '\x1f';
    key += part;
  }
  return key;
}

void PutHashes(const linkage::NameHashes& hashes, std::uint32_t* words) {
  words[0] = static_cast<std::uint32_t>(hashes.full);
  words[1] = static_cast<std::uint32_t>(hashes.full >> 32);
  words[2] = static_cast<std::uint32_t>(hashes.family);
  words[3] = static_cast<std::uint32_t>(hashes.family >> 32);
}

linkage::NameHashes GetHashes(const std::uint32_t* words) {
  linkage::NameHashes hashes;
  hashes.full = words[0] | static_cast<std::uint64_t>(words[1]) << 32;
  hashes.family = words[2] | static_cast<std::uint64_t>(words[3]) << 32;
  return hashes;
}

// The keys in `a` that are not in `b` (both sorted and distinct).
KeyList Minus(const KeyList& a, const KeyList& b) {
  KeyList out;
  const std::uint64_t* j = b.begin();
  for (std::uint64_t key : a) {
    while (j != b.end() && *j < key) ++j;
    if (j == b.end() || *j != key) out.Add(key);
  }
  return out;
}

// Appends `code` to `codes` unless it is 0, already there, or `codes` is full.
void AddCode(std::uint64_t code, std::size_t limit, std::vector<std::uint64_t>* codes) {
  if (code == 0 || codes->size() >= limit) return;
  if (std::find(codes->begin(), codes->end(), code) != codes->end()) return;
  codes->push_back(code);
}

// Adds the variant codes, most common first, up to `limit` codes in all.
void AddVariants(std::vector<std::pair<std::uint64_t, std::uint32_t>> variants, std::size_t limit,
                 std::vector<std::uint64_t>* codes) {
  std::sort(variants.begin(), variants.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (const auto& [code, weight] : variants) AddCode(code, limit, codes);
}

struct Hit {
  std::uint32_t slot;
  KeyMask keys;
};

int Rank(KeyMask keys) {
  return std::popcount(static_cast<unsigned>(keys)) +
         std::popcount(static_cast<unsigned>(keys & kIdentifierKeys));
}

static_assert(sizeof(Row) == 88, "docs/index.md quotes the row size");

}  // namespace

void IndexState::Reserve(std::size_t children) {
  rows_.reserve(children);
  slots_.Reserve(children);
  tails_.Reserve(children * kTailWordsPerChild);
  postings_.Reserve(children * kKeysPerChild, children * kListWordsPerChild);
}

std::uint64_t IndexState::GivenCode(const Row& row) const {
  if (row.given_count == 0) return 0;
  return given_codes_[tails_.At(row.tail)[0]];
}

KeyFields IndexState::FieldsOf(const Row& row) const {
  KeyFields fields;
  fields.nhs_number = row.nhs_number;
  fields.upn = row.upn;
  fields.uln = row.uln;
  fields.date_of_birth = row.date_of_birth;
  fields.postcode_unit = row.postcode_unit;
  fields.given_code = GivenCode(row);
  if (row.family != kNoName) {
    const FamilyCodeSet& family = family_codes_[row.family];
    fields.family_codes = family.codes;
    fields.family_code_count = family.count;
  }
  if (row.other_count > 0) {
    const std::uint32_t* other = tails_.At(row.tail) + row.given_count + row.address_count;
    for (std::uint8_t i = 0; i < row.other_count; ++i, other += 4) {
      AddOtherFamily(GetHashes(other).family, &fields);
    }
  }
  return fields;
}

void IndexState::ReleaseNames(const Row& row) {
  if (row.given_count > 0) {
    const std::uint32_t* tail = tails_.At(row.tail);
    const GivenEntry& first = given_.at(tail[0]);
    given_variants_.Remove(first.token.groups, first.code);
    for (std::uint8_t i = 0; i < row.given_count; ++i) given_.Release(tail[i]);
  }
  if (row.family != kNoName) {
    const FamilyEntry& family = family_.at(row.family);
    family_variants_.Remove(family.name.groups, family.codes[0]);
    family_.Release(row.family);
  }
}

core::StatusOr<Row> IndexState::BuildRow(const domain::ContactPointId& child,
                                         const linkage::LinkageRecord& record) {
  if (!child.assigned()) {
    return Status(ErrorCode::kInvalidContactPointId,
                  "the candidate index needs an assigned ContactPoint ID");
  }
  if (record.given_names.size() > kMaxCount || record.address_words.size() > kMaxCount ||
      record.other_names.size() > kMaxCount || record.carer_names.size() > kMaxCount ||
      record.carer_phones.size() > kMaxCount) {
    return Status(ErrorCode::kInvalidRecord,
                  "a linkage record list (given names, address words, other names, carers or "
                  "phones) is longer than 255");
  }
  Row row;
  row.child = child;
  row.nhs_number = record.nhs_number;
  row.upn = record.upn;
  row.uln = record.uln;
  row.postcode_unit = record.postcode_unit;
  row.primary_name = record.primary_name;
  row.date_of_birth = record.date_of_birth;
  row.date_of_birth_days = record.date_of_birth_days;
  row.given_name_frequency = record.given_name_frequency;
  row.family_name_frequency = record.family_name_frequency;
  row.gender = static_cast<std::uint8_t>(record.gender);
  row.given_count = static_cast<std::uint8_t>(record.given_names.size());
  row.address_count = static_cast<std::uint8_t>(record.address_words.size());
  row.other_count = static_cast<std::uint8_t>(record.other_names.size());
  row.carer_count = static_cast<std::uint8_t>(record.carer_names.size());
  row.phone_count = static_cast<std::uint8_t>(record.carer_phones.size());

  const std::uint32_t tail_words = row.TailWords();
  if (tail_words > 0) {
    const auto offset = tails_.Allocate(tail_words);
    if (!offset.has_value()) {
      return Status(ErrorCode::kResourceExhausted, "the candidate index's row arena is full");
    }
    row.tail = *offset;
  }

  // Intern the names and fill the tail.
  std::uint32_t* tail = tail_words > 0 ? tails_.At(row.tail) : nullptr;
  std::uint32_t* out = tail;
  for (const linkage::NameToken& token : record.given_names) {
    const auto interned = given_.Intern(token.text, [&token] {
      return GivenEntry{token, PhoneticCode(token.phonetic)};
    });
    if (interned.created) {
      if (given_codes_.size() < given_.id_limit()) given_codes_.resize(given_.id_limit());
      given_codes_[interned.id] = given_.at(interned.id).code;
    }
    *out++ = interned.id;
  }
  if (!record.given_names.empty()) {
    const GivenEntry& first = given_.at(tail[0]);
    given_variants_.Add(first.token.groups, first.code);
  }
  if (!record.family_name.keys.full.empty()) {
    const auto interned = family_.Intern(FamilyPoolKey(record.family_name), [&record] {
      FamilyEntry entry;
      entry.name = record.family_name;
      entry.code_count = static_cast<std::uint8_t>(FamilyCodes(entry.name, &entry.codes));
      return entry;
    });
    row.family = interned.id;
    const FamilyEntry& family = family_.at(row.family);
    if (interned.created) {
      if (family_codes_.size() < family_.id_limit()) family_codes_.resize(family_.id_limit());
      family_codes_[row.family] = {family.codes, family.code_count};
    }
    family_variants_.Add(family.name.groups, family.codes[0]);
  }
  out = std::copy(record.address_words.begin(), record.address_words.end(), out);
  for (const linkage::NameHashes& name : record.other_names) {
    PutHashes(name, out);
    out += 4;
  }
  for (const linkage::NameHashes& name : record.carer_names) {
    PutHashes(name, out);
    out += 4;
  }
  for (std::uint64_t phone : record.carer_phones) {
    *out++ = static_cast<std::uint32_t>(phone);
    *out++ = static_cast<std::uint32_t>(phone >> 32);
  }
  return row;
}

void IndexState::DiscardRow(const Row& row) {
  ReleaseNames(row);
  if (row.TailWords() > 0) tails_.Free(row.tail, row.TailWords());
}

std::optional<std::uint32_t> IndexState::NewSlot() const {
  if (!free_slots_.empty()) return free_slots_.back();
  if (rows_.size() >= kMaxSlots) return std::nullopt;
  return static_cast<std::uint32_t>(rows_.size());
}

void IndexState::PlaceRow(std::uint32_t slot, const Row& row) {
  if (!free_slots_.empty() && free_slots_.back() == slot) {
    free_slots_.pop_back();
  } else if (slot == rows_.size()) {
    rows_.emplace_back();
  }
  rows_[slot] = row;
  slots_.Assign(row.child.number(), slot);
}

core::Status IndexState::Upsert(const domain::ContactPointId& child,
                                const linkage::LinkageRecord& record) {
  const std::size_t existing =
      child.assigned() ? slots_.Find(child.number()) : FlatTable::kNotFound;
  const bool is_new = existing == FlatTable::kNotFound;
  std::uint32_t slot = 0;
  if (is_new) {
    const auto free = NewSlot();
    if (!free.has_value()) {
      return Status(ErrorCode::kResourceExhausted, "the candidate index holds 2^31 children");
    }
    slot = *free;
  } else {
    slot = slots_.Value(existing);
  }
  ASSIGN_OR_RETURN(const Row row, BuildRow(child, record));

  const KeyList old_keys = is_new ? KeyList() : StoredKeys(FieldsOf(rows_[slot]));
  const KeyList new_keys = StoredKeys(FieldsOf(row));
  const KeyList added = Minus(new_keys, old_keys);
  for (std::size_t i = 0; i < added.size(); ++i) {
    if (postings_.Add(added[i], slot)) continue;
    for (std::size_t j = 0; j < i; ++j) postings_.Remove(added[j], slot);
    DiscardRow(row);
    return Status(ErrorCode::kResourceExhausted, "the candidate index's posting arena is full");
  }
  for (std::uint64_t key : Minus(old_keys, new_keys)) postings_.Remove(key, slot);
  if (!is_new) DiscardRow(rows_[slot]);
  PlaceRow(slot, row);
  return Status::Ok();
}

core::Status IndexState::UpsertBatch(std::span<const IndexEntry> entries) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const core::Status status = Upsert(entries[i].child, entries[i].record);
    if (!status.ok()) return status.WithContext("entry " + std::to_string(i));
  }
  return Status::Ok();
}

bool IndexState::Remove(const domain::ContactPointId& child) {
  const std::size_t found = slots_.Find(child.number());
  if (found == FlatTable::kNotFound) return false;
  const std::uint32_t slot = slots_.Value(found);
  Row& row = rows_[slot];
  for (std::uint64_t key : StoredKeys(FieldsOf(row))) postings_.Remove(key, slot);
  DiscardRow(row);
  row = Row{};
  free_slots_.push_back(slot);
  slots_.Erase(child.number());
  return true;
}

std::vector<std::uint64_t> IndexState::ProbeKeys(const linkage::LinkageRecord& probe,
                                                 const CandidateOptions& options) const {
  const KeyFields fields = KeyFieldsOf(probe);
  const KeyMask use = options.keys;
  const auto uses = [use](KeyKind kind) { return (use & MaskOf(kind)) != 0; };
  const std::size_t limit = std::max<std::uint32_t>(1, options.max_name_variants);
  const std::uint32_t dob = fields.date_of_birth;
  std::vector<std::uint64_t> keys;
  auto push = [&keys](std::uint64_t key) {
    if (key != 0) keys.push_back(key);
  };

  if (uses(KeyKind::kNhsNumber)) push(IdentifierKey(KeyKind::kNhsNumber, fields.nhs_number));
  if (uses(KeyKind::kUpn)) push(IdentifierKey(KeyKind::kUpn, fields.upn));
  if (uses(KeyKind::kUln)) push(IdentifierKey(KeyKind::kUln, fields.uln));

  if (uses(KeyKind::kFamilyDob) && dob != 0) {
    std::vector<std::uint64_t> family;
    for (std::size_t i = 0; i < fields.family_code_count; ++i) {
      AddCode(fields.family_codes[i], limit, &family);
    }
    if (!probe.family_name.groups.empty()) {
      std::vector<std::pair<std::uint64_t, std::uint32_t>> variants;
      family_variants_.Append(probe.family_name.groups, &variants);
      AddVariants(std::move(variants), limit, &family);
    }
    for (std::uint64_t code : family) push(FamilyDobKey(code, dob));
    if (options.swapped_names) push(FamilyDobKey(fields.given_code, dob));
  }
  if (uses(KeyKind::kGivenDob) && dob != 0) {
    std::vector<std::uint64_t> given;
    for (const linkage::NameToken& token : probe.given_names) {
      AddCode(PhoneticCode(token.phonetic), limit, &given);
    }
    if (!probe.given_names.empty() && !probe.given_names.front().groups.empty()) {
      std::vector<std::pair<std::uint64_t, std::uint32_t>> variants;
      given_variants_.Append(probe.given_names.front().groups, &variants);
      AddVariants(std::move(variants), limit, &given);
    }
    for (std::uint64_t code : given) push(GivenDobKey(code, dob));
    if (options.swapped_names && fields.family_code_count > 0) {
      push(GivenDobKey(fields.family_codes[0], dob));
    }
  }
  for (std::size_t i = 0; i < fields.family_code_count; ++i) {
    const std::uint64_t family = fields.family_codes[i];
    if (uses(KeyKind::kNamesYear)) push(NamesYearKey(family, fields.given_code, dob));
    if (uses(KeyKind::kNamesDayMonth)) push(NamesDayMonthKey(family, fields.given_code, dob));
  }
  if (uses(KeyKind::kPostcodeYear)) push(PostcodeYearKey(fields.postcode_unit, dob));
  if (uses(KeyKind::kOtherNameDob)) {
    // The probe's names against the stored children's other names.
    push(OtherNameDobKey(probe.primary_name.family, dob));
    for (std::size_t i = 0; i < fields.other_family_count; ++i) {
      push(OtherNameDobKey(fields.other_families[i], dob));
    }
  }

  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

CandidateResult IndexState::Candidates(const linkage::LinkageRecord& probe,
                                       const CandidateOptions& options) const {
  CandidateResult result;
  const std::vector<std::uint64_t> keys = ProbeKeys(probe, options);
  std::vector<Hit> hits;
  for (std::uint64_t key : keys) {
    ++result.keys_looked_up;
    const Block block = postings_.Find(key);
    if (block.size == 0) continue;
    const KeyKind kind = KindOf(key);
    const std::uint32_t read = std::min(block.size, options.max_block);
    if (read < block.size) result.capped_blocks.push_back({kind, block.size});
    for (std::uint32_t i = 0; i < read; ++i) hits.push_back({block[i], MaskOf(kind)});
    result.postings_read += read;
  }

  // Merge hits on the same child, then rank.
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.slot < b.slot; });
  std::size_t merged = 0;
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (merged > 0 && hits[merged - 1].slot == hits[i].slot) {
      hits[merged - 1].keys |= hits[i].keys;
    } else {
      hits[merged++] = hits[i];
    }
  }
  hits.resize(merged);
  std::stable_sort(hits.begin(), hits.end(),
                   [](const Hit& a, const Hit& b) { return Rank(a.keys) > Rank(b.keys); });
  if (hits.size() > options.max_candidates) {
    result.candidates_dropped = static_cast<std::uint32_t>(hits.size() - options.max_candidates);
    hits.resize(options.max_candidates);
  }
  result.candidates.reserve(hits.size());
  for (const Hit& hit : hits) result.candidates.push_back({rows_[hit.slot].child, hit.keys});
  return result;
}

std::optional<linkage::LinkageRecord> IndexState::Lookup(
    const domain::ContactPointId& child) const {
  const std::size_t cell = slots_.Find(child.number());
  if (cell == FlatTable::kNotFound) return std::nullopt;
  const Row& row = rows_[slots_.Value(cell)];
  linkage::LinkageRecord record;
  const std::uint32_t* in = row.TailWords() > 0 ? tails_.At(row.tail) : nullptr;
  record.given_names.reserve(row.given_count);
  for (std::uint8_t i = 0; i < row.given_count; ++i) {
    record.given_names.push_back(given_.at(*in++).token);
  }
  if (row.family != kNoName) record.family_name = family_.at(row.family).name;
  record.primary_name = row.primary_name;
  record.date_of_birth = row.date_of_birth;
  record.date_of_birth_days = row.date_of_birth_days;
  record.gender = static_cast<domain::Gender>(row.gender);
  record.postcode_unit = row.postcode_unit;
  // Sector and district are prefixes of the packed unit ("LS1 4AB": "LS1 4",
  // "LS1"), recovered instead of stored.
  if (row.postcode_unit != 0) {
    int space = -1;
    for (int i = 0; i < 8; ++i) {
      if (((row.postcode_unit >> (56 - 8 * i)) & 0xFF) == ' ') {
        space = i;
        break;
      }
    }
    if (space > 0) {
      auto prefix = [&row](int bytes) {
        return bytes >= 8 ? row.postcode_unit
                          : row.postcode_unit & ~(~std::uint64_t{0} >> (8 * bytes));
      };
      record.postcode_sector = prefix(space + 2);
      record.postcode_district = prefix(space);
    }
  }
  record.address_words.assign(in, in + row.address_count);
  in += row.address_count;
  for (std::uint8_t i = 0; i < row.other_count; ++i, in += 4) {
    record.other_names.push_back(GetHashes(in));
  }
  for (std::uint8_t i = 0; i < row.carer_count; ++i, in += 4) {
    record.carer_names.push_back(GetHashes(in));
  }
  for (std::uint8_t i = 0; i < row.phone_count; ++i, in += 2) {
    record.carer_phones.push_back(in[0] | static_cast<std::uint64_t>(in[1]) << 32);
  }
  record.nhs_number = row.nhs_number;
  record.upn = row.upn;
  record.uln = row.uln;
  record.given_name_frequency = row.given_name_frequency;
  record.family_name_frequency = row.family_name_frequency;
  return record;
}

bool IndexState::Contains(const domain::ContactPointId& child) const {
  return slots_.Find(child.number()) != FlatTable::kNotFound;
}

IndexStats IndexState::Stats() const {
  IndexStats stats;
  stats.children = slots_.size();
  stats.distinct_keys = postings_.keys();
  stats.postings = postings_.postings();
  stats.given_names = given_.size();
  stats.family_names = family_.size();
  stats.tail_words = tails_.used_words();
  stats.list_words = postings_.list_words();
  stats.memory.rows =
      rows_.capacity() * sizeof(Row) + free_slots_.capacity() * sizeof(std::uint32_t);
  stats.memory.row_tails = tails_.MemoryBytes();
  stats.memory.child_ids = slots_.MemoryBytes();
  stats.memory.directory = postings_.DirectoryBytes();
  stats.memory.posting_lists = postings_.ListBytes();
  stats.memory.names = given_.MemoryBytes(0) + family_.MemoryBytes(0) +
                       given_codes_.capacity() * sizeof(std::uint64_t) +
                       family_codes_.capacity() * sizeof(FamilyCodeSet) +
                       given_variants_.MemoryBytes() + family_variants_.MemoryBytes();
  return stats;
}

std::array<KeyKindStats, kKeyKindCount> IndexState::KeyStats() const {
  std::array<KeyKindStats, kKeyKindCount> stats{};
  postings_.ForEachKey([&stats](std::uint64_t key, std::uint32_t size) {
    KeyKindStats& kind = stats[static_cast<std::size_t>(KindOf(key))];
    ++kind.keys;
    kind.postings += size;
    kind.largest_block = std::max(kind.largest_block, size);
    if (size > 512) ++kind.blocks_over_512;
  });
  return stats;
}

}  // namespace cp::index::internal

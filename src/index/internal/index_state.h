// The data of a CandidateIndex, behind its lock: rows, the child ID map,
// postings and interned names. CandidateIndex (candidate_index.h) documents
// the behaviour; this class does the work without any locking of its own.
#ifndef CP_INDEX_INTERNAL_INDEX_STATE_H_
#define CP_INDEX_INTERNAL_INDEX_STATE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/status.h"
#include "domain/ids.h"
#include "index/blocking_keys.h"
#include "index/candidate_index.h"
#include "index/internal/flat_table.h"
#include "index/internal/huge_page_allocator.h"
#include "index/internal/name_pool.h"
#include "index/internal/postings.h"
#include "index/internal/word_arena.h"
#include "linkage/record.h"

namespace cp::index::internal {

// The fixed part of one child's compact record. The variable part (tail) is
// `TailWords()` 32-bit words in the tail arena, in this order: given-name ids,
// address word hashes, other names (4 words each: two 64-bit hashes), carer
// names (4 words each), carer phones (2 words each).
struct Row {
  domain::ContactPointId child;  // unassigned: a free slot
  std::uint64_t nhs_number = 0;
  std::uint64_t upn = 0;
  std::uint64_t uln = 0;
  std::uint64_t postcode_unit = 0;
  linkage::NameHashes primary_name;
  std::uint32_t date_of_birth = 0;
  std::int32_t date_of_birth_days = 0;
  std::uint32_t family = kNoName;  // family-name pool id
  std::uint32_t tail = 0;          // arena offset, when TailWords() > 0
  float given_name_frequency = 0;
  float family_name_frequency = 0;
  std::uint8_t gender = 0;
  std::uint8_t given_count = 0;
  std::uint8_t address_count = 0;
  std::uint8_t other_count = 0;
  std::uint8_t carer_count = 0;
  std::uint8_t phone_count = 0;

  std::uint32_t TailWords() const {
    return given_count + address_count + 4u * other_count + 4u * carer_count + 2u * phone_count;
  }
};

class IndexState {
 public:
  void Reserve(std::size_t children);
  core::Status Upsert(const domain::ContactPointId& child, const linkage::LinkageRecord& record);
  core::Status UpsertBatch(std::span<const IndexEntry> entries);
  bool Remove(const domain::ContactPointId& child);
  CandidateResult Candidates(const linkage::LinkageRecord& probe,
                             const CandidateOptions& options) const;
  std::optional<linkage::LinkageRecord> Lookup(const domain::ContactPointId& child) const;
  bool Contains(const domain::ContactPointId& child) const;
  std::size_t size() const { return slots_.size(); }
  IndexStats Stats() const;
  std::array<KeyKindStats, kKeyKindCount> KeyStats() const;

 private:
  // The key fields of a stored row, read through the name pools, so that the
  // keys a row is added under are exactly those it is later removed from.
  KeyFields FieldsOf(const Row& row) const;
  // Validates `record` and builds its row: tail allocated and filled, names
  // interned. On error nothing has changed.
  core::StatusOr<Row> BuildRow(const domain::ContactPointId& child,
                               const linkage::LinkageRecord& record);
  // Drops the row's references to interned names and frees its tail.
  void DiscardRow(const Row& row);
  void ReleaseNames(const Row& row);
  // The slot a new child would take (a freed one first), or nullopt at 2^31.
  std::optional<std::uint32_t> NewSlot() const;
  // Stores `row` at `slot` (from NewSlot, or the child's own) and maps its ID.
  void PlaceRow(std::uint32_t slot, const Row& row);
  std::uint64_t GivenCode(const Row& row) const;
  // The probe's keys (see CandidateIndex for the expansion rules).
  std::vector<std::uint64_t> ProbeKeys(const linkage::LinkageRecord& probe,
                                       const CandidateOptions& options) const;

  LargeVector<Row> rows_;
  std::vector<std::uint32_t> free_slots_;
  FlatTable slots_;  // ContactPoint ID number -> slot
  WordArena tails_;
  Postings postings_;
  NamePool<GivenEntry> given_;
  NamePool<FamilyEntry> family_;
  // The phonetic codes of interned names by id, apart from the pools so
  // that computing a row's keys touches a few bytes per name.
  struct FamilyCodeSet {
    std::array<std::uint64_t, kMaxFamilyCodes> codes{};
    std::uint8_t count = 0;
  };
  std::vector<std::uint64_t> given_codes_;
  std::vector<FamilyCodeSet> family_codes_;
  VariantCodes given_variants_;   // of first given names
  VariantCodes family_variants_;  // of family names (core code)
};

}  // namespace cp::index::internal

#endif  // CP_INDEX_INTERNAL_INDEX_STATE_H_

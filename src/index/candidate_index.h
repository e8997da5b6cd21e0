// The in-memory candidate index: which children are worth scoring against a
// feed record or a practitioner's search, and the compact per-child data the
// scorer needs. Shared by the feed matcher and by search.
//
// The store is the truth; this index is derived from it (rebuilt at start-up,
// kept current from the change log) and losing it loses nothing.
//
//   Upsert(child, LinkageRecord)  store or replace a child's row and keys
//                                 (UpsertBatch: many under one lock hold)
//   Remove(child)                 forget a child in every key (a sealed
//                                 pre-adoption record, a merged-away child)
//   Candidates(probe, options)    children sharing a blocking key with the
//                                 probe: deduplicated, ranked, bounded, with
//                                 a report of every block that was capped
//   Lookup(child)                 the child's LinkageRecord, rebuilt from the
//                                 compact row, for the comparator
//
// Storage (docs/index.md has the measurements): each child has a dense slot;
// a fixed 88-byte row per slot in one vector (identifiers, packed date and
// postcode, name hashes, interned family-name id) plus a variable tail of
// 32-bit words in one arena (given-name ids, address word hashes, other and
// carer name hashes, phones). Names are interned once (internal/name_pool.h).
// Blocking keys (blocking_keys.h) map to slots through an open-addressing
// directory with single-child blocks inline and longer blocks as arena lists
// (internal/postings.h). Large arrays ask for transparent huge pages.
//
// Probe expansion: the probe's names are widened at query time, not stored
// widened. Family-name keys are looked up with the probe's family codes and
// the codes of indexed names sharing a surname variant group; given-name
// keys with the probe's first given name, its other given names and the
// indexed nicknames of its groups (most common first, at most
// max_name_variants codes per name). With swapped_names, the first given and
// family names are also tried the other way round. The probe's family name
// and other names are looked up against the children's other names.
//
// Bounds: a block larger than max_block is read only up to max_block
// postings and reported in CandidateResult::capped_blocks (its kind and real
// size); the merged list is ranked by the number of key kinds shared (an
// identifier counting as two) and cut to max_candidates, the cut reported in
// candidates_dropped. Neither is ever an error: a capped search is still an
// answer, and the caller decides what an incomplete answer means (the
// matcher should refer such a record to review rather than create a child).
//
// Thread safety: one std::shared_mutex. Candidates, Lookup, Contains, size
// and the statistics take it shared, so any number of readers run together;
// Upsert, UpsertBatch, Remove and Reserve take it exclusively. A reader
// therefore waits for at most one write (~2 us per child; a whole batch for
// UpsertBatch, which is what makes a batch visible at once), except when a
// write grows a table, which rehashes it under the lock (seconds at 11 M
// children): Reserve the expected size at start-up. Removals are separate
// Remove calls, seen before or after the batch. glibc's
// shared_mutex prefers readers, so a writer can wait while readers keep
// arriving; a Candidates call holds the lock for a few microseconds, so
// writes get through between them.
//
// A CandidateIndex holds personal data (normalised names) and never logs.
// The composition root owns it (one per serving process).
#ifndef CP_INDEX_CANDIDATE_INDEX_H_
#define CP_INDEX_CANDIDATE_INDEX_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <vector>

#include "core/status.h"
#include "domain/ids.h"
#include "index/blocking_keys.h"
#include "linkage/record.h"

namespace cp::index {

namespace internal {
class IndexState;
}

struct IndexEntry {
  domain::ContactPointId child;
  linkage::LinkageRecord record;
};

struct CandidateOptions {
  // Postings read from one block; a larger block is capped and reported.
  std::uint32_t max_block = 512;
  // Children returned; more are cut (lowest ranked first) and counted.
  std::uint32_t max_candidates = 512;
  // Phonetic codes tried per name (own code first, then other given names,
  // then indexed variants of its groups, most common first).
  std::uint32_t max_name_variants = 8;
  // Also try the first given name as a family name and vice versa.
  bool swapped_names = true;
  // The key kinds to use (search may restrict them; tests measure them).
  KeyMask keys = kAllKeys;
};

struct Candidate {
  domain::ContactPointId child;
  KeyMask keys = 0;  // the kinds through which the probe found this child
};

// A block read only in part: `size` children share the key, max_block of
// them were read.
struct CappedBlock {
  KeyKind kind = KeyKind::kNhsNumber;
  std::uint32_t size = 0;
};

struct CandidateResult {
  std::vector<Candidate> candidates;  // best ranked first
  std::vector<CappedBlock> capped_blocks;
  std::uint32_t candidates_dropped = 0;  // cut by max_candidates
  std::uint32_t keys_looked_up = 0;
  std::uint32_t postings_read = 0;

  // Whether every block was read whole and nothing was cut.
  bool complete() const { return capped_blocks.empty() && candidates_dropped == 0; }
};

// Bytes held, by part (capacity, not just use).
struct MemoryUsage {
  std::size_t rows = 0;       // fixed rows and the slot free list
  std::size_t row_tails = 0;  // the variable parts' arena
  std::size_t child_ids = 0;  // ContactPoint ID -> slot
  std::size_t directory = 0;  // key -> block
  std::size_t posting_lists = 0;
  std::size_t names = 0;  // interned names and variant codes

  std::size_t total() const {
    return rows + row_tails + child_ids + directory + posting_lists + names;
  }
};

struct IndexStats {
  std::size_t children = 0;
  std::size_t distinct_keys = 0;
  std::size_t postings = 0;
  std::size_t given_names = 0;   // distinct, interned
  std::size_t family_names = 0;  // distinct, interned
  std::size_t tail_words = 0;    // 32-bit words of row tails in use
  std::size_t list_words = 0;    // 32-bit words of posting lists in use
  MemoryUsage memory;
};

// Per key kind: how many keys, postings, and how large the blocks are.
struct KeyKindStats {
  std::size_t keys = 0;
  std::size_t postings = 0;
  std::uint32_t largest_block = 0;
  std::size_t blocks_over_512 = 0;
};

class CandidateIndex {
 public:
  CandidateIndex();
  ~CandidateIndex();
  CandidateIndex(const CandidateIndex&) = delete;
  CandidateIndex& operator=(const CandidateIndex&) = delete;

  // Sizes the tables for `children` children so that loading them never
  // rehashes (call before a rebuild, with headroom for growth).
  void Reserve(std::size_t children);

  // Stores `record` as child `child`, replacing what was there. Errors:
  // kInvalidContactPointId for an unassigned ID; kInvalidRecord when a list
  // in the record is longer than a row holds (255 given names, address
  // words, other names, carers or phones: far beyond any valid child);
  // kResourceExhausted past 2^31 children or 16 GiB of lists. On error the
  // index is unchanged.
  core::Status Upsert(const domain::ContactPointId& child, const linkage::LinkageRecord& record);

  // Upserts every entry in order under one hold of the lock, so readers see
  // a feed batch's changes all at once (and a rebuild takes the lock once
  // per chunk). Stops at the first entry that fails and returns its error
  // with the entry's position; the entries before it stay applied, each one
  // whole.
  core::Status UpsertBatch(std::span<const IndexEntry> entries);

  // Forgets `child` in every key and its row; false when it was not there.
  bool Remove(const domain::ContactPointId& child);

  // The children sharing a blocking key with `probe`, bounded as described
  // above. A probe may be partial (a search with some fields): only keys
  // whose fields it has are used; with none, the result is empty.
  CandidateResult Candidates(const linkage::LinkageRecord& probe,
                             const CandidateOptions& options = {}) const;

  // The record stored for `child`, rebuilt from the compact row: equal to
  // what was upserted, with two derivations: a name's phonetic key and
  // variant groups are those of its first interning (RecordBuilder makes
  // them from the name alone, so they agree), and postcode sector and
  // district are cut from the unit.
  std::optional<linkage::LinkageRecord> Lookup(const domain::ContactPointId& child) const;

  bool Contains(const domain::ContactPointId& child) const;
  std::size_t size() const;

  IndexStats Stats() const;
  // Scans every key: O(keys), for benchmarks and operators, not hot paths.
  std::array<KeyKindStats, kKeyKindCount> KeyStats() const;

 private:
  mutable std::shared_mutex mu_;
  std::unique_ptr<internal::IndexState> state_;  // GUARDED_BY(mu_)
};

}  // namespace cp::index

#endif  // CP_INDEX_CANDIDATE_INDEX_H_

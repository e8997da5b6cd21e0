// The Linker: record linkage inside a feed load (issue 6). It owns the
// matching machinery (name normaliser, variant tables, model, comparator,
// candidate index, Matcher) and keeps the candidate index in step with the
// store, so that BatchLoader can ask, record by record, "which child is
// this?" and store the answer with its reasons.
//
// The index holds the best view of every child that some source currently
// supplies (a linked or review record). It is derived from the store and
// kept current from the change log:
//   - Sync, at the start of every load (inside the load's write transaction,
//     so no other writer can commit meanwhile), rebuilds the index from the
//     store the first time or after Invalidate, and otherwise re-derives
//     every child the change log names since the last Sync;
//   - during the load, the loader reports each child whose best view it
//     rebuilt (Reindex) or that no source supplies any more (Forget), so a
//     later record of the same batch can match a child created earlier in it;
//   - if the load fails, the loader calls Invalidate: the index may hold the
//     rolled-back batch, so the next Sync rebuilds it whole; once it commits,
//     the loader calls Committed, so the next Sync skips the load's own
//     changes (the index has them already).
//
// Cannot-link rules (twins, adoption) are the Matcher's and the loader's;
// see matching/matcher.h and loader.cc. A child that may be shielded is
// never linked automatically (ChildFacts.shielded: no record is shielded
// until the lifecycle issue adds shielding).
//
// Holds personal data in memory (the index); never logs. One load at a time:
// BatchLoader holds load_mutex() alone for the whole of a load, so loads from
// several threads (the feed API) take turns. Readers of the index (searches)
// share load_mutex() and may read at once; a Sync holds it alone.
#ifndef CP_INGEST_LINKER_H_
#define CP_INGEST_LINKER_H_

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "access/accountable_authority.h"
#include "core/clock.h"
#include "core/shared_gate.h"
#include "core/status.h"
#include "domain/ids.h"
#include "domain/model.h"
#include "index/candidate_index.h"
#include "linkage/comparator.h"
#include "linkage/model.h"
#include "linkage/record.h"
#include "matching/matcher.h"
#include "storage/store.h"

namespace cp::ingest {

// Where one incoming record goes.
struct Placement {
  matching::Decision decision = matching::Decision::kNew;
  // kLink: the child to join. kReview: the child it may belong to, if any
  // (the record itself goes to a provisional child of its own).
  std::optional<domain::ContactPointId> child;
  storage::LinkDecision record;  // what to keep with the source record
  // Set when the record may belong to a shielded child (kReview): the
  // ground of that child's shield, which the record's provisional child
  // takes until a person decides (a feed must never create an unshielded
  // duplicate of a shielded child).
  std::optional<std::string> hold_shield_ground;
  // kReview: the provisional child the record waits on with the records it
  // is the same child as (matching::MatchOutcome::wait_with); otherwise a
  // provisional child of its own.
  std::optional<domain::ContactPointId> wait_with;
  // Children the record is a twin or sibling of (MatchOutcome::twins_apart).
  std::vector<domain::ContactPointId> twins_apart;
  // The record as the matcher compared it.
  linkage::LinkageRecord probe;
};

class Linker {
 public:
  // Loads the variant tables and model from `data_dir` (linkage_data.h) and
  // the postcode-to-authority map from `geography_dir` (by default the one
  // shipped, access/accountable_authority.h). Errors: those of
  // LoadLinkageData, NameNormaliser::Create and AuthorityMap::Load.
  static core::StatusOr<std::unique_ptr<Linker>> Load(
      const std::filesystem::path& data_dir, const matching::MatchOptions& options = {},
      const std::filesystem::path& geography_dir = access::AuthorityMap::DefaultDataDir());

  // Sets the accountable authority of a best view from its postcode: an
  // authority, provisional for a split area's majority, or a named national
  // queue when none can be given (never a guess).
  void AssignAuthority(domain::Child& best_view) const;
  ~Linker();
  Linker(const Linker&) = delete;
  Linker& operator=(const Linker&) = delete;

  // Brings the index up to date with `store` (see above). `tx` must be a
  // write transaction on `store` that has written nothing yet.
  core::Status Sync(storage::Store& store, storage::Transaction& tx);

  // Whether the index reflects every change `store` has committed (so a
  // Sync would do nothing): one indexed read of the change log on a reader.
  // Call holding load_mutex(), shared or alone.
  core::StatusOr<bool> UpToDate(storage::Store& store) const;

  // A child's source records (all states), as the caller holds them: the
  // store's, or a cache of them kept in step with the caller's writes.
  using RecordsOf = std::function<core::StatusOr<const std::vector<storage::SourceRecord>*>(
      const domain::ContactPointId&)>;

  // A child's shield, if it has one (in force or lifted).
  using ShieldOf = std::function<core::StatusOr<std::optional<storage::ShieldEntry>>(
      const domain::ContactPointId&)>;

  // Where a record comes from: its source and key, and whether the source
  // is a register of persons (a national source, one record per child).
  struct Origin {
    domain::SourceId source;
    domain::SourceKey key;
    bool register_of_persons = false;
  };

  // Decides where `view` (the view of a child that `origin` supplies)
  // belongs, reading the candidates' current records through `records_of`
  // for the cannot-link checks and their shields through `shield_of`.
  // `built`, if given, is builder().Build(view), made ahead (a load builds
  // it on the thread that parses).
  core::StatusOr<Placement> Place(const RecordsOf& records_of, const ShieldOf& shield_of,
                                  const Origin& origin, const domain::Child& view,
                                  core::Timestamp at,
                                  std::optional<linkage::LinkageRecord> built = std::nullopt) const;

  // The decision kept for a record that is never matched (a post-adoption
  // identity: always a child of its own).
  storage::LinkDecision Unmatched(std::string reason, core::Timestamp at) const;

  // `best_view` (its id assigned) is now the child's best view.
  core::Status Reindex(const domain::Child& best_view);
  // No source supplies `child` any more (or it was merged away or sealed).
  void Forget(const domain::ContactPointId& child);
  // The index may not match the store: rebuild it at the next Sync.
  void Invalidate() {
    synced_ = false;
    clusters_.clear();
    spare_ids_.clear();
  }

  // The source records (all states, in the store's order) of children that
  // loads through this Linker wrote or read, kept as they were written, so
  // that a run of batches reads a child's records from the store at most
  // once (the Applier in loader.cc keeps it in step with its writes). Valid
  // across loads because Sync drops the children other writers changed and
  // a rebuild or Invalidate drops them all. Use holding load_mutex() alone,
  // between a Sync and the end of that load.
  using ClusterCache =
      std::unordered_map<domain::ContactPointId, std::vector<storage::SourceRecord>>;
  ClusterCache& clusters() { return clusters_; }
  // How many children's clusters the cache holds at most: when it is full
  // a load drops some (loader.cc, Applier::Keep), and reads a child it
  // dropped after writing to it back through its writer. Settable so that
  // tests can make a load overflow it.
  static constexpr std::size_t kDefaultClusterCacheLimit = 200000;
  // Children a rebuild of the index hands at once from the thread reading
  // the store to the one building their comparison records (958k children:
  // 21 s with 4,096, 24 s with 1,024). Settable so that tests can make a
  // rebuild take several.
  static constexpr std::size_t kDefaultRebuildChunk = 4096;
  std::size_t rebuild_chunk() const { return rebuild_chunk_; }
  void set_rebuild_chunk(std::size_t chunk) { rebuild_chunk_ = std::max<std::size_t>(chunk, 1); }
  std::size_t cluster_cache_limit() const { return cluster_cache_limit_; }
  void set_cluster_cache_limit(std::size_t limit) {
    cluster_cache_limit_ = std::max<std::size_t>(limit, 1);
  }
  // ContactPoint IDs a committed load issued (Transaction::AllocateChildId)
  // ahead of need and gave to no child: the next load gives them out first.
  // A load takes IDs in blocks, so that the store is asked rarely; what is
  // left when the process ends stays issued and unused (never reused).
  // Invalidate drops them (the load that issued them may have rolled back).
  std::vector<domain::ContactPointId>& spare_ids() { return spare_ids_; }
  // A load that Synced and then reported every child it changed (Reindex,
  // Forget) has committed; `last_change` is the transaction's LastChange,
  // read just before its Commit. The index reflects the change log up to it,
  // so the next Sync re-derives only what other writers changed since, not
  // this load's own children again.
  void Committed(std::int64_t last_change) {
    if (synced_ && last_change > synced_to_) synced_to_ = last_change;
  }
  // Whether the index was built from the store and not invalidated since
  // (it may still be behind: UpToDate). Call holding load_mutex().
  bool synced() const { return synced_; }

  // A short, stable tag of the model in use ("model-1a2b3c4d5e6f7a8b"): the
  // FNV-1a hash of its canonical JSON.
  const std::string& model_version() const { return model_version_; }
  std::size_t indexed_children() const;

  // Loads and Syncs hold it alone; readers of the parts below (searches, a
  // data administrator's review operations) share it, taken before any store
  // transaction (lock order: this, then the store).
  core::SharedGate& load_mutex() const { return load_mu_; }

  // The parts, for operations that compare records outside a load (a data
  // administrator's link, merge or split checks the cannot-link rules).
  const linkage::RecordBuilder& builder() const;
  const linkage::Comparator& comparator() const;

  // For practitioners' search (search/search_service.h): the candidate index
  // and the model that scores against it. A Sync that rebuilds replaces
  // them, so a reader holds load_mutex() (shared) while it uses them.
  const index::CandidateIndex& candidate_index() const;
  const linkage::Model& model() const;

 private:
  struct Parts;
  Linker(std::unique_ptr<Parts> parts, const matching::MatchOptions& options);

  // Re-reads one child from the store: indexed if some source supplies it,
  // forgotten otherwise.
  core::Status Refresh(storage::Transaction& tx, const domain::ContactPointId& child);
  core::Status Rebuild(storage::Store& store, storage::Transaction& tx);

  std::unique_ptr<Parts> parts_;
  matching::MatchOptions options_;
  std::string model_version_;
  mutable core::SharedGate load_mu_;
  bool synced_ = false;
  std::int64_t synced_to_ = 0;  // the change-log seq the index reflects
  ClusterCache clusters_;
  std::size_t cluster_cache_limit_ = kDefaultClusterCacheLimit;
  std::size_t rebuild_chunk_ = kDefaultRebuildChunk;
  std::vector<domain::ContactPointId> spare_ids_;
};

}  // namespace cp::ingest

#endif  // CP_INGEST_LINKER_H_

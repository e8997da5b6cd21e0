// Interned names of the candidate index: each distinct normalised given name
// and family name is kept once, with its precomputed keys, and children
// refer to it by a 32-bit id. At 11 M children there are a few hundred
// thousand distinct names, so this replaces ~30 M short strings by ids.
//
// An entry counts the children that refer to it; at zero it is forgotten
// (its id is reused), so a name removed with the last child that had it
// leaves the index. The counts are also the names' frequencies in the
// indexed population.
//
// VariantCodes keeps, for each variant group (linkage/name_variants.h), the
// phonetic codes of the interned names in that group with how many
// children carry each, so a probe's nickname ("Bill") can be expanded to the
// codes actually stored for its group ("William", "Will", ...).
//
// Not thread-safe: the owner guards them with its lock.
#ifndef CP_INDEX_INTERNAL_NAME_POOL_H_
#define CP_INDEX_INTERNAL_NAME_POOL_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "index/blocking_keys.h"
#include "index/internal/flat_table.h"
#include "linkage/name_variants.h"
#include "linkage/record.h"

namespace cp::index::internal {

inline constexpr std::uint32_t kNoName = 0xFFFFFFFFu;

struct GivenEntry {
  linkage::NameToken token;
  std::uint64_t code = 0;  // PhoneticCode(token.phonetic)
};

struct FamilyEntry {
  linkage::FamilyName name;
  std::array<std::uint64_t, kMaxFamilyCodes> codes{};  // FamilyCodes(name)
  std::uint8_t code_count = 0;
};

// A 64-bit hash of a name (FNV-1a; the table mixes it again), never 0.
struct NameHasher {
  std::uint64_t operator()(std::string_view text) const {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (char c : text) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ULL;
    }
    return hash == 0 ? 1 : hash;
  }
};

// Interns values of type V under a string key. `Hasher` is replaceable so
// that tests can force collisions.
//
// Lookup goes through a FlatTable from the key's 64-bit hash to the id, then
// compares the key itself; the rare key whose hash is already taken by
// another key lives in a small overflow map instead, so a collision costs
// speed, never correctness. Reference counts sit in their own array: the
// hot path touches the table, one count and one key.
template <typename V, typename Hasher = NameHasher>
class NamePool {
 public:
  struct Interned {
    std::uint32_t id = kNoName;
    bool created = false;
  };

  // The id of `key`, counting one more reference; `make` builds the value
  // when the key is new.
  template <typename Make>
  Interned Intern(std::string_view key, Make&& make) {
    const std::uint64_t hash = Hasher{}(key);
    const std::size_t cell = by_hash_.Find(hash);
    if (cell != FlatTable::kNotFound) {
      const std::uint32_t id = by_hash_.Value(cell);
      if (entries_[id].key == key) {
        ++refs_[id];
        return {id, false};
      }
    }
    if (!overflow_.empty()) {
      auto it = overflow_.find(key);
      if (it != overflow_.end()) {
        ++refs_[it->second];
        return {it->second, false};
      }
    }
    std::uint32_t id;
    if (!free_.empty()) {
      id = free_.back();
      free_.pop_back();
    } else {
      id = static_cast<std::uint32_t>(entries_.size());
      entries_.emplace_back();
      refs_.push_back(0);
    }
    entries_[id].key = std::string(key);
    entries_[id].value = make();
    refs_[id] = 1;
    if (cell == FlatTable::kNotFound) {
      by_hash_.Assign(hash, id);
    } else {
      overflow_.emplace(std::string(key), id);
    }
    ++live_;
    return {id, true};
  }

  // Drops one reference; returns true when that was the last and the entry
  // is gone (at(id) is then invalid).
  bool Release(std::uint32_t id) {
    if (--refs_[id] > 0) return false;
    Entry& entry = entries_[id];
    const std::uint64_t hash = Hasher{}(entry.key);
    const std::size_t cell = by_hash_.Find(hash);
    if (cell != FlatTable::kNotFound && by_hash_.Value(cell) == id) {
      by_hash_.Erase(hash);
    } else {
      overflow_.erase(entry.key);
    }
    entry = Entry{};
    free_.push_back(id);
    --live_;
    return true;
  }

  const V& at(std::uint32_t id) const { return entries_[id].value; }
  std::uint32_t refs(std::uint32_t id) const { return refs_[id]; }
  std::size_t size() const { return live_; }
  // Ids run below this (some may be free).
  std::size_t id_limit() const { return entries_.size(); }

  // Heap bytes, estimated: entries, counts, the hash table, and the keys
  // that outgrew their inline buffer.
  std::size_t MemoryBytes(std::size_t value_heap_bytes) const {
    std::size_t bytes = entries_.capacity() * sizeof(Entry) +
                        (refs_.capacity() + free_.capacity()) * sizeof(std::uint32_t) +
                        by_hash_.MemoryBytes() + value_heap_bytes;
    for (const Entry& entry : entries_) {
      if (entry.key.capacity() > 15) bytes += entry.key.capacity() + 1;
    }
    return bytes;
  }

 private:
  struct Entry {
    std::string key;
    V value{};
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  std::vector<Entry> entries_;
  std::vector<std::uint32_t> refs_;
  std::vector<std::uint32_t> free_;
  FlatTable by_hash_;
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> overflow_;
  std::size_t live_ = 0;
};

// Phonetic codes per variant group, each with the number of indexed
// children whose name in that group has the code. The index calls Add for
// every child's name it stores and Remove when it lets go of one.
class VariantCodes {
 public:
  void Add(const linkage::GroupIds& groups, std::uint64_t code);
  void Remove(const linkage::GroupIds& groups, std::uint64_t code);

  // Appends (code, weight) for every code in any of `groups`; the caller
  // ranks and deduplicates.
  void Append(const linkage::GroupIds& groups,
              std::vector<std::pair<std::uint64_t, std::uint32_t>>* out) const;

  std::size_t MemoryBytes() const;

 private:
  std::vector<std::vector<std::pair<std::uint64_t, std::uint32_t>>> by_group_;
};

}  // namespace cp::index::internal

#endif  // CP_INDEX_INTERNAL_NAME_POOL_H_

// FlatTable: an open-addressing hash table from non-zero 64-bit keys to 32-bit
// values, the building block of the candidate index (blocking-key directory,
// child ID -> slot map).
//
// Why not std::unordered_map: at 11 M children the index holds ~70 M keys; a
// node-based map costs ~50 bytes per entry and a cache miss per node hop,
// this table one packed 12-byte cell (key and value together, so a hit is
// one cache miss) per slot. Linear probing over a capacity that need not be a
// power of two (the home cell is chosen by multiply-shift on a mixed key), so
// Reserve can size it for the expected count; erase shifts later cells back
// (no tombstones, so lookups never slow down with churn). Load is kept at or
// below 4/5; growth doubles the capacity.
//
// Not thread-safe: the owner (CandidateIndex) guards it with its lock.
#ifndef CP_INDEX_INTERNAL_FLAT_TABLE_H_
#define CP_INDEX_INTERNAL_FLAT_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "index/internal/hash.h"
#include "index/internal/huge_page_allocator.h"

namespace cp::index::internal {

// Multiply-shift needs the high half of a 64x64-bit product.
__extension__ typedef unsigned __int128 Uint128;

class FlatTable {
 public:
  // Keys are never 0: 0 marks an empty cell.
  static constexpr std::uint64_t kEmpty = 0;
  static constexpr std::size_t kNotFound = ~std::size_t{0};
  // Grow when size would exceed capacity * kMaxLoadNum / kMaxLoadDen.
  static constexpr std::size_t kMaxLoadNum = 4;
  static constexpr std::size_t kMaxLoadDen = 5;

  FlatTable() = default;

  // Makes room for `count` keys without growing.
  void Reserve(std::size_t count);

  // The cell of `key`, or kNotFound. A cell number is valid until the next
  // insertion or erase.
  std::size_t Find(std::uint64_t key) const;
  std::uint32_t Value(std::size_t cell) const { return cells_[cell].value; }
  void SetValue(std::size_t cell, std::uint32_t value) { cells_[cell].value = value; }

  // The cell of `key`, inserting it with `value` when absent (an existing
  // value is left alone); second is true when the key was new.
  std::pair<std::size_t, bool> Insert(std::uint64_t key, std::uint32_t value);

  // Inserts `key` with `value`, or overwrites the value of an existing key.
  // Returns true when the key was new.
  bool Assign(std::uint64_t key, std::uint32_t value);

  // Removes `key`; returns false when it was absent.
  bool Erase(std::uint64_t key);

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return cells_.size(); }
  std::size_t MemoryBytes() const { return cells_.capacity() * sizeof(Cell); }

  // Calls fn(key, value) for every entry, in no particular order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const Cell& cell : cells_) {
      if (cell.key != kEmpty) fn(std::uint64_t{cell.key}, std::uint32_t{cell.value});
    }
  }

 private:
  struct __attribute__((packed)) Cell {
    std::uint64_t key = kEmpty;
    std::uint32_t value = 0;
  };
  static_assert(sizeof(Cell) == 12);

  std::size_t Home(std::uint64_t key) const {
    return static_cast<std::size_t>((static_cast<Uint128>(Mix64(key)) * cells_.size()) >> 64);
  }
  std::size_t Next(std::size_t i) const { return i + 1 == cells_.size() ? 0 : i + 1; }
  // The cell holding `key`, or the empty cell where it would go.
  std::size_t Probe(std::uint64_t key) const;
  void Rehash(std::size_t new_capacity);

  LargeVector<Cell> cells_;
  std::size_t size_ = 0;
};

}  // namespace cp::index::internal

#endif  // CP_INDEX_INTERNAL_FLAT_TABLE_H_

#include "index/internal/flat_table.h"

#include <algorithm>

namespace cp::index::internal {

void FlatTable::Reserve(std::size_t count) {
  const std::size_t needed = count * kMaxLoadDen / kMaxLoadNum + 1;
  if (needed > cells_.size()) Rehash(needed);
}

std::size_t FlatTable::Probe(std::uint64_t key) const {
  std::size_t i = Home(key);
  while (cells_[i].key != kEmpty && cells_[i].key != key) i = Next(i);
  return i;
}

std::size_t FlatTable::Find(std::uint64_t key) const {
  if (size_ == 0) return kNotFound;
  const std::size_t i = Probe(key);
  return cells_[i].key == key ? i : kNotFound;
}

std::pair<std::size_t, bool> FlatTable::Insert(std::uint64_t key, std::uint32_t value) {
  if ((size_ + 1) * kMaxLoadDen > cells_.size() * kMaxLoadNum) {
    Rehash(std::max<std::size_t>(16, cells_.size() * 2));
  }
  const std::size_t i = Probe(key);
  if (cells_[i].key == key) return {i, false};
  cells_[i].key = key;
  cells_[i].value = value;
  ++size_;
  return {i, true};
}

bool FlatTable::Assign(std::uint64_t key, std::uint32_t value) {
  const auto [cell, inserted] = Insert(key, value);
  if (!inserted) cells_[cell].value = value;
  return inserted;
}

bool FlatTable::Erase(std::uint64_t key) {
  if (size_ == 0) return false;
  std::size_t hole = Probe(key);
  if (cells_[hole].key != key) return false;
  // Backward-shift deletion: pull later cells of the run into the hole when
  // their home lies at or before it, so every key stays reachable from its
  // home without tombstones.
  std::size_t j = hole;
  while (true) {
    j = Next(j);
    if (cells_[j].key == kEmpty) break;
    const std::size_t home = Home(cells_[j].key);
    const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (stays) continue;
    cells_[hole] = cells_[j];
    hole = j;
  }
  cells_[hole] = Cell{};
  --size_;
  return true;
}

void FlatTable::Rehash(std::size_t new_capacity) {
  LargeVector<Cell> old(new_capacity);
  old.swap(cells_);
  for (const Cell& cell : old) {
    if (cell.key == kEmpty) continue;
    cells_[Probe(cell.key)] = cell;
  }
}

}  // namespace cp::index::internal

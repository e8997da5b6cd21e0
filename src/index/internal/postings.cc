#include "index/internal/postings.h"

#include <algorithm>
#include <cstring>

namespace cp::index::internal {
namespace {

// The capacity after `capacity`: doubled, then widened to fill the arena
// block it lands in.
std::uint32_t Grown(std::uint32_t capacity, std::uint32_t header) {
  return WordArena::BlockWords(capacity * 2 + header) - header;
}

}  // namespace

void Postings::Reserve(std::size_t keys, std::size_t list_words) {
  directory_.Reserve(keys);
  lists_.Reserve(list_words);
}

bool Postings::Add(std::uint64_t key, std::uint32_t slot) {
  const auto [cell, inserted] = directory_.Insert(key, kInline | slot);
  if (inserted) {
    ++postings_;
    return true;
  }
  const std::uint32_t ref = directory_.Value(cell);
  if ((ref & kInline) != 0) {
    const std::uint32_t capacity = 2;
    const auto offset = lists_.Allocate(kHeader + capacity);
    if (!offset.has_value()) return false;
    std::uint32_t* list = lists_.At(*offset);
    list[0] = 2;
    list[1] = capacity;
    list[2] = ref & ~kInline;
    list[3] = slot;
    directory_.SetValue(cell, *offset);
    ++postings_;
    return true;
  }
  std::uint32_t* list = lists_.At(ref);
  if (list[0] == list[1]) {
    const std::uint32_t size = list[0];
    const std::uint32_t old_capacity = list[1];
    const std::uint32_t capacity = Grown(old_capacity, kHeader);
    const auto grown = lists_.Allocate(kHeader + capacity);
    if (!grown.has_value()) return false;
    std::uint32_t* target = lists_.At(*grown);
    // Allocate may have moved the arena: take the old list's address again.
    std::memcpy(target + kHeader, lists_.At(ref) + kHeader, size * sizeof(std::uint32_t));
    target[0] = size;
    target[1] = capacity;
    lists_.Free(ref, kHeader + old_capacity);
    directory_.SetValue(cell, *grown);
    list = target;
  }
  list[kHeader + list[0]] = slot;
  ++list[0];
  ++postings_;
  return true;
}

bool Postings::Remove(std::uint64_t key, std::uint32_t slot) {
  const std::size_t cell = directory_.Find(key);
  if (cell == FlatTable::kNotFound) return false;
  const std::uint32_t ref = directory_.Value(cell);
  if ((ref & kInline) != 0) {
    if ((ref & ~kInline) != slot) return false;
    directory_.Erase(key);
    --postings_;
    return true;
  }
  std::uint32_t* list = lists_.At(ref);
  std::uint32_t* slots = list + kHeader;
  std::uint32_t* end = slots + list[0];
  std::uint32_t* found = std::find(slots, end, slot);
  if (found == end) return false;
  *found = *(end - 1);
  --list[0];
  --postings_;
  if (list[0] == 1) {
    directory_.SetValue(cell, kInline | slots[0]);
    lists_.Free(ref, kHeader + list[1]);
  }
  return true;
}

Block Postings::Find(std::uint64_t key) const {
  Block block;
  const std::size_t cell = directory_.Find(key);
  if (cell == FlatTable::kNotFound) return block;
  const std::uint32_t ref = directory_.Value(cell);
  if ((ref & kInline) != 0) {
    block.size = 1;
    block.single = ref & ~kInline;
    return block;
  }
  const std::uint32_t* list = lists_.At(ref);
  block.size = list[0];
  block.slots = list + kHeader;
  return block;
}

}  // namespace cp::index::internal

// Postings: blocking key -> the slots of the children stored under it.
//
// Two levels, sized for a directory of ~90 M keys at 11 M children where
// most keys belong to one or two children:
//   - a FlatTable from key to a 32-bit reference. A block of one child is
//     held inline in the reference (top bit set, the slot below), so a
//     near-unique key (NHS number, date of birth + family name) costs one
//     12-byte cell and nothing else;
//   - a block of two or more lives in a WordArena list [size, capacity,
//     slot...], grown by doubling; it goes back inline when it shrinks to
//     one child and disappears at zero.
// A lookup is one probe of the directory plus, for a shared key, one read
// of a contiguous list. Slots within a block are in no particular order
// (removal moves the last slot into the gap).
//
// Not thread-safe: the owner guards it with its lock.
#ifndef CP_INDEX_INTERNAL_POSTINGS_H_
#define CP_INDEX_INTERNAL_POSTINGS_H_

#include <cstddef>
#include <cstdint>

#include "index/internal/flat_table.h"
#include "index/internal/word_arena.h"

namespace cp::index::internal {

// Slots must be below this (the top bit of a reference marks an inline slot).
inline constexpr std::uint32_t kMaxSlots = 1u << 31;

// The slots under one key, valid until the next write.
struct Block {
  std::uint32_t size = 0;
  const std::uint32_t* slots = nullptr;  // when size >= 2
  std::uint32_t single = 0;              // when size == 1

  std::uint32_t operator[](std::uint32_t i) const { return size == 1 ? single : slots[i]; }
};

class Postings {
 public:
  // Makes room for `keys` distinct keys and `list_words` words of lists.
  void Reserve(std::size_t keys, std::size_t list_words);

  // Adds `slot` under `key` (the caller never adds a slot twice to one key).
  // False only when the list arena is full (16 GiB).
  bool Add(std::uint64_t key, std::uint32_t slot);

  // Removes `slot` from `key`; false when it was not there.
  bool Remove(std::uint64_t key, std::uint32_t slot);

  Block Find(std::uint64_t key) const;

  std::size_t keys() const { return directory_.size(); }
  std::size_t postings() const { return postings_; }
  std::size_t DirectoryBytes() const { return directory_.MemoryBytes(); }
  std::size_t ListBytes() const { return lists_.MemoryBytes(); }
  std::size_t list_words() const { return lists_.used_words(); }

  // Calls fn(key, block size) for every key.
  template <typename Fn>
  void ForEachKey(Fn&& fn) const {
    directory_.ForEach([&](std::uint64_t key, std::uint32_t ref) {
      fn(key, (ref & kInline) != 0 ? 1u : lists_.At(ref)[0]);
    });
  }

 private:
  static constexpr std::uint32_t kInline = 1u << 31;
  static constexpr std::uint32_t kHeader = 2;  // size, capacity

  FlatTable directory_;
  WordArena lists_;
  std::size_t postings_ = 0;
};

}  // namespace cp::index::internal

#endif  // CP_INDEX_INTERNAL_POSTINGS_H_

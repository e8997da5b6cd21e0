// WordArena: variable-sized blocks of 32-bit words in one contiguous vector,
// addressed by 32-bit offsets, with per-size free lists. It holds the
// candidate index's posting lists and the variable part of each child's row.
//
// A block of n words occupies BlockWords(n) words: exactly n up to 32 (rows
// and short posting lists, the common case, waste nothing), else the next
// power of two. Freed blocks go to the free list of their size and are
// reused first, so an index under churn stays within its high-water mark;
// blocks are never coalesced. Offsets stay valid across growth (the vector
// may move, offsets do not), which is why the index stores offsets, never
// pointers.
//
// Not thread-safe: the owner guards it with its lock.
#ifndef CP_INDEX_INTERNAL_WORD_ARENA_H_
#define CP_INDEX_INTERNAL_WORD_ARENA_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "index/internal/huge_page_allocator.h"

namespace cp::index::internal {

class WordArena {
 public:
  // Largest block: 2^31 words.
  static constexpr std::uint32_t kMaxBlockWords = 1u << 31;

  // Words a block of `words` words really occupies (`words` >= 1).
  static std::uint32_t BlockWords(std::uint32_t words);

  // A block of at least `words` words (1 <= words <= kMaxBlockWords), or
  // nullopt when the arena would pass 2^32 words (16 GiB).
  std::optional<std::uint32_t> Allocate(std::uint32_t words);

  // Returns a block; `words` must be what it was allocated with (or anything
  // with the same BlockWords).
  void Free(std::uint32_t offset, std::uint32_t words);

  std::uint32_t* At(std::uint32_t offset) { return words_.data() + offset; }
  const std::uint32_t* At(std::uint32_t offset) const { return words_.data() + offset; }

  void Reserve(std::size_t words) { words_.reserve(words); }

  std::size_t MemoryBytes() const;
  std::size_t used_words() const { return words_.size() - free_words_; }
  std::size_t free_words() const { return free_words_; }

 private:
  static std::size_t ClassOf(std::uint32_t block_words);

  LargeVector<std::uint32_t> words_;
  std::vector<std::vector<std::uint32_t>> free_;  // offsets by size class
  std::size_t free_words_ = 0;
};

}  // namespace cp::index::internal

#endif  // CP_INDEX_INTERNAL_WORD_ARENA_H_

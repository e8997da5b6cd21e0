#include "index/internal/word_arena.h"

#include <bit>

namespace cp::index::internal {
namespace {

constexpr std::uint32_t kExactUpTo = 32;
constexpr std::size_t kMaxArenaWords = std::size_t{1} << 32;

}  // namespace

std::uint32_t WordArena::BlockWords(std::uint32_t words) {
  if (words <= kExactUpTo) return words;
  return std::bit_ceil(words);
}

std::size_t WordArena::ClassOf(std::uint32_t block_words) {
  if (block_words <= kExactUpTo) return block_words;
  // 64 -> 33, 128 -> 34, ...
  return kExactUpTo + static_cast<std::size_t>(std::bit_width(block_words) - 6);
}

std::optional<std::uint32_t> WordArena::Allocate(std::uint32_t words) {
  const std::uint32_t block = BlockWords(words);
  const std::size_t size_class = ClassOf(block);
  if (size_class < free_.size() && !free_[size_class].empty()) {
    const std::uint32_t offset = free_[size_class].back();
    free_[size_class].pop_back();
    free_words_ -= block;
    return offset;
  }
  if (words_.size() + block > kMaxArenaWords) return std::nullopt;
  const auto offset = static_cast<std::uint32_t>(words_.size());
  words_.resize(words_.size() + block);
  return offset;
}

void WordArena::Free(std::uint32_t offset, std::uint32_t words) {
  const std::uint32_t block = BlockWords(words);
  const std::size_t size_class = ClassOf(block);
  if (size_class >= free_.size()) free_.resize(size_class + 1);
  free_[size_class].push_back(offset);
  free_words_ += block;
}

std::size_t WordArena::MemoryBytes() const {
  std::size_t bytes = words_.capacity() * sizeof(std::uint32_t);
  for (const auto& list : free_) bytes += list.capacity() * sizeof(std::uint32_t);
  return bytes;
}

}  // namespace cp::index::internal

#include "index/internal/huge_page_allocator.h"

#include <sys/mman.h>

#include <cstdint>

namespace cp::index::internal {
namespace {

// The mapping is made one huge page longer than asked so that its start can
// be aligned; the real start and length are kept just before the block.
struct Mapping {
  void* start;
  std::size_t length;
};
constexpr std::size_t kHeaderBytes = kHugePageBytes;

}  // namespace

void* AllocateLarge(std::size_t bytes) {
  if (bytes < kHugePageBytes) return ::operator new(bytes);
  const std::size_t length = bytes + kHeaderBytes + kHugePageBytes;
  void* start = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (start == MAP_FAILED) throw std::bad_alloc();
  const auto raw = reinterpret_cast<std::uintptr_t>(start) + kHeaderBytes;
  const std::uintptr_t aligned = (raw + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  auto* block = reinterpret_cast<void*>(aligned);
  ::madvise(block, bytes, MADV_HUGEPAGE);  // advice only: failure leaves small pages
  reinterpret_cast<Mapping*>(aligned)[-1] = Mapping{start, length};
  return block;
}

void FreeLarge(void* pointer, std::size_t bytes) {
  if (pointer == nullptr) return;
  if (bytes < kHugePageBytes) {
    ::operator delete(pointer);
    return;
  }
  const Mapping mapping = static_cast<Mapping*>(pointer)[-1];
  ::munmap(mapping.start, mapping.length);
}

}  // namespace cp::index::internal

// HugePageAllocator: a std::allocator for the candidate index's large arrays
// (directory cells, arenas, rows) that asks the kernel for transparent huge
// pages.
//
// Why: lookups and inserts land at random places in arrays of hundreds of
// megabytes to gigabytes. With 4 KiB pages nearly every access also misses
// the TLB and walks the page tables; with 2 MiB pages the walk mostly
// disappears (measured in docs/index.md). Allocations of at least 2 MiB are
// mapped with mmap, aligned to 2 MiB and marked MADV_HUGEPAGE (honoured when
// /sys/kernel/mm/transparent_hugepage/enabled is "always" or "madvise");
// smaller ones use operator new. If the kernel ignores the advice the memory
// is ordinary pages: only speed changes.
//
// Stateless; thread-safe.
#ifndef CP_INDEX_INTERNAL_HUGE_PAGE_ALLOCATOR_H_
#define CP_INDEX_INTERNAL_HUGE_PAGE_ALLOCATOR_H_

#include <cstddef>
#include <new>
#include <vector>

namespace cp::index::internal {

inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

// Raw blocks: at least kHugePageBytes go to mmap, smaller to operator new.
void* AllocateLarge(std::size_t bytes);
void FreeLarge(void* pointer, std::size_t bytes);

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding

  T* allocate(std::size_t n) { return static_cast<T*>(AllocateLarge(n * sizeof(T))); }
  void deallocate(T* pointer, std::size_t n) { FreeLarge(pointer, n * sizeof(T)); }

  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) { return true; }
};

template <typename T>
using LargeVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace cp::index::internal

#endif  // CP_INDEX_INTERNAL_HUGE_PAGE_ALLOCATOR_H_

#include "index/internal/name_pool.h"

#include <algorithm>

namespace cp::index::internal {

void VariantCodes::Add(const linkage::GroupIds& groups, std::uint64_t code) {
  if (code == 0) return;
  for (std::uint8_t i = 0; i < groups.size; ++i) {
    const std::uint16_t group = groups.ids[i];
    if (group >= by_group_.size()) by_group_.resize(group + 1u);
    auto& codes = by_group_[group];
    auto it = std::find_if(codes.begin(), codes.end(),
                           [code](const auto& entry) { return entry.first == code; });
    if (it == codes.end()) {
      codes.emplace_back(code, 1);
    } else {
      ++it->second;
    }
  }
}

void VariantCodes::Remove(const linkage::GroupIds& groups, std::uint64_t code) {
  if (code == 0) return;
  for (std::uint8_t i = 0; i < groups.size; ++i) {
    const std::uint16_t group = groups.ids[i];
    if (group >= by_group_.size()) continue;
    auto& codes = by_group_[group];
    auto it = std::find_if(codes.begin(), codes.end(),
                           [code](const auto& entry) { return entry.first == code; });
    if (it == codes.end()) continue;
    if (--it->second == 0) {
      *it = codes.back();
      codes.pop_back();
    }
  }
}

void VariantCodes::Append(const linkage::GroupIds& groups,
                          std::vector<std::pair<std::uint64_t, std::uint32_t>>* out) const {
  for (std::uint8_t i = 0; i < groups.size; ++i) {
    const std::uint16_t group = groups.ids[i];
    if (group >= by_group_.size()) continue;
    out->insert(out->end(), by_group_[group].begin(), by_group_[group].end());
  }
}

std::size_t VariantCodes::MemoryBytes() const {
  std::size_t bytes = by_group_.capacity() * sizeof(by_group_[0]);
  for (const auto& codes : by_group_) bytes += codes.capacity() * sizeof(codes[0]);
  return bytes;
}

}  // namespace cp::index::internal

#include "linkage/string_similarity.h"

#include <algorithm>
#include <array>
#include <vector>

namespace cp::linkage {
namespace {

// Flags for matched characters: on the stack for names, on the heap beyond.
constexpr std::size_t kStackFlags = 128;

class Flags {
 public:
  explicit Flags(std::size_t size) {
    if (size > kStackFlags) heap_.assign(size, false);
    data_ = size > kStackFlags ? nullptr : stack_.data();
    stack_.fill(false);
  }
  bool Get(std::size_t i) const { return data_ ? data_[i] : static_cast<bool>(heap_[i]); }
  void Set(std::size_t i) {
    if (data_) {
      data_[i] = true;
    } else {
      heap_[i] = true;
    }
  }

 private:
  std::array<bool, kStackFlags> stack_;
  std::vector<bool> heap_;
  bool* data_;
};

}  // namespace

double Jaro(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  const std::size_t longer = std::max(a.size(), b.size());
  const std::size_t window = longer / 2 > 0 ? longer / 2 - 1 : 0;

  Flags a_matched(a.size());
  Flags b_matched(b.size());
  std::size_t matches = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::size_t lo = i > window ? i - window : 0;
    const std::size_t hi = std::min(b.size(), i + window + 1);
    for (std::size_t j = lo; j < hi; ++j) {
      if (b_matched.Get(j) || a[i] != b[j]) continue;
      a_matched.Set(i);
      b_matched.Set(j);
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;

  std::size_t out_of_order = 0;
  std::size_t j = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a_matched.Get(i)) continue;
    while (!b_matched.Get(j)) ++j;
    if (a[i] != b[j]) ++out_of_order;
    ++j;
  }
  const double m = static_cast<double>(matches);
  const double t = static_cast<double>(out_of_order) / 2.0;
  return (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) + (m - t) / m) /
         3.0;
}

double JaroWinkler(std::string_view a, std::string_view b, double prefix_scale,
                   double boost_threshold) {
  const double jaro = Jaro(a, b);
  if (jaro <= boost_threshold) return jaro;
  const std::size_t limit = std::min<std::size_t>({4, a.size(), b.size()});
  std::size_t prefix = 0;
  while (prefix < limit && a[prefix] == b[prefix]) ++prefix;
  const double scale = std::clamp(prefix_scale, 0.0, 0.25);
  return jaro + static_cast<double>(prefix) * scale * (1.0 - jaro);
}

std::size_t DamerauLevenshteinDistance(std::string_view a, std::string_view b) {
  if (a.size() < b.size()) std::swap(a, b);  // b is the shorter: rows of |b| + 1
  if (b.empty()) return a.size();
  const std::size_t n = b.size();
  // Three rows: i - 2 (for transpositions), i - 1 and i.
  std::vector<std::size_t> before(n + 1), previous(n + 1), current(n + 1);
  for (std::size_t j = 0; j <= n; ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= n; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t best = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        best = std::min(best, before[j - 2] + 1);
      }
      current[j] = best;
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[n];
}

}  // namespace cp::linkage

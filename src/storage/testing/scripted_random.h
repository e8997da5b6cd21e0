// ScriptedRandom: a core::Random that plays back a script, for tests that
// need exact control over "random" draws (e.g. to make AllocateChildId draw
// an ID that was issued before).
//
// Each 8-byte draw returns the next scripted value; when the script runs out
// the last value repeats forever. Draws of other sizes take the low bytes of
// the next value. Values below 2^63 pass straight through Random::Uniform
// (for any bound it accepts in one draw), so Uniform(n) yields value % n.
// Not thread-safe; owned by the test.
#ifndef CP_STORAGE_TESTING_SCRIPTED_RANDOM_H_
#define CP_STORAGE_TESTING_SCRIPTED_RANDOM_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "core/random.h"
#include "domain/ids.h"

namespace cp::storage::testing {

class ScriptedRandom final : public core::Random {
 public:
  explicit ScriptedRandom(std::vector<std::uint64_t> script) : script_(std::move(script)) {
    if (script_.empty()) script_.push_back(0);
  }

  void Fill(std::span<std::byte> out) override {
    std::size_t i = 0;
    while (i < out.size()) {
      const std::uint64_t v = script_[std::min(next_, script_.size() - 1)];
      ++next_;
      const std::size_t n = std::min(sizeof v, out.size() - i);
      std::memcpy(out.data() + i, &v, n);
      i += n;
    }
  }

  // How many values have been drawn so far.
  std::size_t draws() const { return next_; }

 private:
  std::vector<std::uint64_t> script_;
  std::size_t next_ = 0;
};

// The ID that ContactPointId::Generate draws from a ScriptedRandom whose next
// value is `value` (for value < 9 * 10^10).
inline domain::ContactPointId ScriptedId(std::uint64_t value) {
  ScriptedRandom random({value});
  return domain::ContactPointId::Generate(random);
}

}  // namespace cp::storage::testing

#endif  // CP_STORAGE_TESTING_SCRIPTED_RANDOM_H_

// Name normalisation for record linkage: from whatever a source or a user
// typed to the lower-case ASCII tokens every comparator works on.
//
//   "Zoë" -> [zoe]   "Nguyễn" -> [nguyen]   "Анна" -> [anna]
//   "O'Brien" -> [obrien]   "Mary-Jane  Smith" -> [mary, jane, smith]
//
// Steps: ICU transliteration "Any-Latin; Latin-ASCII", then removal of any
// combining mark left over, then Unicode case folding; finally every letter
// a-z and digit 0-9 is kept, whitespace, hyphens, dashes and slashes split
// tokens, and every other character (apostrophes, full stops, symbols, letters
// no transliteration reached) is removed without splitting. Pure ASCII input,
// the common case, never reaches ICU.
//
// Family names also get keys that tolerate particles and double barrels; see
// FamilyNameKeys below for the rules.
#ifndef CP_LINKAGE_NORMALISE_H_
#define CP_LINKAGE_NORMALISE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cp::linkage {

// Turns names into normalised tokens.
//
// Building the ICU transliterator costs ~350 us, so build one NameNormaliser
// per process (the composition root owns it, by unique_ptr) and share it by
// reference. Thread-safe: ICU transliterators are not, so a non-ASCII call
// borrows a private clone from a pool whose mutex is held only to take or
// return a clone, never while transliterating; the pool grows to the number
// of threads that ever call at once. Chosen over one transliterator behind a
// mutex, which would serialise every ~6 us transliteration (measurements in
// docs/linkage.md).
class NameNormaliser {
 public:
  // Fails with kInternal if ICU cannot build the transliterator (a broken ICU
  // installation).
  static core::StatusOr<std::unique_ptr<NameNormaliser>> Create();

  ~NameNormaliser();
  NameNormaliser(const NameNormaliser&) = delete;
  NameNormaliser& operator=(const NameNormaliser&) = delete;

  // The normalised tokens of `text` in order; empty when nothing is left.
  // Invalid UTF-8 is tolerated: bad bytes are dropped.
  std::vector<std::string> Tokens(std::string_view text) const;

  // The tokens joined by single spaces.
  std::string Normalise(std::string_view text) const;

 private:
  class Pool;  // the ICU transliterators, kept out of this header
  explicit NameNormaliser(std::unique_ptr<Pool> pool);

  std::unique_ptr<Pool> pool_;
};

// Tokens of already-ASCII text by the rules above, without ICU. Bytes >= 0x80
// are dropped; exposed for callers that know their input is ASCII (and tests).
std::vector<std::string> AsciiTokens(std::string_view text);

// Name particles: words that join a family name and that sources keep or drop
// inconsistently ("van der Berg" / "Berg", "Al Hassan" / "Hassan"):
//   al el bin binti bint ibn ben abu  van von der den de del della delle di da
//   das dos do du des la le lo los las ten ter y
// "Mac", "Mc", "O'" and "St" are not particles: they are part of the name
// ("O'Brien" is one token, obrien).
bool IsParticle(std::string_view token);

// The keys of one family name, built from its normalised tokens.
//
// Decision: particles stay in the surname key (`full`, all tokens run
// together, "vanderberg") because that is what most sources send and exact
// agreement on it is the strongest evidence; `core` drops every particle
// token ("berg") so that a source that dropped the particle still agrees at
// the "partial" level. A name made only of particles ("Le", "De La") keeps
// them: core == full. A name with two or more non-particle tokens ("Smith-
// Jones", "Smith Jones", "Lloyd-de Vries") is double-barrelled, and each
// non-particle token is one of `parts` (smith, jones), so "Smith-Jones"
// partly agrees with "Jones".
struct FamilyNameKeys {
  std::string full;                // "" when the name normalises to nothing
  std::string core;                // full without particles
  std::vector<std::string> parts;  // empty unless double-barrelled
  friend bool operator==(const FamilyNameKeys&, const FamilyNameKeys&) = default;
};
FamilyNameKeys MakeFamilyNameKeys(const std::vector<std::string>& tokens);

}  // namespace cp::linkage

#endif  // CP_LINKAGE_NORMALISE_H_

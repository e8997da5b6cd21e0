// Phonetic key for names: NYSIIS, the New York State Identification and
// Intelligence System code (R. L. Taft, "Name Search Techniques", 1970).
//
// We chose NYSIIS over Soundex (too coarse: it keeps only the first letter
// and three consonant classes) and over Double Metaphone (two keys per name
// and hundreds of special cases tuned to many languages) because its rules
// are short, fully published and keep vowel positions, which separates
// common short British forenames better. The rules, applied to the name in
// upper case with everything but A-Z removed:
//   1. Leading MAC -> MCC, KN -> NN, K -> C, PH and PF -> FF, SCH -> SSS.
//   2. Trailing EE and IE -> Y; trailing DT, RT, RD, NT and ND -> D.
//   3. The key starts with the first letter.
//   4. Walking the rest left to right, each position rewritten in place:
//      EV -> AF, else any vowel -> A; Q -> G, Z -> S, M -> N; KN -> N (the K
//      becomes N), else K -> C; SCH -> SSS, PH -> FF; H -> the previous
//      letter when the previous or the next letter is not a vowel; W -> the
//      previous letter when that is a vowel. The (rewritten) letter is
//      appended unless it repeats the last letter of the key.
//   5. Drop a final S; turn a final AY into Y; drop a final A.
//   6. Truncate to `max_length` letters (Taft's code keeps 6; 0 keeps all).
// Example: MACINTOSH -> MCANT, PHILLIPSON -> FALAPSAN (untruncated).
//
// A pure function: safe from any thread.
#ifndef CP_LINKAGE_PHONETIC_H_
#define CP_LINKAGE_PHONETIC_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace cp::linkage {

inline constexpr std::size_t kNysiisLength = 6;

// The NYSIIS key of `name` (letters A-Z in any case; other bytes are
// ignored). Empty when the name has no letter.
std::string Nysiis(std::string_view name, std::size_t max_length = kNysiisLength);

}  // namespace cp::linkage

#endif  // CP_LINKAGE_PHONETIC_H_

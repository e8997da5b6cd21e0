// String comparators for record linkage: Jaro, Jaro-Winkler and the
// Damerau-Levenshtein distance in its optimal-string-alignment form.
//
// All three compare bytes. They are meant for names and address words AFTER
// normalisation (normalise.h), which leaves lower-case ASCII, so a byte is a
// character. Called on raw UTF-8 they still terminate and stay in range, but
// a multi-byte character then counts as several characters.
//
// Pure functions with no state: safe to call from any thread.
#ifndef CP_LINKAGE_STRING_SIMILARITY_H_
#define CP_LINKAGE_STRING_SIMILARITY_H_

#include <cstddef>
#include <string_view>

namespace cp::linkage {

// Jaro similarity in [0, 1] (Jaro 1989): characters match when equal and no
// further apart than max(|a|, |b|) / 2 - 1 positions; t is half the number of
// matched characters that appear in a different order.
//   jaro = (m / |a| + m / |b| + (m - t) / m) / 3, or 0 when m == 0.
// Two empty strings are identical (1.0); one empty string gives 0.0.
double Jaro(std::string_view a, std::string_view b);

// Jaro-Winkler similarity in [0, 1] (Winkler 1990): the Jaro similarity raised
// for a common prefix of up to 4 characters by `prefix_scale` (0.1, at most
// 0.25 so the result stays <= 1), applied only when the Jaro similarity
// exceeds `boost_threshold` (0.7, as Winkler defined it):
//   jw = jaro + prefix * prefix_scale * (1 - jaro).
// MARTHA/MARHTA = 0.961, DWAYNE/DUANE = 0.840, DIXON/DICKSONX = 0.813.
double JaroWinkler(std::string_view a, std::string_view b, double prefix_scale = 0.1,
                   double boost_threshold = 0.7);

// Damerau-Levenshtein distance, RESTRICTED form (optimal string alignment):
// the least number of insertions, deletions, substitutions and transpositions
// of two adjacent characters turning `a` into `b`, where no substring is
// edited more than once. It differs from the unrestricted distance only when
// an edit would touch a transposed pair again: OSA("ca", "abc") = 3 where the
// unrestricted distance is 2. We chose OSA because a typing error in a name is
// one slip, not an edit of an edit, and OSA needs O(min(|a|,|b|)) memory and
// no alphabet-sized table.
std::size_t DamerauLevenshteinDistance(std::string_view a, std::string_view b);

}  // namespace cp::linkage

#endif  // CP_LINKAGE_STRING_SIMILARITY_H_

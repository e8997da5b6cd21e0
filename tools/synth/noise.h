// The errors and variations real feeds carry, applied to true values.
//
// Each function takes the caller's generator and returns a changed copy that
// still passes the field validators (a name stays a valid name; a date stays a
// real date not after `today`). Stateless; thread-safe given separate
// generators.
#ifndef CP_SYNTH_NOISE_H_
#define CP_SYNTH_NOISE_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/random.h"
#include "domain/model.h"
#include "synth/reference_data.h"

namespace cp::synth {

// One keying error: a letter replaced by a neighbour on a QWERTY keyboard,
// two adjacent letters transposed, or a letter dropped. Names of fewer than
// three letters are returned unchanged.
std::string Typo(std::string_view name, core::SeededRandom& random);

// A short form or variant of a first name ("William" -> "Bill"), or the name
// unchanged when none is known.
std::string Nickname(std::string_view name, const ReferenceData& data, core::SeededRandom& random);

// The family name as another system records it: a hyphenated or
// double-barrelled name split by a space, joined, or cut to one half; any
// other name replaced by a known variant spelling (or unchanged).
std::string SurnameForm(std::string_view name, const ReferenceData& data,
                        core::SeededRandom& random);

// Day and month transposed, when the day is 1-12, differs from the month, and
// the result is not after `today`; otherwise `date` unchanged.
domain::Date SwapDayMonth(domain::Date date, domain::Date today);

// Given names joined with spaces, e.g. {"Amelia", "Rose"} -> "Amelia Rose".
std::string JoinNames(const std::vector<std::string>& names);

}  // namespace cp::synth

#endif  // CP_SYNTH_NOISE_H_

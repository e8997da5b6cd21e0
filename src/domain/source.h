// Source systems and their accreditation (DOMAIN.md section 4): a source must
// pass registered -> type accredited -> instance accredited -> active before
// it may load; an active source may be suspended and later reinstated.
//
// Pure rules over plain values; no I/O. Thread-compatible.
#ifndef CP_DOMAIN_SOURCE_H_
#define CP_DOMAIN_SOURCE_H_

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "domain/ids.h"

namespace cp::domain {

enum class SourceState {
  kRegistered,          // the organisation is known; its system is not yet trusted
  kTypeAccredited,      // the software product produces conformant batches
  kInstanceAccredited,  // this installation sends correct data
  kActive,              // may load batches
  kSuspended,           // loading refused until reinstated
};

enum class SourceKind {
  kNational,  // GRO, DWP, DCSF census, NHS PDS
  kLocal,     // a local authority or partner case-management system
};

std::string_view SourceStateName(SourceState state);
core::StatusOr<SourceState> ParseSourceState(std::string_view text);
std::string_view SourceKindName(SourceKind kind);
core::StatusOr<SourceKind> ParseSourceKind(std::string_view text);

// Source IDs: 2-64 characters of lower-case letters, digits and hyphens,
// starting with a letter ("gro-births", "la-leeds-social-care").
core::Status ValidateSourceId(std::string_view text);

// Whether a source in `from` may move to `to`. Accreditation advances one
// step at a time; only an active source may be suspended; a suspended source
// returns to active. Errors (kFailedPrecondition) say what must happen first.
core::Status CheckTransition(SourceState from, SourceState to);

// Only an active source may load; the error says why not.
core::Status CheckCanLoad(const SourceId& id, SourceState state);

}  // namespace cp::domain

#endif  // CP_DOMAIN_SOURCE_H_

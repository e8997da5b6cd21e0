// JSON documents for what a source said about a child.
//
// A SourceRecord keeps the source's own view of the child (a domain::Child,
// whose id is not stored) and the life events it reported. Backends store
// both as JSON text in one column each, since they are read and written whole
// and never queried field by field. Enums and dates use the spellings of
// codec.h. The same functions serve every backend, so a record copied between
// backends stays byte-identical.
//
// A source view is written as {"view": T}, T the tuple
//   [given names, family name, gender, date of birth, other names, carers,
//    services, address lines, postcode, NHS number, UPN, ULN, date of death]
// whose lists hold the tuples of EncodeChildListsJson below, the nulls at the
// end left off. Views written before the sixteenth session (an object with a
// key per field, names as in DATA-SUPPLY.md) are still read.
//
// nlohmann::json is private to this file's implementation: no exception
// leaves it. Stateless functions; thread-safe.
#ifndef CP_STORAGE_INTERNAL_RECORD_JSON_H_
#define CP_STORAGE_INTERNAL_RECORD_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "domain/model.h"
#include "storage/store.h"

namespace cp::storage::internal {

// Errors: kInvalidRecord or kInvalidDate naming the field (an enumerator out of
// range, an impossible date, text that is not valid UTF-8).
core::StatusOr<std::string> EncodeChildJson(const domain::Child& child);
core::StatusOr<std::string> EncodeEventsJson(const std::vector<domain::SourceEvent>& events);

// The id of the decoded child is unassigned. Errors: kStoreCorrupt.
core::StatusOr<domain::Child> DecodeChildJson(std::string_view json);
core::StatusOr<std::vector<domain::SourceEvent>> DecodeEventsJson(std::string_view json);

// A best view's lists (other names, carers, services) as one JSON object,
// for a backend that keeps a child in one row:
//   {"carers":[C...],"other_names":[N...],"services":[S...]}
// Each element is an array of values in a fixed order, without key names
// (a child's lists are most of its bytes), the nulls at its end left off:
//   N: given names, family name
//   C: given names, family name, relationship, parental responsibility,
//      phone, email, address lines (an array), postcode
//   S: type, organisation name, lead professional, CAF holder, organisation
//      code, start, end, organisation phone, email, address lines, postcode,
//      practitioner given names, family name, phone, email, address lines,
//      postcode, consent given by, consent date, override ground
// Codes and dates are spelled as in codec.h, flags are true/false. Errors as
// EncodeChildJson's, naming child.carers[i] and child.involvements[i].
// Decoding replaces `child`'s three lists; errors: kStoreCorrupt.
core::StatusOr<std::string> EncodeChildListsJson(const domain::Child& child);
core::Status DecodeChildListsJson(std::string_view json, domain::Child& child);

// A link decision (store.h) as a JSON object. Errors: kInvalidRecord for
// text that is not valid UTF-8 or a score that is not finite; kStoreCorrupt
// when decoding something else.
core::StatusOr<std::string> EncodeDecisionJson(const LinkDecision& decision);
core::StatusOr<LinkDecision> DecodeDecisionJson(std::string_view json);

// A best view's provenance (domain::FieldProvenance list), codes only: a list
// of tuples [source, key, batch, extracted_at_ms, field, field...], one for
// each run of consecutive fields from one source record. Lists written
// before the seventeenth session (objects with key names, one field or
// several per entry) are still read.
core::StatusOr<std::string> EncodeProvenanceJson(
    const std::vector<domain::FieldProvenance>& provenance);
core::StatusOr<std::vector<domain::FieldProvenance>> DecodeProvenanceJson(std::string_view json);

// Address lines as a JSON array of strings: the column form of a list that
// belongs to one row. `field` names the column in error messages.
core::StatusOr<std::string> EncodeLinesJson(std::string_view field,
                                            const std::vector<std::string>& lines);
core::StatusOr<std::vector<std::string>> DecodeLinesJson(std::string_view field,
                                                         std::string_view json);

}  // namespace cp::storage::internal

#endif  // CP_STORAGE_INTERNAL_RECORD_JSON_H_

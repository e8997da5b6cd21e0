#include "storage/store.h"

#include "storage/internal/record_json.h"

namespace cp::storage {

core::StatusOr<EncodedSourceView> EncodeSourceView(const domain::Child& data,
                                                   const std::vector<domain::SourceEvent>& events) {
  EncodedSourceView encoded;
  ASSIGN_OR_RETURN(std::string data_json, internal::EncodeChildJson(data));
  encoded.data_json = core::Sensitive<std::string>(std::move(data_json));
  ASSIGN_OR_RETURN(encoded.events_json, internal::EncodeEventsJson(events));
  return encoded;
}

std::string_view ShieldStateName(ShieldState state) {
  switch (state) {
    case ShieldState::kInForce:
      return "in_force";
    case ShieldState::kLifted:
      return "lifted";
  }
  return "unknown";
}

std::string_view LinkStateName(LinkState state) {
  switch (state) {
    case LinkState::kLinked:
      return "linked";
    case LinkState::kReview:
      return "review";
    case LinkState::kSealed:
      return "sealed";
    case LinkState::kWithdrawn:
      return "withdrawn";
  }
  return "unknown";
}

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kChildPut:
      return "child_put";
    case ChangeKind::kChildDeleted:
      return "child_deleted";
    case ChangeKind::kChildRedirected:
      return "child_redirected";
    case ChangeKind::kSourceRecordPut:
      return "source_record_put";
    case ChangeKind::kSourceRecordDeleted:
      return "source_record_deleted";
  }
  return "unknown";
}

}  // namespace cp::storage

#include "domain/source.h"

#include <array>
#include <utility>

namespace cp::domain {
namespace {

constexpr std::array<std::pair<std::string_view, SourceState>, 5> kStates = {{
    {"registered", SourceState::kRegistered},
    {"type_accredited", SourceState::kTypeAccredited},
    {"instance_accredited", SourceState::kInstanceAccredited},
    {"active", SourceState::kActive},
    {"suspended", SourceState::kSuspended},
}};

}  // namespace

std::string_view SourceStateName(SourceState state) {
  for (const auto& [name, s] : kStates) {
    if (s == state) return name;
  }
  return "unknown";
}

core::StatusOr<SourceState> ParseSourceState(std::string_view text) {
  for (const auto& [name, s] : kStates) {
    if (name == text) return s;
  }
  return core::InvalidArgument(
      "a source state is one of registered, type_accredited, instance_accredited, active, "
      "suspended");
}

std::string_view SourceKindName(SourceKind kind) {
  return kind == SourceKind::kNational ? "national" : "local";
}

core::StatusOr<SourceKind> ParseSourceKind(std::string_view text) {
  if (text == "national") return SourceKind::kNational;
  if (text == "local") return SourceKind::kLocal;
  return core::InvalidArgument("a source kind is national or local");
}

core::Status ValidateSourceId(std::string_view text) {
  const auto bad = [] {
    return core::InvalidArgument(
        "a source ID is 2 to 64 characters of lower-case letters, digits and hyphens, starting "
        "with a letter (for example gro-births)");
  };
  if (text.size() < 2 || text.size() > 64 || text[0] < 'a' || text[0] > 'z') return bad();
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return bad();
  }
  return core::Status::Ok();
}

core::Status CheckTransition(SourceState from, SourceState to) {
  using S = SourceState;
  const bool allowed = (from == S::kRegistered && to == S::kTypeAccredited) ||
                       (from == S::kTypeAccredited && to == S::kInstanceAccredited) ||
                       (from == S::kInstanceAccredited && to == S::kActive) ||
                       (from == S::kActive && to == S::kSuspended) ||
                       (from == S::kSuspended && to == S::kActive);
  if (allowed) return core::Status::Ok();
  std::string message = "a " + std::string(SourceStateName(from)) + " source cannot become " +
                        std::string(SourceStateName(to));
  switch (from) {
    case S::kRegistered: message += ": accredit its system type first"; break;
    case S::kTypeAccredited: message += ": accredit this installation (instance) first"; break;
    case S::kInstanceAccredited: message += ": activate it first"; break;
    case S::kActive: message += ": an active source can only be suspended"; break;
    case S::kSuspended: message += ": a suspended source can only be reinstated (activated)"; break;
  }
  return core::FailedPrecondition(std::move(message));
}

core::Status CheckCanLoad(const SourceId& id, SourceState state) {
  if (state == SourceState::kActive) return core::Status::Ok();
  return core::Status(core::ErrorCode::kPermissionDenied,
                      "source " + id.value() + " is " + std::string(SourceStateName(state)) +
                          ": only an active source may load batches (see 'contactpoint source "
                          "show " + id.value() + "')");
}

}  // namespace cp::domain

#include "ingest/parser.h"

#include <simdjson.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>

#include "domain/validation.h"

namespace cp::ingest {
namespace {

namespace dom = simdjson::dom;
using core::ErrorCode;

// A JSON path built on the stack as the parser descends. It becomes text only
// when a line is rejected, so accepted lines cost no path strings. A Path
// refers to its parent and key: both must outlive it (keys are static names or
// views into the parsed document).
class Path {
 public:
  Path() = default;
  // A path written out in full, e.g. "child.family_name" (a string literal).
  Path(const char* literal) : key_(literal) {}  // NOLINT: literals convert
  Path Key(std::string_view key) const { return Path(this, key, kNoIndex); }
  Path At(std::size_t index) const { return Path(this, {}, index); }

  std::string str() const {
    std::string out = parent_ != nullptr ? parent_->str() : std::string();
    if (index_ != kNoIndex) {
      out += '[';
      out += std::to_string(index_);
      out += ']';
    } else if (!key_.empty()) {
      if (!out.empty()) out += '.';
      out += key_;
    }
    return out;
  }

 private:
  static constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);
  Path(const Path* parent, std::string_view key, std::size_t index)
      : parent_(parent), key_(key), index_(index) {}
  const Path* parent_ = nullptr;
  std::string_view key_;
  std::size_t index_ = kNoIndex;
};

// The first problem found on a line. Never holds the offending value.
struct Error {
  Error(const Path& at, ErrorCode c, std::string why) : field(at.str()), code(c), reason(std::move(why)) {}
  std::string field;
  ErrorCode code = ErrorCode::kInvalidFeedLine;
  std::string reason;
};
using Result = std::optional<Error>;  // nullopt: fine

// A field name from the supplier, safe to echo: printable ASCII, bounded.
std::string SafeKey(std::string_view key) {
  std::string out;
  for (char c : key.substr(0, 64)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (key.size() > 64) out += "...";
  return out;
}

// Turns a domain Status, whose message is "field.path: rule", into an Error.
// The parser calls domain validators with an empty field name and supplies
// the path itself (`at`), so paths are built only for rejected lines; where
// the domain names the field (ValidateChild), that name is kept.
Error FromStatus(const core::Status& status, const Path& at = Path()) {
  const std::string& m = status.message();
  const std::size_t colon = m.find(": ");
  Error error(at, status.code(), colon == std::string::npos ? m : m.substr(colon + 2));
  if (colon != std::string::npos && colon > 0) error.field = m.substr(0, colon);
  return error;
}

const char* TypeName(dom::element_type type) {
  switch (type) {
    case dom::element_type::ARRAY: return "an array";
    case dom::element_type::OBJECT: return "an object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: return "a number";
    case dom::element_type::STRING: return "a string";
    case dom::element_type::BOOL: return "true or false";
    case dom::element_type::NULL_VALUE: return "null";
  }
  return "unknown";
}

Error WrongType(const Path& path, const char* wanted, dom::element value) {
  return {path, ErrorCode::kInvalidFeedLine,
          std::string("must be ") + wanted + ", not " + TypeName(value.type())};
}

bool IsNull(dom::element v) { return v.type() == dom::element_type::NULL_VALUE; }

// Calls on_field(index, value) for each field of the object `e`, where index
// is the key's position in `allowed`. Unknown and repeated keys are errors:
// nothing outside the specification may enter.
template <std::size_t N, typename F>
Result Fields(dom::element e, const Path& path,
              const std::array<std::string_view, N>& allowed, F&& on_field) {
  static_assert(N <= 64);
  dom::object object;
  if (e.get_object().get(object)) return WrongType(path, "an object", e);
  std::uint64_t seen = 0;
  for (dom::key_value_pair field : object) {
    std::size_t i = 0;
    while (i < N && allowed[i] != field.key) ++i;
    if (i == N) {
      std::string allowed_list;
      for (std::string_view a : allowed) {
        if (!allowed_list.empty()) allowed_list += ", ";
        allowed_list += a;
      }
      return Error{path.Key(SafeKey(field.key)), ErrorCode::kInvalidFeedLine,
                   "unknown field: the specification allows only " + allowed_list +
                       " here (no free text or case information is accepted)"};
    }
    if (seen & (1ULL << i)) {
      return Error{path.Key(field.key), ErrorCode::kInvalidFeedLine,
                   "appears more than once in the same object"};
    }
    seen |= 1ULL << i;
    if (Result r = on_field(i, field.value)) return r;
  }
  return std::nullopt;
}

// Calls on_item(index, path, value) for each element of an array (null is an
// empty array).
template <typename F>
Result Items(dom::element e, const Path& path, std::size_t max_items, F&& on_item) {
  if (IsNull(e)) return std::nullopt;
  dom::array array;
  if (e.get_array().get(array)) return WrongType(path, "an array", e);
  std::size_t i = 0;
  for (dom::element item : array) {
    if (i >= max_items) {
      return Error{path, ErrorCode::kInvalidFeedLine,
                   "has more than " + std::to_string(max_items) + " entries"};
    }
    if (Result r = on_item(i, path.At(i), item)) return r;
    ++i;
  }
  return std::nullopt;
}

Result String(dom::element v, const Path& path, std::optional<std::string>* out) {
  if (IsNull(v)) {
    out->reset();
    return std::nullopt;
  }
  std::string_view s;
  if (v.get_string().get(s)) return WrongType(path, "a string", v);
  *out = std::string(s);
  return std::nullopt;
}

// A string read in place, for values that are checked or converted rather
// than kept as they are (dates, codes).
Result StringView(dom::element v, const Path& path, std::optional<std::string_view>* out) {
  if (IsNull(v)) {
    out->reset();
    return std::nullopt;
  }
  std::string_view s;
  if (v.get_string().get(s)) return WrongType(path, "a string", v);
  *out = s;
  return std::nullopt;
}

Result Text(dom::element v, const Path& path, std::optional<domain::PersonalText>* out) {
  std::optional<std::string> s;
  if (Result r = String(v, path, &s)) return r;
  if (s) *out = domain::PersonalText(std::move(*s));
  else out->reset();
  return std::nullopt;
}

Result Bool(dom::element v, const Path& path, bool* out) {
  if (IsNull(v)) {
    *out = false;
    return std::nullopt;
  }
  if (v.get_bool().get(*out)) return WrongType(path, "true or false", v);
  return std::nullopt;
}

Result Date(dom::element v, const Path& path, std::optional<domain::Date>* out) {
  std::optional<std::string_view> s;
  if (Result r = StringView(v, path, &s)) return r;
  if (!s) {
    out->reset();
    return std::nullopt;
  }
  auto date = domain::ParseDate("", *s);
  if (!date.ok()) return FromStatus(date.status(), path);
  *out = *date;
  return std::nullopt;
}

Error Missing(const Path& path, std::string_view what) {
  return {path, ErrorCode::kInvalidFeedLine, std::string("is required: ") + std::string(what)};
}

constexpr std::size_t kMaxListEntries = 50;

Result ParseAddress(dom::element v, const Path& path, std::optional<domain::Address>* out) {
  if (IsNull(v)) {
    out->reset();
    return std::nullopt;
  }
  domain::Address address;
  constexpr std::array<std::string_view, 2> kKeys = {"lines", "postcode"};
  Result r = Fields(v, path, kKeys, [&](std::size_t i, dom::element value) -> Result {
    const Path field = path.Key(kKeys[i]);
    if (i == 0) {
      return Items(value, field, domain::kMaxAddressLines,
                   [&](std::size_t, const Path& item_path, dom::element item) -> Result {
                     std::optional<std::string> line;
                     if (Result e = String(item, item_path, &line)) return e;
                     if (!line) return WrongType(item_path, "a string", item);
                     address.lines.Mutable().push_back(std::move(*line));
                     return std::nullopt;
                   });
    }
    std::optional<std::string> postcode;
    if (Result e = String(value, field, &postcode)) return e;
    if (postcode) {
      auto normalised = domain::NormalisePostcode("", *postcode);
      if (!normalised.ok()) return FromStatus(normalised.status(), field);
      address.postcode = domain::PersonalText(std::move(*normalised));
    }
    return std::nullopt;
  });
  if (r) return r;
  *out = std::move(address);
  return std::nullopt;
}

// Given and family name, as they appear on the child, an alias, a carer or a
// practitioner. `extra` handles the object's other keys (index >= 2).
template <std::size_t N, typename F>
Result ParsePerson(dom::element v, const Path& path,
                   const std::array<std::string_view, N>& keys, domain::PersonName* name,
                   bool* has_given, bool* has_family, F&& extra) {
  return Fields(v, path, keys, [&](std::size_t i, dom::element value) -> Result {
    const Path field = path.Key(keys[i]);
    if (i == 0 || i == 1) {
      std::optional<domain::PersonalText> text;
      if (Result r = Text(value, field, &text)) return r;
      if (text) {
        (i == 0 ? name->given_names : name->family_name) = std::move(*text);
        *(i == 0 ? has_given : has_family) = true;
      }
      return std::nullopt;
    }
    return extra(i, field, value);
  });
}

Result ParseContact(std::string_view key, dom::element value, const Path& field,
                    domain::ContactDetails* contact) {
  if (key == "phone") return Text(value, field, &contact->phone);
  if (key == "email") return Text(value, field, &contact->email);
  return ParseAddress(value, field, &contact->address);
}

Result ParseNamePair(dom::element v, const Path& path, domain::PersonName* name) {
  constexpr std::array<std::string_view, 2> kKeys = {"given_names", "family_name"};
  bool has_given = false, has_family = false;
  if (Result r = ParsePerson(v, path, kKeys, name, &has_given, &has_family,
                             [](std::size_t, const Path&, dom::element) -> Result {
                               return std::nullopt;
                             })) {
    return r;
  }
  if (!has_family) return Missing(path.Key("family_name"), "every name has a family name");
  return std::nullopt;
}

Result ParseChild(dom::element v, const BatchHeader& header, domain::Child* child) {
  const Path root;
  const Path path = root.Key("child");
  constexpr std::array<std::string_view, 8> kKeys = {
      "given_names", "family_name", "other_names",  "gender",
      "date_of_birth", "address",   "identifiers", "date_of_death"};
  bool has_given = false, has_family = false, has_dob = false;
  Result r = ParsePerson(
      v, path, kKeys, &child->name, &has_given, &has_family,
      [&](std::size_t i, const Path& field, dom::element value) -> Result {
        switch (i) {
          case 2:
            return Items(value, field, kMaxListEntries,
                         [&](std::size_t, const Path& item_path, dom::element item) {
                           domain::PersonName alias;
                           Result e = ParseNamePair(item, item_path, &alias);
                           if (!e) child->other_names.push_back(std::move(alias));
                           return e;
                         });
          case 3: {
            std::optional<std::string_view> gender;
            if (Result e = StringView(value, field, &gender)) return e;
            if (!gender) return std::optional<Error>();
            auto parsed = domain::ParseGender("", *gender);
            if (!parsed.ok()) return std::optional<Error>(FromStatus(parsed.status(), field));
            child->gender = *parsed;
            return std::optional<Error>();
          }
          case 4: {
            std::optional<domain::Date> dob;
            if (Result e = Date(value, field, &dob)) return e;
            if (dob) {
              child->date_of_birth = core::Sensitive<domain::Date>(*dob);
              has_dob = true;
            }
            return std::optional<Error>();
          }
          case 5:
            return ParseAddress(value, field, &child->address);
          case 6: {
            constexpr std::array<std::string_view, 3> kIds = {"nhs_number", "upn", "uln"};
            return Fields(value, field, kIds, [&](std::size_t j, dom::element id) -> Result {
              const Path id_path = field.Key(kIds[j]);
              std::optional<domain::PersonalText>* slot =
                  j == 0 ? &child->identifiers.nhs_number
                         : (j == 1 ? &child->identifiers.upn : &child->identifiers.uln);
              return Text(id, id_path, slot);
            });
          }
          default:
            return Date(value, field, &child->date_of_death);
        }
      });
  if (r) return r;
  if (!has_family) return Missing("child.family_name", "every child record has a family name");
  if (!has_dob) return Missing("child.date_of_birth", "every child record has a date of birth");
  if (!has_given || child->name.given_names.Reveal().empty()) {
    // A birth may be registered before the child is named; allowed for the
    // first year of life (the period in which a name can still be added).
    const auto extract_day = std::chrono::floor<std::chrono::days>(header.extracted_at);
    const auto born = std::chrono::sys_days(child->date_of_birth.Reveal());
    if (extract_day - born > std::chrono::days(365)) {
      return Missing("child.given_names",
                     "given names may be omitted only for a newborn (under one year old at "
                     "extract)");
    }
  }
  return std::nullopt;
}

Result ParseCarer(dom::element v, const Path& path, domain::Carer* carer) {
  constexpr std::array<std::string_view, 7> kKeys = {
      "given_names", "family_name", "relationship", "parental_responsibility",
      "phone",       "email",       "address"};
  bool has_given = false, has_family = false, has_relationship = false;
  Result r = ParsePerson(
      v, path, kKeys, &carer->name, &has_given, &has_family,
      [&](std::size_t i, const Path& field, dom::element value) -> Result {
        if (i == 2) {
          std::optional<std::string_view> rel;
          if (Result e = StringView(value, field, &rel)) return e;
          if (!rel) return std::nullopt;
          auto parsed = domain::ParseRelationship("", *rel);
          if (!parsed.ok()) return FromStatus(parsed.status(), field);
          carer->relationship = *parsed;
          has_relationship = true;
          return std::nullopt;
        }
        if (i == 3) return Bool(value, field, &carer->parental_responsibility);
        return ParseContact(kKeys[i], value, field, &carer->contact);
      });
  if (r) return r;
  if (!has_family) return Missing(path.Key("family_name"), "every carer has a family name");
  if (!has_relationship) {
    return Missing(path.Key("relationship"), "say how the carer is related to the child");
  }
  return std::nullopt;
}

Result ParseOrganisation(dom::element v, const Path& path, domain::Organisation* org) {
  constexpr std::array<std::string_view, 5> kKeys = {"name", "code", "phone", "email", "address"};
  bool has_name = false;
  Result r = Fields(v, path, kKeys, [&](std::size_t i, dom::element value) -> Result {
    const Path field = path.Key(kKeys[i]);
    if (i == 0 || i == 1) {
      std::optional<std::string> s;
      if (Result e = String(value, field, &s)) return e;
      if (i == 0 && s) {
        org->name = std::move(*s);
        has_name = true;
      } else if (i == 1) {
        org->code = std::move(s);
      }
      return std::nullopt;
    }
    return ParseContact(kKeys[i], value, field, &org->contact);
  });
  if (r) return r;
  if (!has_name) return Missing(path.Key("name"), "every service names its organisation");
  return std::nullopt;
}

Result ParseService(dom::element v, const Path& path, domain::Involvement* inv) {
  constexpr std::array<std::string_view, 9> kKeys = {
      "type",       "organisation", "practitioner",      "start",             "end",
      "lead_professional", "caf_holder", "sensitive_consent", "sensitive_override"};
  bool has_type = false, has_org = false;
  Result r = Fields(v, path, kKeys, [&](std::size_t i, dom::element value) -> Result {
    const Path field = path.Key(kKeys[i]);
    switch (i) {
      case 0: {
        std::optional<std::string_view> type;
        if (Result e = StringView(value, field, &type)) return e;
        if (!type) return std::nullopt;
        auto parsed = domain::ParseServiceType("", *type);
        if (!parsed.ok()) return FromStatus(parsed.status(), field);
        inv->type = *parsed;
        has_type = true;
        return std::nullopt;
      }
      case 1:
        if (IsNull(value)) return std::nullopt;
        has_org = true;
        return ParseOrganisation(value, field, &inv->organisation);
      case 2: {
        if (IsNull(value)) return std::nullopt;
        constexpr std::array<std::string_view, 4> kPractitioner = {"given_names", "family_name",
                                                                   "phone", "email"};
        domain::PersonName name;
        bool has_given = false, has_family = false;
        Result e = ParsePerson(value, field, kPractitioner, &name, &has_given, &has_family,
                               [&](std::size_t j, const Path& f, dom::element x) {
                                 return ParseContact(kPractitioner[j], x, f,
                                                     &inv->practitioner_contact);
                               });
        if (e) return e;
        if (!has_family) {
          return Missing(field.Key("family_name"), "a named practitioner has a family name");
        }
        inv->practitioner = std::move(name);
        return std::nullopt;
      }
      case 3: return Date(value, field, &inv->start);
      case 4: return Date(value, field, &inv->end);
      case 5: return Bool(value, field, &inv->lead_professional);
      case 6: return Bool(value, field, &inv->caf_holder);
      case 7: {
        if (IsNull(value)) return std::nullopt;
        domain::SensitiveConsent consent;
        bool has_by = false, has_date = false;
        constexpr std::array<std::string_view, 2> kConsent = {"given_by", "date"};
        Result e = Fields(value, field, kConsent, [&](std::size_t j, dom::element x) -> Result {
          const Path f = field.Key(kConsent[j]);
          if (j == 0) {
            std::optional<std::string> by;
            if (Result e2 = String(x, f, &by)) return e2;
            if (by == "child") consent.given_by = domain::SensitiveConsent::GivenBy::kChild;
            else if (by == "parent") consent.given_by = domain::SensitiveConsent::GivenBy::kParent;
            else return Error{f, ErrorCode::kInvalidRecord, "must be \"child\" or \"parent\""};
            has_by = true;
            return std::nullopt;
          }
          std::optional<domain::Date> date;
          if (Result e2 = Date(x, f, &date)) return e2;
          if (date) {
            consent.date = *date;
            has_date = true;
          }
          return std::nullopt;
        });
        if (e) return e;
        if (!has_by) return Missing(field.Key("given_by"), "say who gave consent");
        if (!has_date) return Missing(field.Key("date"), "say when consent was given");
        inv->consent = consent;
        return std::nullopt;
      }
      default: {
        std::optional<std::string> ground;
        if (Result e = String(value, field, &ground)) return e;
        if (!ground) return std::nullopt;
        if (*ground != "child_protection") {
          return Error{field, ErrorCode::kInvalidRecord,
                       "the only ground that overrides consent is \"child_protection\""};
        }
        inv->override_ground = domain::SensitiveOverride::kChildProtection;
        return std::nullopt;
      }
    }
  });
  if (r) return r;
  if (!has_type) return Missing(path.Key("type"), "every service has a type");
  if (!has_org) return Missing(path.Key("organisation"), "every service names its organisation");
  return std::nullopt;
}

Result ParseEvent(dom::element v, const Path& path, const domain::Child& child,
                  const BatchHeader& header, domain::SourceEvent* event) {
  constexpr std::array<std::string_view, 2> kKeys = {"type", "date"};
  bool has_type = false;
  Result r = Fields(v, path, kKeys, [&](std::size_t i, dom::element value) -> Result {
    const Path field = path.Key(kKeys[i]);
    if (i == 1) return Date(value, field, &event->date);
    std::optional<std::string> type;
    if (Result e = String(value, field, &type)) return e;
    if (type == "death") event->type = domain::SourceEvent::Type::kDeath;
    else if (type == "left_england") event->type = domain::SourceEvent::Type::kLeftEngland;
    else if (type == "adoption") event->type = domain::SourceEvent::Type::kAdoption;
    else return Error{field, ErrorCode::kInvalidRecord,
                      "must be one of death, left_england, adoption"};
    has_type = true;
    return std::nullopt;
  });
  if (r) return r;
  if (!has_type) return Missing(path.Key("type"), "every event has a type");
  if (event->type != domain::SourceEvent::Type::kAdoption && !event->date) {
    return Missing(path.Key("date"), "death and left_england events carry their date");
  }
  if (event->date) {
    const auto day = std::chrono::sys_days(*event->date);
    if (day > std::chrono::floor<std::chrono::days>(header.extracted_at)) {
      return Error{path.Key("date"), ErrorCode::kInvalidDate,
                   "an event cannot be dated after the batch was extracted"};
    }
    if (day < std::chrono::sys_days(child.date_of_birth.Reveal())) {
      return Error{path.Key("date"), ErrorCode::kInvalidDate,
                   "an event cannot be dated before the child's date of birth"};
    }
  }
  return std::nullopt;
}

Result ParseRecordObject(dom::element doc, const BatchHeader& header, FeedRecord* record) {
  constexpr std::array<std::string_view, 6> kKeys = {"key", "op", "child",
                                                     "carers", "services", "events"};
  std::optional<std::string> key, op;
  std::optional<dom::element> child, carers, services, events;
  Result r = Fields(doc, "", kKeys, [&](std::size_t i, dom::element value) -> Result {
    switch (i) {
      case 0: return String(value, "key", &key);
      case 1: return String(value, "op", &op);
      case 2: child = value; return std::nullopt;
      case 3: carers = value; return std::nullopt;
      case 4: services = value; return std::nullopt;
      default: events = value; return std::nullopt;
    }
  });
  if (r) return r;
  if (!key || key->empty()) return Missing("key", "the source's own key for this record");
  if (key->size() > domain::kMaxSourceKeyLength) {
    return Error{"key", ErrorCode::kInvalidFeedLine, "must be at most 64 characters"};
  }
  for (unsigned char c : *key) {
    if (c < 0x20 || c == 0x7f) {
      return Error{"key", ErrorCode::kInvalidFeedLine, "must not contain control characters"};
    }
  }
  record->key = domain::SourceKey(*key);
  if (!op) return Missing("op", "\"upsert\" or \"withdraw\"");
  if (*op == "withdraw") {
    record->op = RecordOp::kWithdraw;
    for (const auto& [name, present] : {std::pair{"child", child}, std::pair{"carers", carers},
                                        std::pair{"services", services},
                                        std::pair{"events", events}}) {
      if (present && !IsNull(*present)) {
        dom::array array;
        if (!present->get_array().get(array) && array.size() == 0) continue;
        return Error{name, ErrorCode::kInvalidFeedLine,
                     "must be absent when op is \"withdraw\" (a withdrawal carries only its key)"};
      }
    }
    return std::nullopt;
  }
  if (*op != "upsert") {
    return Error{"op", ErrorCode::kInvalidFeedLine, "must be \"upsert\" or \"withdraw\""};
  }
  record->op = RecordOp::kUpsert;
  if (!child || IsNull(*child)) return Missing("child", "an upsert describes the child");
  if (Result e = ParseChild(*child, header, &record->child)) return e;
  if (carers) {
    if (Result e = Items(*carers, "carers", kMaxListEntries,
                         [&](std::size_t, const Path& p, dom::element item) {
                           domain::Carer carer;
                           Result c = ParseCarer(item, p, &carer);
                           if (!c) record->child.carers.push_back(std::move(carer));
                           return c;
                         })) {
      return e;
    }
  }
  if (services) {
    if (Result e = Items(*services, "services", kMaxListEntries,
                         [&](std::size_t, const Path& p, dom::element item) {
                           domain::Involvement inv;
                           Result s = ParseService(item, p, &inv);
                           if (!s) record->child.involvements.push_back(std::move(inv));
                           return s;
                         })) {
      return e;
    }
  }
  if (events) {
    if (Result e = Items(*events, "events", 10,
                         [&](std::size_t, const Path& p, dom::element item) {
                           domain::SourceEvent event;
                           Result ev = ParseEvent(item, p, record->child, header, &event);
                           if (!ev) record->events.push_back(event);
                           return ev;
                         })) {
      return e;
    }
  }
  const domain::Date today{std::chrono::floor<std::chrono::days>(header.extracted_at)};
  const core::Status valid = domain::ValidateChild(record->child, today);
  if (!valid.ok()) return FromStatus(valid);
  return std::nullopt;
}

std::string JsonErrorReason(simdjson::error_code error) {
  switch (error) {
    case simdjson::UTF8_ERROR: return "is not valid UTF-8";
    case simdjson::DEPTH_ERROR: return "is nested too deeply";
    case simdjson::CAPACITY: return "is too large";
    case simdjson::EMPTY: return "is empty: every line holds one JSON object";
    default: return "is not valid JSON (" + std::string(simdjson::error_message(error)) + ")";
  }
}

}  // namespace

struct LineParser::Impl {
  // Capacity bounds the document size; simdjson rejects deeper nesting than
  // its default limit, and the schema rejects anything deeper than it allows.
  Impl() : parser(kMaxLineBytes + 64) {}
  dom::parser parser;
};

LineParser::LineParser() : impl_(std::make_unique<Impl>()) {}
LineParser::~LineParser() = default;

core::StatusOr<core::Timestamp> ParseRfc3339Utc(std::string_view field, std::string_view text) {
  auto bad = [&] {
    return core::Status(ErrorCode::kInvalidDate,
                        std::string(field) +
                            ": must be an RFC 3339 UTC timestamp such as 2026-11-21T02:00:00Z");
  };
  if (text.size() < 20 || text.back() != 'Z' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':') {
    return bad();
  }
  auto date = domain::ParseDate(field, text.substr(0, 10));
  if (!date.ok()) return bad();
  auto two = [&](std::size_t at, int max) -> int {
    const char a = text[at], b = text[at + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') return -1;
    const int v = (a - '0') * 10 + (b - '0');
    return v > max ? -1 : v;
  };
  const int h = two(11, 23), m = two(14, 59), s = two(17, 59);
  if (h < 0 || m < 0 || s < 0) return bad();
  int millis = 0;
  std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10) return bad();
    int digits = 0;
    for (char c : rest.substr(1)) {
      if (c < '0' || c > '9') return bad();
      if (digits < 3) millis = millis * 10 + (c - '0');
      ++digits;
    }
    for (; digits < 3; ++digits) millis *= 10;
  }
  return core::Timestamp(std::chrono::sys_days(*date)) + std::chrono::hours(h) +
         std::chrono::minutes(m) + std::chrono::seconds(s) + std::chrono::milliseconds(millis);
}

core::StatusOr<BatchHeader> LineParser::ParseHeader(std::string_view line) {
  auto fail = [](const std::string& field, const std::string& reason) {
    return core::Status(ErrorCode::kInvalidBatchHeader,
                        "line 1 (header)" + (field.empty() ? "" : ", " + field) + ": " + reason);
  };
  if (line.size() > kMaxLineBytes) return fail("", "is longer than 1 MiB");
  dom::element doc;
  if (auto error = impl_->parser.parse(line.data(), line.size(), true).get(doc)) {
    return fail("", JsonErrorReason(error));
  }
  BatchHeader header;
  constexpr std::array<std::string_view, 6> kKeys = {"contactpoint_feed", "source", "batch",
                                                     "sequence", "extracted_at", "mode"};
  bool has[6] = {};
  const Path root;
  Result r = Fields(doc, root, kKeys, [&](std::size_t i, dom::element value) -> Result {
    const Path field = root.Key(kKeys[i]);
    has[i] = !IsNull(value);
    if (i == 0 || i == 3) {
      if (IsNull(value) && i == 3) return std::nullopt;
      std::int64_t n = 0;
      if (value.get_int64().get(n)) return WrongType(field, "a whole number", value);
      if (i == 0 && n != kFeedFormatVersion) {
        return Error{field, ErrorCode::kInvalidBatchHeader,
                     "this ContactPoint accepts feed format version 1 only"};
      }
      if (i == 3) {
        if (n < 0) return Error{field, ErrorCode::kInvalidBatchHeader, "must not be negative"};
        header.sequence = n;
      }
      return std::nullopt;
    }
    std::optional<std::string> s;
    if (Result e = String(value, field, &s)) return e;
    if (!s) return std::nullopt;
    if (i == 1 || i == 2) {
      if (s->empty() || s->size() > 64) {
        return Error{field, ErrorCode::kInvalidBatchHeader, "must be 1 to 64 characters"};
      }
      for (char c : *s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '-' || c == '_' || c == '.' || c == ':' || c == '@';
        if (!ok) {
          return Error{field, ErrorCode::kInvalidBatchHeader,
                       "may contain only letters, digits and - _ . : @"};
        }
      }
      if (i == 1) header.source = domain::SourceId(*s);
      else header.batch = domain::BatchId(*s);
      return std::nullopt;
    }
    if (i == 4) {
      auto at = ParseRfc3339Utc("", *s);
      if (!at.ok()) return FromStatus(at.status(), field);
      header.extracted_at = *at;
      return std::nullopt;
    }
    if (*s == "delta") header.mode = BatchMode::kDelta;
    else if (*s == "full") header.mode = BatchMode::kFull;
    else return Error{field, ErrorCode::kInvalidBatchHeader, "must be \"delta\" or \"full\""};
    return std::nullopt;
  });
  if (r) return fail(r->field, r->reason);
  for (std::size_t i : {0u, 1u, 2u, 4u, 5u}) {
    if (!has[i]) return fail(std::string(kKeys[i]), "is required");
  }
  return header;
}

std::variant<FeedRecord, Rejection> LineParser::ParseRecord(std::string_view line,
                                                            std::int64_t line_number,
                                                            const BatchHeader& header,
                                                            bool padded) {
  static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING);
  auto reject = [&](const Error& e) {
    return Rejection{line_number, e.field, e.code, e.reason};
  };
  if (line.size() > kMaxLineBytes) {
    return reject({"", ErrorCode::kInvalidFeedLine, "is longer than 1 MiB"});
  }
  dom::element doc;
  if (auto error = impl_->parser.parse(line.data(), line.size(), !padded).get(doc)) {
    return reject({"", ErrorCode::kInvalidFeedLine, "the line " + JsonErrorReason(error)});
  }
  FeedRecord record;
  record.line = line_number;
  if (Result r = ParseRecordObject(doc, header, &record)) return reject(*r);
  return record;
}

std::string_view BatchModeName(BatchMode mode) {
  return mode == BatchMode::kFull ? "full" : "delta";
}

}  // namespace cp::ingest

#include "storage/internal/record_json.h"

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

#include "core/json_string.h"
#include "storage/internal/codec.h"

namespace cp::storage::internal {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kDataField = "source record data";
constexpr std::string_view kEventsField = "source record events";

std::string Path(std::string_view base, std::string_view leaf) {
  std::string out(base);
  out += '.';
  out += leaf;
  return out;
}

std::string Indexed(std::string_view base, std::string_view list, std::size_t i) {
  std::string out = Path(base, list);
  out += '[';
  out += std::to_string(i);
  out += ']';
  return out;
}

// Serialises refusing invalid UTF-8 rather than silently replacing it.
core::StatusOr<std::string> Dump(const Json& j, std::string_view field) {
  try {
    return j.dump(-1, ' ', false, Json::error_handler_t::strict);
  } catch (const Json::exception&) {
    return core::Status(core::ErrorCode::kInvalidRecord,
                        std::string(field) + ": a text field is not valid UTF-8");
  }
}

// JSON text written directly, for the encoders a feed load runs per record:
// strings are escaped by core::AppendJsonString, and text that is not valid
// UTF-8 is refused (Finish), as Dump refuses it. Separators are automatic:
// a value follows its key, an element or key follows a comma when needed.
class TextWriter {
 public:
  TextWriter() { out_.reserve(512); }
  void Open(char bracket) {
    Separate();
    out_ += bracket;
    first_ = true;
  }
  void Close(char bracket) {
    out_ += bracket;
    first_ = false;
  }
  // A key; with `open`, the object it starts first.
  void Key(std::string_view key, char open = 0) {
    if (open != 0) Open(open);
    Separate();
    core::AppendJsonString(key, out_);
    out_ += ':';
    first_ = true;  // the value needs no comma
  }
  void Text(std::string_view text) {
    Separate();
    valid_ = valid_ && ValidUtf8(text);
    core::AppendJsonString(text, out_);
  }
  // `key` and its text, when there is one (personal text revealed).
  template <typename T>
  void OptionalText(std::string_view key, const std::optional<T>& value) {
    if (!value) return;
    Key(key);
    if constexpr (requires { value->Reveal(); }) {
      Text(value->Reveal());
    } else {
      Text(*value);
    }
  }
  void Bool(bool value) {
    Separate();
    out_ += value ? "true" : "false";
  }
  void Null() {
    Separate();
    out_ += "null";
  }
  void Int(std::int64_t value) {
    Separate();
    out_ += std::to_string(value);
  }
  void Double(double value) {  // finite; the shortest text that reads back the same
    Separate();
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out_.append(buffer, ec == std::errc() ? end : buffer);
    if (std::string_view(buffer, end).find_first_of(".eE") == std::string_view::npos) {
      out_ += ".0";  // as nlohmann writes a whole number held as a double
    }
  }
  core::StatusOr<std::string> Finish(char bracket, std::string_view field) {
    Close(bracket);
    if (!valid_) {
      return core::Status(core::ErrorCode::kInvalidRecord,
                          std::string(field) + ": a text field is not valid UTF-8");
    }
    return std::move(out_);
  }

 private:
  void Separate() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  // Well-formed UTF-8 (RFC 3629): no overlong forms, surrogates or values
  // above U+10FFFF.
  static bool ValidUtf8(std::string_view text) {
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c < 0x80) {
        ++i;
        continue;
      }
      int extra = 0;
      unsigned char lo = 0x80, hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        extra = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        extra = 2;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
      } else if (c >= 0xF0 && c <= 0xF4) {
        extra = 3;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
      } else {
        return false;
      }
      if (n - i <= static_cast<std::size_t>(extra)) return false;
      const auto second = static_cast<unsigned char>(text[i + 1]);
      if (second < lo || second > hi) return false;
      for (int k = 2; k <= extra; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        if (next < 0x80 || next > 0xBF) return false;
      }
      i += extra + 1;
    }
    return true;
  }

  std::string out_;
  bool first_ = true;
  bool valid_ = true;
};

// ---- Encoding --------------------------------------------------------------
// A source view and a child's lists are written by hand (a feed load encodes
// every record it reads: with nlohmann's tree this was half of the reading
// thread), as tuples: arrays of values in a fixed order, without key names
// (a source view with keys was 2.3 times the size; the source records are
// most of a store). A code or date that cannot be written is refused in the
// order the fields were always checked: gender, dates of birth and death,
// then each carer and each service.

// A service's codes and dates as stored, each refused (naming its path under
// `field`) if it could not be read back, in the order they were always
// checked.
struct ServiceTexts {
  std::string_view type;
  std::optional<std::string> start;
  std::optional<std::string> end;
  std::optional<std::string_view> given_by;  // with consent_date, when consent was given
  std::optional<std::string> consent_date;
  std::optional<std::string_view> ground;
};

core::StatusOr<ServiceTexts> TextsOf(const domain::Involvement& v, const std::string& field) {
  ServiceTexts t;
  ASSIGN_OR_RETURN(t.type, ServiceTypeText(Path(field, "type"), v.type));
  if (v.start) {
    ASSIGN_OR_RETURN(t.start, DateText(Path(field, "start"), *v.start));
  }
  if (v.end) {
    ASSIGN_OR_RETURN(t.end, DateText(Path(field, "end"), *v.end));
  }
  if (v.consent) {
    const std::string consent_field = Path(field, "sensitive_consent");
    ASSIGN_OR_RETURN(t.given_by,
                     GivenByText(Path(consent_field, "given_by"), v.consent->given_by));
    ASSIGN_OR_RETURN(t.consent_date, DateText(Path(consent_field, "date"), v.consent->date));
  }
  if (v.override_ground) {
    ASSIGN_OR_RETURN(t.ground,
                     OverrideText(Path(field, "sensitive_override"), *v.override_ground));
  }
  return t;
}

// A tuple (a source view, or an element of a child's lists): its values in a
// fixed order as a JSON array, the nulls at its end left off. Contact
// details are four values: phone, email, address lines (an array) and
// postcode.
class Tuple {
 public:
  explicit Tuple(TextWriter& w) : w_(w) { w_.Open('['); }
  void Text(std::string_view text) {
    WriteNulls();
    w_.Text(text);
  }
  void Bool(bool value) {
    WriteNulls();
    w_.Bool(value);
  }
  // Personal text is revealed.
  template <typename T>
  void Optional(const std::optional<T>& value) {
    if (!value) {
      ++nulls_;
    } else if constexpr (requires { value->Reveal(); }) {
      Text(value->Reveal());
    } else {
      Text(*value);
    }
  }
  // Two values: the address lines (an array) and the postcode.
  void Address(const std::optional<domain::Address>& address) {
    if (!address) {
      nulls_ += 2;
      return;
    }
    WriteNulls();
    w_.Open('[');
    for (const std::string& line : address->lines.Reveal()) w_.Text(line);
    w_.Close(']');
    Optional(address->postcode);
  }
  void Contact(const domain::ContactDetails& contact) {
    Optional(contact.phone);
    Optional(contact.email);
    Address(contact.address);
  }
  // A list of tuples as the next value: OpenList, its elements, CloseList.
  void OpenList() {
    WriteNulls();
    w_.Open('[');
  }
  void CloseList() { w_.Close(']'); }
  void Close() { w_.Close(']'); }

 private:
  void WriteNulls() {
    for (; nulls_ > 0; --nulls_) w_.Null();
  }
  TextWriter& w_;
  int nulls_ = 0;
};

// The tuples of a child's lists (record_json.h): `field` names the element
// in error messages, e.g. "child.carers[0]".
void WriteNameTuple(TextWriter& w, const domain::PersonName& name) {
  Tuple t(w);
  t.Text(name.given_names.Reveal());
  t.Text(name.family_name.Reveal());
  t.Close();
}

core::Status WriteCarerTuple(TextWriter& w, const domain::Carer& carer, const std::string& field) {
  ASSIGN_OR_RETURN(std::string_view relationship,
                   RelationshipText(Path(field, "relationship"), carer.relationship));
  Tuple t(w);
  t.Text(carer.name.given_names.Reveal());
  t.Text(carer.name.family_name.Reveal());
  t.Text(relationship);
  t.Bool(carer.parental_responsibility);
  t.Contact(carer.contact);
  t.Close();
  return core::Status::Ok();
}

core::Status WriteServiceTuple(TextWriter& w, const domain::Involvement& v,
                               const std::string& field) {
  ASSIGN_OR_RETURN(const ServiceTexts texts, TextsOf(v, field));
  Tuple t(w);
  t.Text(texts.type);
  t.Text(v.organisation.name);
  t.Bool(v.lead_professional);
  t.Bool(v.caf_holder);
  t.Optional(v.organisation.code);
  t.Optional(texts.start);
  t.Optional(texts.end);
  t.Contact(v.organisation.contact);
  if (v.practitioner) {
    t.Text(v.practitioner->given_names.Reveal());
    t.Text(v.practitioner->family_name.Reveal());
  } else {
    t.Optional(std::optional<std::string>());
    t.Optional(std::optional<std::string>());
  }
  t.Contact(v.practitioner_contact);
  t.Optional(texts.given_by);
  t.Optional(texts.consent_date);
  t.Optional(texts.ground);
  t.Close();
  return core::Status::Ok();
}

// ---- Decoding --------------------------------------------------------------
// Stored documents are read with simdjson's DOM parser (a feed load reads
// back every current record of each candidate child: with nlohmann this was
// a fifth of the loading thread at a million children). Shape errors (a
// missing key, a wrong type) throw simdjson_error, which the public functions
// below turn into kStoreCorrupt. Nothing quotes stored text.

using Element = simdjson::dom::element;
using Object = simdjson::dom::object;
using Array = simdjson::dom::array;
using simdjson::simdjson_error;

// Parses `text` with this thread's parser; the element lives until the
// thread parses again. Not valid JSON: kStoreCorrupt naming `field`.
core::StatusOr<Element> Parse(std::string_view text, std::string_view field) {
  thread_local simdjson::dom::parser parser;
  Element root;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) {
    return Corrupt(field, "is not valid JSON");
  }
  return root;
}

std::string Text(Object o, std::string_view key) {
  return std::string(std::string_view(o.at_key(key)));
}

// Absent or null: nullopt.
std::optional<Element> Optional(Object o, std::string_view key) {
  Element e;
  const simdjson::error_code error = o.at_key(key).get(e);
  if (error == simdjson::NO_SUCH_FIELD) return std::nullopt;
  if (error != simdjson::SUCCESS) throw simdjson_error(error);
  if (e.is_null()) return std::nullopt;
  return e;
}

std::optional<std::string> OptionalText(Object o, std::string_view key) {
  std::optional<Element> e = Optional(o, key);
  if (!e) return std::nullopt;
  return std::string(std::string_view(*e));
}

std::optional<domain::PersonalText> OptionalPersonal(Object o, std::string_view key) {
  auto text = OptionalText(o, key);
  if (!text) return std::nullopt;
  return domain::PersonalText(std::move(*text));
}

std::vector<std::string> Texts(Array a) {
  std::vector<std::string> out;
  for (Element e : a) out.emplace_back(std::string_view(e));
  return out;
}

domain::PersonName NameFrom(Object o) {
  return domain::PersonName{domain::PersonalText(Text(o, "given_names")),
                            domain::PersonalText(Text(o, "family_name"))};
}

domain::Address AddressFrom(Object o) {
  domain::Address address;
  address.lines = core::Sensitive<std::vector<std::string>>(Texts(Array(o.at_key("lines"))));
  address.postcode = OptionalPersonal(o, "postcode");
  return address;
}

domain::ContactDetails ContactFrom(Object o) {
  domain::ContactDetails contact;
  contact.phone = OptionalPersonal(o, "phone");
  contact.email = OptionalPersonal(o, "email");
  if (auto address = Optional(o, "address")) contact.address = AddressFrom(Object(*address));
  return contact;
}

core::StatusOr<std::optional<domain::Date>> OptionalDate(Object o, std::string_view key,
                                                          std::string_view field) {
  auto text = OptionalText(o, key);
  if (!text) return std::optional<domain::Date>();
  ASSIGN_OR_RETURN(domain::Date date, DateFromText(Path(field, key), *text));
  return std::optional<domain::Date>(date);
}

// A Tuple read back: at most `size` values; a value left off reads as null.
// Shape errors throw simdjson_error, as everywhere in this section.
class StoredTuple {
 public:
  StoredTuple(Element element, std::size_t size) {
    for (Element e : Array(element)) {
      if (count_ == size || count_ == values_.size()) {
        throw simdjson_error(simdjson::INCORRECT_TYPE);
      }
      values_[count_++] = e;
    }
  }
  std::optional<Element> At(std::size_t i) const {
    if (i >= count_ || values_[i].is_null()) return std::nullopt;
    return values_[i];
  }
  std::string Text(std::size_t i) const {
    auto e = At(i);
    if (!e) throw simdjson_error(simdjson::INCORRECT_TYPE);
    return std::string(std::string_view(*e));
  }
  std::optional<std::string> OptionalText(std::size_t i) const {
    auto e = At(i);
    if (!e) return std::nullopt;
    return std::string(std::string_view(*e));
  }
  bool Bool(std::size_t i) const {
    auto e = At(i);
    if (!e) throw simdjson_error(simdjson::INCORRECT_TYPE);
    return bool(*e);
  }
  std::optional<domain::PersonalText> OptionalPersonal(std::size_t i) const {
    auto text = OptionalText(i);
    if (!text) return std::nullopt;
    return domain::PersonalText(std::move(*text));
  }
  // Two values from `first`: address lines (absent: no address), postcode.
  std::optional<domain::Address> Address(std::size_t first) const {
    auto lines = At(first);
    if (!lines) return std::nullopt;
    domain::Address address;
    address.lines = core::Sensitive<std::vector<std::string>>(Texts(Array(*lines)));
    address.postcode = OptionalPersonal(first + 1);
    return address;
  }
  // Four values from `first`: phone, email, address lines, postcode.
  domain::ContactDetails Contact(std::size_t first) const {
    domain::ContactDetails contact;
    contact.phone = OptionalPersonal(first);
    contact.email = OptionalPersonal(first + 1);
    contact.address = Address(first + 2);
    return contact;
  }

 private:
  std::array<Element, 20> values_;
  std::size_t count_ = 0;
};

core::StatusOr<domain::Carer> CarerFrom(Object o) {
  domain::Carer carer;
  carer.name = NameFrom(Object(o.at_key("name")));
  ASSIGN_OR_RETURN(carer.relationship,
                   RelationshipFromText("source record carer relationship",
                                        Text(o, "relationship")));
  carer.parental_responsibility = bool(o.at_key("parental_responsibility"));
  carer.contact = ContactFrom(Object(o.at_key("contact")));
  return carer;
}

core::StatusOr<domain::Involvement> InvolvementFrom(Object o) {
  const std::string_view field = "source record service";
  domain::Involvement v;
  ASSIGN_OR_RETURN(v.type, ServiceTypeFromText(Path(field, "type"), Text(o, "type")));
  const Object organisation(o.at_key("organisation"));
  v.organisation.name = Text(organisation, "name");
  v.organisation.code = OptionalText(organisation, "code");
  v.organisation.contact = ContactFrom(Object(organisation.at_key("contact")));
  if (auto practitioner = Optional(o, "practitioner")) {
    v.practitioner = NameFrom(Object(*practitioner));
  }
  v.practitioner_contact = ContactFrom(Object(o.at_key("practitioner_contact")));
  ASSIGN_OR_RETURN(v.start, OptionalDate(o, "start", field));
  ASSIGN_OR_RETURN(v.end, OptionalDate(o, "end", field));
  v.lead_professional = bool(o.at_key("lead_professional"));
  v.caf_holder = bool(o.at_key("caf_holder"));
  if (auto consent_element = Optional(o, "sensitive_consent")) {
    const Object consent(*consent_element);
    domain::SensitiveConsent c;
    ASSIGN_OR_RETURN(c.given_by, GivenByFromText(Path(field, "sensitive_consent.given_by"),
                                                 Text(consent, "given_by")));
    ASSIGN_OR_RETURN(c.date, DateFromText(Path(field, "sensitive_consent.date"),
                                          Text(consent, "date")));
    v.consent = c;
  }
  if (auto ground = OptionalText(o, "sensitive_override")) {
    ASSIGN_OR_RETURN(v.override_ground,
                     OverrideFromText(Path(field, "sensitive_override"), *ground));
  }
  return v;
}

// The three lists of tuples (record_json.h) into `child`; `field` names
// them in error messages ("child carer relationship").
core::Status ListTuplesInto(Element names, Element carers, Element services,
                            std::string_view field, domain::Child& child) {
  for (Element e : Array(names)) {
    const StoredTuple t(e, 2);
    child.other_names.push_back(
        domain::PersonName{domain::PersonalText(t.Text(0)), domain::PersonalText(t.Text(1))});
  }
  for (Element e : Array(carers)) {
    const StoredTuple t(e, 8);
    domain::Carer carer;
    carer.name =
        domain::PersonName{domain::PersonalText(t.Text(0)), domain::PersonalText(t.Text(1))};
    ASSIGN_OR_RETURN(carer.relationship,
                     RelationshipFromText(Path(field, "carer relationship"), t.Text(2)));
    carer.parental_responsibility = t.Bool(3);
    carer.contact = t.Contact(4);
    child.carers.push_back(std::move(carer));
  }
  const std::string service = Path(field, "service");
  for (Element e : Array(services)) {
    const StoredTuple t(e, 20);
    domain::Involvement v;
    ASSIGN_OR_RETURN(v.type, ServiceTypeFromText(Path(service, "type"), t.Text(0)));
    v.organisation.name = t.Text(1);
    v.lead_professional = t.Bool(2);
    v.caf_holder = t.Bool(3);
    v.organisation.code = t.OptionalText(4);
    if (auto start = t.OptionalText(5)) {
      ASSIGN_OR_RETURN(v.start, DateFromText(Path(service, "start"), *start));
    }
    if (auto end = t.OptionalText(6)) {
      ASSIGN_OR_RETURN(v.end, DateFromText(Path(service, "end"), *end));
    }
    v.organisation.contact = t.Contact(7);
    if (auto given = t.OptionalText(11)) {
      v.practitioner = domain::PersonName{domain::PersonalText(std::move(*given)),
                                          domain::PersonalText(t.Text(12))};
    }
    v.practitioner_contact = t.Contact(13);
    if (auto by = t.OptionalText(17)) {
      domain::SensitiveConsent consent;
      ASSIGN_OR_RETURN(consent.given_by, GivenByFromText(Path(service, "consent.given_by"), *by));
      ASSIGN_OR_RETURN(consent.date, DateFromText(Path(service, "consent.date"), t.Text(18)));
      v.consent = consent;
    }
    if (auto ground = t.OptionalText(19)) {
      ASSIGN_OR_RETURN(v.override_ground,
                       OverrideFromText(Path(service, "override_ground"), *ground));
    }
    child.involvements.push_back(std::move(v));
  }
  return core::Status::Ok();
}

// A source view as written since the sixteenth session: {"view": T}, T the
// tuple [given names, family name, gender, date of birth, other names,
// carers, services, address lines, postcode, NHS number, UPN, ULN, date of
// death], its lists as in a child's row (record_json.h).
core::StatusOr<domain::Child> CompactChildFrom(Element view) {
  const std::string_view field = kDataField;
  const StoredTuple t(view, 13);
  domain::Child child;
  child.name =
      domain::PersonName{domain::PersonalText(t.Text(0)), domain::PersonalText(t.Text(1))};
  ASSIGN_OR_RETURN(child.gender, GenderFromText(Path(field, "gender"), t.Text(2)));
  ASSIGN_OR_RETURN(domain::Date dob, DateFromText(Path(field, "date_of_birth"), t.Text(3)));
  child.date_of_birth = core::Sensitive<domain::Date>(dob);
  auto list = [&](std::size_t i) {
    auto e = t.At(i);
    if (!e) throw simdjson_error(simdjson::INCORRECT_TYPE);
    return *e;
  };
  RETURN_IF_ERROR(ListTuplesInto(list(4), list(5), list(6), field, child));
  child.address = t.Address(7);
  child.identifiers.nhs_number = t.OptionalPersonal(9);
  child.identifiers.upn = t.OptionalPersonal(10);
  child.identifiers.uln = t.OptionalPersonal(11);
  if (auto dod = t.OptionalText(12)) {
    ASSIGN_OR_RETURN(child.date_of_death, DateFromText(Path(field, "date_of_death"), *dod));
  }
  return child;
}

core::StatusOr<domain::Child> ChildFrom(Object o) {
  const std::string_view field = kDataField;
  domain::Child child;
  child.name = NameFrom(Object(o.at_key("name")));
  for (Element name : Array(o.at_key("other_names"))) {
    child.other_names.push_back(NameFrom(Object(name)));
  }
  ASSIGN_OR_RETURN(child.gender, GenderFromText(Path(field, "gender"), Text(o, "gender")));
  ASSIGN_OR_RETURN(domain::Date dob,
                   DateFromText(Path(field, "date_of_birth"), Text(o, "date_of_birth")));
  child.date_of_birth = core::Sensitive<domain::Date>(dob);
  if (auto address = Optional(o, "address")) child.address = AddressFrom(Object(*address));
  const Object identifiers(o.at_key("identifiers"));
  child.identifiers.nhs_number = OptionalPersonal(identifiers, "nhs_number");
  child.identifiers.upn = OptionalPersonal(identifiers, "upn");
  child.identifiers.uln = OptionalPersonal(identifiers, "uln");
  ASSIGN_OR_RETURN(child.date_of_death, OptionalDate(o, "date_of_death", field));
  for (Element carer : Array(o.at_key("carers"))) {
    ASSIGN_OR_RETURN(domain::Carer c, CarerFrom(Object(carer)));
    child.carers.push_back(std::move(c));
  }
  for (Element service : Array(o.at_key("services"))) {
    ASSIGN_OR_RETURN(domain::Involvement v, InvolvementFrom(Object(service)));
    child.involvements.push_back(std::move(v));
  }
  return child;
}

core::StatusOr<std::vector<domain::SourceEvent>> EventsFrom(Array a) {
  std::vector<domain::SourceEvent> events;
  for (Element e : a) {
    const Object o(e);
    domain::SourceEvent event;
    ASSIGN_OR_RETURN(event.type, EventTypeFromText(Path(kEventsField, "type"), Text(o, "type")));
    ASSIGN_OR_RETURN(event.date, OptionalDate(o, "date", kEventsField));
    events.push_back(event);
  }
  return events;
}

}  // namespace

core::StatusOr<std::string> EncodeChildJson(const domain::Child& child) {
  const std::string field = "child";
  ASSIGN_OR_RETURN(std::string_view gender, GenderText(Path(field, "gender"), child.gender));
  ASSIGN_OR_RETURN(std::string date_of_birth,
                   DateText(Path(field, "date_of_birth"), child.date_of_birth.Reveal()));
  std::optional<std::string> date_of_death;
  if (child.date_of_death) {
    ASSIGN_OR_RETURN(date_of_death, DateText(Path(field, "date_of_death"), *child.date_of_death));
  }
  TextWriter w;
  w.Key("view", '{');
  Tuple t(w);
  t.Text(child.name.given_names.Reveal());
  t.Text(child.name.family_name.Reveal());
  t.Text(gender);
  t.Text(date_of_birth);
  t.OpenList();
  for (const domain::PersonName& name : child.other_names) WriteNameTuple(w, name);
  t.CloseList();
  t.OpenList();
  for (std::size_t i = 0; i < child.carers.size(); ++i) {
    RETURN_IF_ERROR(WriteCarerTuple(w, child.carers[i], Indexed(field, "carers", i)));
  }
  t.CloseList();
  t.OpenList();
  for (std::size_t i = 0; i < child.involvements.size(); ++i) {
    RETURN_IF_ERROR(WriteServiceTuple(w, child.involvements[i], Indexed(field, "services", i)));
  }
  t.CloseList();
  t.Address(child.address);
  t.Optional(child.identifiers.nhs_number);
  t.Optional(child.identifiers.upn);
  t.Optional(child.identifiers.uln);
  t.Optional(date_of_death);
  t.Close();
  return w.Finish('}', field);
}

core::StatusOr<std::string> EncodeChildListsJson(const domain::Child& child) {
  const std::string field = "child";
  TextWriter w;
  w.Key("carers", '{');
  w.Open('[');
  for (std::size_t i = 0; i < child.carers.size(); ++i) {
    RETURN_IF_ERROR(WriteCarerTuple(w, child.carers[i], Indexed(field, "carers", i)));
  }
  w.Close(']');
  w.Key("other_names");
  w.Open('[');
  for (const domain::PersonName& name : child.other_names) WriteNameTuple(w, name);
  w.Close(']');
  w.Key("services");
  w.Open('[');
  for (std::size_t i = 0; i < child.involvements.size(); ++i) {
    RETURN_IF_ERROR(
        WriteServiceTuple(w, child.involvements[i], Indexed(field, "involvements", i)));
  }
  w.Close(']');
  return w.Finish('}', field);
}

core::Status DecodeChildListsJson(std::string_view json, domain::Child& child) {
  constexpr std::string_view kField = "child lists";
  try {
    ASSIGN_OR_RETURN(Element root, Parse(json, kField));
    const Object o(root);
    child.other_names.clear();
    child.carers.clear();
    child.involvements.clear();
    return ListTuplesInto(o.at_key("other_names"), o.at_key("carers"), o.at_key("services"),
                          "child", child);
  } catch (const simdjson_error&) {
    return Corrupt(kField, "does not have the shape of a child's lists");
  }
}

core::StatusOr<std::string> EncodeEventsJson(const std::vector<domain::SourceEvent>& events) {
  // Written by hand (one list is stored with every source record a feed
  // loads, most of them empty), keys in the order nlohmann writes them.
  if (events.empty()) return std::string("[]");
  TextWriter w;
  w.Open('[');
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string field = Indexed("source record", "events", i);
    ASSIGN_OR_RETURN(std::string_view type, EventTypeText(Path(field, "type"), events[i].type));
    if (events[i].date) {
      ASSIGN_OR_RETURN(std::string date, DateText(Path(field, "date"), *events[i].date));
      w.Key("date", '{');
      w.Text(date);
    } else {
      w.Open('{');
    }
    w.Key("type");
    w.Text(type);
    w.Close('}');
  }
  return w.Finish(']', "source record events");
}

core::StatusOr<domain::Child> DecodeChildJson(std::string_view json) {
  try {
    ASSIGN_OR_RETURN(Element root, Parse(json, kDataField));
    const Object o(root);
    // Written since the sixteenth session: {"view": [...]}; before, an object
    // with a key per field (ChildFrom), still read.
    if (auto view = Optional(o, "view")) return CompactChildFrom(*view);
    return ChildFrom(o);
  } catch (const simdjson_error&) {
    return Corrupt(kDataField, "does not have the shape of a child record");
  }
}

core::StatusOr<std::vector<domain::SourceEvent>> DecodeEventsJson(std::string_view json) {
  if (json == "[]") return std::vector<domain::SourceEvent>();  // most records' (not parsed)
  try {
    ASSIGN_OR_RETURN(Element root, Parse(json, kEventsField));
    if (!root.is_array()) return Corrupt(kEventsField, "is not a list");
    return EventsFrom(Array(root));
  } catch (const simdjson_error&) {
    return Corrupt(kEventsField, "does not have the shape of a list of events");
  }
}

core::StatusOr<std::string> EncodeDecisionJson(const LinkDecision& decision) {
  if (!std::isfinite(decision.score)) {
    return core::Status(core::ErrorCode::kInvalidRecord, "link decision: the score is not finite");
  }
  // Written by hand (one is stored with every source record a feed loads),
  // keys in the order nlohmann writes them.
  TextWriter w;
  w.Key("at_ms", '{');
  w.Int(core::ToUnixMillis(decision.at));
  w.Key("by");
  w.Text(decision.decided_by);
  if (decision.candidate) {
    w.Key("candidate");
    w.Text(decision.candidate->ToString());
  }
  w.Key("decision");
  w.Text(decision.decision);
  w.Key("model");
  w.Text(decision.model_version);
  w.Key("reason");
  w.Text(decision.reason);
  w.Key("score");
  w.Double(decision.score);
  w.Key("vector");
  w.Text(decision.vector);
  return w.Finish('}', "link decision");
}

core::StatusOr<LinkDecision> DecodeDecisionJson(std::string_view json) {
  constexpr std::string_view kField = "link decision";
  try {
    ASSIGN_OR_RETURN(Element root, Parse(json, kField));
    const Object o(root);
    LinkDecision d;
    d.decision = Text(o, "decision");
    d.reason = Text(o, "reason");
    d.score = double(o.at_key("score"));
    d.vector = Text(o, "vector");
    d.model_version = Text(o, "model");
    d.decided_by = Text(o, "by");
    d.at = core::FromUnixMillis(std::int64_t(o.at_key("at_ms")));
    if (auto candidate = OptionalText(o, "candidate")) {
      auto id = domain::ContactPointId::Parse(*candidate);
      if (!id.ok()) return Corrupt(kField, "names a candidate that is not a ContactPoint ID");
      d.candidate = *id;
    }
    return d;
  } catch (const simdjson_error&) {
    return Corrupt(kField, "does not have the shape of a link decision");
  }
}

core::StatusOr<std::string> EncodeProvenanceJson(
    const std::vector<domain::FieldProvenance>& provenance) {
  // Written by hand (a feed load writes one with every best view it
  // rebuilds). Consecutive fields from one source record share one entry, in
  // field order, and an entry is a tuple without key names: [source, key,
  // batch, extracted_at_ms, field, field...]. A best view is rewritten
  // whenever a record joins its child, so its bytes are paid again and
  // again: at 1M a provenance took 362 bytes with a key per value.
  auto same_origin = [](const domain::FieldProvenance& a, const domain::FieldProvenance& b) {
    return a.source == b.source && a.key == b.key && a.batch == b.batch &&
           a.extracted_at == b.extracted_at;
  };
  TextWriter w;
  w.Open('[');
  for (std::size_t i = 0; i < provenance.size();) {
    const domain::FieldProvenance& p = provenance[i];
    w.Open('[');
    w.Text(p.source.value());
    w.Text(p.key.value());
    w.Text(p.batch.value());
    w.Int(core::ToUnixMillis(p.extracted_at));
    for (; i < provenance.size() && same_origin(provenance[i], p); ++i) w.Text(provenance[i].field);
    w.Close(']');
  }
  return w.Finish(']', "best view provenance");
}

core::StatusOr<std::vector<domain::FieldProvenance>> DecodeProvenanceJson(std::string_view json) {
  constexpr std::string_view kField = "best view provenance";
  try {
    ASSIGN_OR_RETURN(Element root, Parse(json, kField));
    if (!root.is_array()) return Corrupt(kField, "is not a list");
    std::vector<domain::FieldProvenance> out;
    for (Element e : Array(root)) {
      std::vector<std::string> fields;
      std::string source, key, batch;
      std::int64_t at_ms = 0;
      if (e.is_array()) {
        // [source, key, batch, extracted_at_ms, field, field...]
        std::size_t n = 0;
        for (Element v : Array(e)) {
          switch (n++) {
            case 0: source = std::string(std::string_view(v)); break;
            case 1: key = std::string(std::string_view(v)); break;
            case 2: batch = std::string(std::string_view(v)); break;
            case 3: at_ms = std::int64_t(v); break;
            default: fields.emplace_back(std::string_view(v)); break;
          }
        }
      } else {
        // Written before the tuples: an object, with one field ("field",
        // as stores written before grouping have it) or several ("fields").
        const Object o(e);
        if (std::optional<Element> list = Optional(o, "fields")) {
          fields = Texts(Array(*list));  // not a list: throws
          if (fields.empty()) return Corrupt(kField, "has an empty field list");
        } else {
          fields.push_back(Text(o, "field"));
        }
        source = Text(o, "source");
        key = Text(o, "key");
        batch = Text(o, "batch");
        at_ms = std::int64_t(o.at_key("extracted_at_ms"));
      }
      if (fields.empty()) return Corrupt(kField, "has an entry without a field");
      const domain::SourceId source_id(std::move(source));
      const domain::SourceKey key_id(std::move(key));
      const domain::BatchId batch_id(std::move(batch));
      const core::Timestamp at = core::FromUnixMillis(at_ms);
      for (std::string& field : fields) {
        out.push_back(domain::FieldProvenance{std::move(field), source_id, key_id, batch_id, at});
      }
    }
    return out;
  } catch (const simdjson_error&) {
    return Corrupt(kField, "does not have the shape of a provenance list");
  }
}

core::StatusOr<std::string> EncodeLinesJson(std::string_view field,
                                            const std::vector<std::string>& lines) {
  return Dump(Json(lines), field);
}

core::StatusOr<std::vector<std::string>> DecodeLinesJson(std::string_view field,
                                                         std::string_view json) {
  try {
    ASSIGN_OR_RETURN(Element root, Parse(json, field));
    return Texts(Array(root));
  } catch (const simdjson_error&) {
    return Corrupt(field, "is not a list of address lines");
  }
}

}  // namespace cp::storage::internal

#include "synth/feed_json.h"

#include "domain/validation.h"

namespace cp::synth {
namespace {

void Key(std::string_view name, std::string& out) {
  AppendJsonString(name, out);
  out += ':';
}

void Bool(bool value, std::string& out) { out += value ? "true" : "false"; }

template <typename T>
void OptionalText(const std::optional<T>& value, std::string& out) {
  if (!value) {
    out += "null";
    return;
  }
  if constexpr (std::is_same_v<T, std::string>) {
    AppendJsonString(*value, out);
  } else {
    AppendJsonString(value->Reveal(), out);
  }
}

void OptionalDate(const std::optional<domain::Date>& date, std::string& out) {
  if (!date) {
    out += "null";
    return;
  }
  AppendJsonString(domain::FormatDate(*date), out);
}

void AddressJson(const std::optional<domain::Address>& address, std::string& out) {
  if (!address) {
    out += "null";
    return;
  }
  out += "{\"lines\":[";
  const auto& lines = address->lines.Reveal();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(lines[i], out);
  }
  out += "],\"postcode\":";
  OptionalText(address->postcode, out);
  out += '}';
}

void NameFields(const domain::PersonName& name, std::string& out) {
  Key("given_names", out);
  AppendJsonString(name.given_names.Reveal(), out);
  out += ',';
  Key("family_name", out);
  AppendJsonString(name.family_name.Reveal(), out);
}

void ContactFields(const domain::ContactDetails& contact, bool with_address, std::string& out) {
  out += ",\"phone\":";
  OptionalText(contact.phone, out);
  out += ",\"email\":";
  OptionalText(contact.email, out);
  if (with_address) {
    out += ",\"address\":";
    AddressJson(contact.address, out);
  }
}

void CarerJson(const domain::Carer& carer, std::string& out) {
  out += '{';
  NameFields(carer.name, out);
  out += ",\"relationship\":";
  AppendJsonString(domain::RelationshipName(carer.relationship), out);
  out += ",\"parental_responsibility\":";
  Bool(carer.parental_responsibility, out);
  ContactFields(carer.contact, true, out);
  out += '}';
}

void ServiceJson(const domain::Involvement& v, std::string& out) {
  out += "{\"type\":";
  AppendJsonString(domain::ServiceTypeName(v.type), out);
  out += ",\"organisation\":{\"name\":";
  AppendJsonString(v.organisation.name, out);
  out += ",\"code\":";
  OptionalText(v.organisation.code, out);
  ContactFields(v.organisation.contact, true, out);
  out += "},\"practitioner\":";
  if (v.practitioner) {
    out += '{';
    NameFields(*v.practitioner, out);
    ContactFields(v.practitioner_contact, false, out);
    out += '}';
  } else {
    out += "null";
  }
  out += ",\"start\":";
  OptionalDate(v.start, out);
  out += ",\"end\":";
  OptionalDate(v.end, out);
  out += ",\"lead_professional\":";
  Bool(v.lead_professional, out);
  out += ",\"caf_holder\":";
  Bool(v.caf_holder, out);
  out += ",\"sensitive_consent\":";
  if (v.consent) {
    out += "{\"given_by\":";
    AppendJsonString(
        v.consent->given_by == domain::SensitiveConsent::GivenBy::kChild ? "child" : "parent", out);
    out += ",\"date\":";
    AppendJsonString(domain::FormatDate(v.consent->date), out);
    out += '}';
  } else {
    out += "null";
  }
  if (v.override_ground) out += ",\"sensitive_override\":\"child_protection\"";
  out += '}';
}

std::string_view EventName(domain::SourceEvent::Type type) {
  switch (type) {
    case domain::SourceEvent::Type::kDeath:
      return "death";
    case domain::SourceEvent::Type::kLeftEngland:
      return "left_england";
    case domain::SourceEvent::Type::kAdoption:
      return "adoption";
  }
  return "death";
}

}  // namespace


void AppendHeaderLine(const FeedHeader& header, std::string& out) {
  out += "{\"contactpoint_feed\":1,\"source\":";
  AppendJsonString(header.source, out);
  out += ",\"batch\":";
  AppendJsonString(header.batch, out);
  out += ",\"sequence\":";
  out += std::to_string(header.sequence);
  out += ",\"extracted_at\":";
  AppendJsonString(header.extracted_at, out);
  out += ",\"mode\":";
  out += header.full ? "\"full\"" : "\"delta\"";
  out += "}\n";
}

void AppendRecordLine(const FeedRecord& record, std::string& out) {
  out += "{\"key\":";
  AppendJsonString(record.key, out);
  if (record.op == FeedRecord::Op::kWithdraw) {
    out += ",\"op\":\"withdraw\"}\n";
    return;
  }
  const domain::Child& child = record.child;
  out += ",\"op\":\"upsert\",\"child\":{";
  NameFields(child.name, out);
  out += ",\"other_names\":[";
  for (std::size_t i = 0; i < child.other_names.size(); ++i) {
    if (i > 0) out += ',';
    out += '{';
    NameFields(child.other_names[i], out);
    out += '}';
  }
  out += "],\"gender\":";
  AppendJsonString(domain::GenderName(child.gender), out);
  out += ",\"date_of_birth\":";
  AppendJsonString(domain::FormatDate(child.date_of_birth.Reveal()), out);
  out += ",\"address\":";
  AddressJson(child.address, out);
  out += ",\"identifiers\":{";
  bool first = true;
  auto identifier = [&](std::string_view name, const std::optional<domain::PersonalText>& value) {
    if (!value) return;
    if (!first) out += ',';
    first = false;
    Key(name, out);
    AppendJsonString(value->Reveal(), out);
  };
  identifier("nhs_number", child.identifiers.nhs_number);
  identifier("upn", child.identifiers.upn);
  identifier("uln", child.identifiers.uln);
  out += "},\"date_of_death\":";
  OptionalDate(child.date_of_death, out);
  out += "},\"carers\":[";
  for (std::size_t i = 0; i < child.carers.size(); ++i) {
    if (i > 0) out += ',';
    CarerJson(child.carers[i], out);
  }
  out += "],\"services\":[";
  for (std::size_t i = 0; i < child.involvements.size(); ++i) {
    if (i > 0) out += ',';
    ServiceJson(child.involvements[i], out);
  }
  out += "],\"events\":[";
  for (std::size_t i = 0; i < record.events.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"type\":";
    AppendJsonString(EventName(record.events[i].type), out);
    if (record.events[i].type != domain::SourceEvent::Type::kAdoption) {
      out += ",\"date\":";
      OptionalDate(record.events[i].date, out);
    }
    out += '}';
  }
  out += "]}\n";
}

}  // namespace cp::synth

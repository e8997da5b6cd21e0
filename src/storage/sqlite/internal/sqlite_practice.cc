#include "storage/sqlite/internal/sqlite_practice.h"

#include <utility>

#include "storage/internal/codec.h"
#include "storage/sqlite/internal/sqlite_values.h"

namespace cp::storage::internal {
namespace {

using core::ErrorCode;
using core::Status;
using core::StatusOr;
using domain::ContactPointId;

constexpr std::string_view kInvolvementColumns =
    "id, child_id, user_id, organisation_id, service_type, phone, email, start_date, end_date, "
    "lead_professional, lead_marked_at_ms, caf, caf_holder_phone, caf_holder_email, "
    "recorded_at_ms, updated_at_ms, consent_given_by, consent_date";

StatusOr<PractitionerInvolvementEntry> InvolvementFromRow(const Statement& row) {
  PractitionerInvolvementEntry e;
  e.id = row.Int64(0);
  ASSIGN_OR_RETURN(e.child, IdFromStored("practitioner_involvements.child_id", row.Int64(1)));
  e.user_id = row.Int64(2);
  e.organisation = row.Text(3);
  ASSIGN_OR_RETURN(e.service_type,
                   ServiceTypeFromText("practitioner_involvements.service_type", row.Text(4)));
  e.phone = Personal(row.OptionalText(5));
  e.email = Personal(row.OptionalText(6));
  ASSIGN_OR_RETURN(e.start, DateFromText("practitioner_involvements.start_date", row.Text(7)));
  if (auto end = row.OptionalText(8)) {
    ASSIGN_OR_RETURN(domain::Date date, DateFromText("practitioner_involvements.end_date", *end));
    e.end = date;
  }
  e.lead_professional = row.Int64(9) != 0;
  e.lead_marked_at = OptionalTime(row.OptionalInt64(10));
  e.caf = row.Int64(11) != 0;
  e.caf_holder_phone = Personal(row.OptionalText(12));
  e.caf_holder_email = Personal(row.OptionalText(13));
  e.recorded_at = core::FromUnixMillis(row.Int64(14));
  e.updated_at = core::FromUnixMillis(row.Int64(15));
  const std::optional<std::string> given_by = row.OptionalText(16);
  const std::optional<std::string> consented = row.OptionalText(17);
  if (given_by.has_value() != consented.has_value()) {
    return Corrupt("practitioner_involvements.consent", "who and when go together");
  }
  if (given_by) {
    domain::SensitiveConsent consent;
    ASSIGN_OR_RETURN(consent.given_by,
                     GivenByFromText("practitioner_involvements.consent_given_by", *given_by));
    ASSIGN_OR_RETURN(consent.date,
                     DateFromText("practitioner_involvements.consent_date", *consented));
    e.consent = consent;
  }
  return e;
}

StatusOr<ShieldEntry> ShieldFromRow(const Statement& row) {
  ShieldEntry s;
  ASSIGN_OR_RETURN(s.child, IdFromStored("shields.child_id", row.Int64(0)));
  const std::string state = row.Text(1);
  if (state == "in_force") {
    s.state = ShieldState::kInForce;
  } else if (state == "lifted") {
    s.state = ShieldState::kLifted;
  } else {
    return Corrupt("shields.state", "not a shield state");
  }
  s.ground = row.Text(2);
  s.requested_by = row.Int64(3);
  s.requested_at = core::FromUnixMillis(row.Int64(4));
  s.review_due_at = OptionalTime(row.OptionalInt64(5));
  s.reviewed_by = row.OptionalInt64(6);
  s.reviewed_at = OptionalTime(row.OptionalInt64(7));
  return s;
}

}  // namespace

StatusOr<std::int64_t> WritePractitionerInvolvement(Connection& conn,
                                                    const PractitionerInvolvementEntry& e) {
  ASSIGN_OR_RETURN(std::string_view service,
                   ServiceTypeText("involvement.service_type", e.service_type));
  ASSIGN_OR_RETURN(std::string start, DateText("involvement.start", e.start));
  std::optional<std::string> end;
  if (e.end) {
    ASSIGN_OR_RETURN(std::string text, DateText("involvement.end", *e.end));
    end = std::move(text);
  }
  std::optional<std::string> given_by;
  std::optional<std::string> consented;
  if (e.consent) {
    ASSIGN_OR_RETURN(std::string_view who, GivenByText("involvement.consent", e.consent->given_by));
    given_by = std::string(who);
    ASSIGN_OR_RETURN(std::string when, DateText("involvement.consent_date", e.consent->date));
    consented = std::move(when);
  }
  const bool insert = e.id == 0;
  ASSIGN_OR_RETURN(
      Statement stmt,
      insert ? conn.Prepare(
                   "INSERT INTO practitioner_involvements (child_id, user_id, organisation_id, "
                   "service_type, phone, email, start_date, end_date, lead_professional, "
                   "lead_marked_at_ms, caf, caf_holder_phone, caf_holder_email, recorded_at_ms, "
                   "updated_at_ms, consent_given_by, consent_date) VALUES (?2, ?3, ?4, ?5, ?6, "
                   "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                   "recording an involvement")
             : conn.Prepare(
                   "UPDATE practitioner_involvements SET user_id = ?3, organisation_id = ?4, "
                   "service_type = ?5, phone = ?6, email = ?7, start_date = ?8, end_date = ?9, "
                   "lead_professional = ?10, lead_marked_at_ms = ?11, caf = ?12, "
                   "caf_holder_phone = ?13, caf_holder_email = ?14, recorded_at_ms = ?15, "
                   "updated_at_ms = ?16, consent_given_by = ?17, consent_date = ?18 "
                   "WHERE id = ?1 AND child_id = ?2",
                   "updating an involvement"));
  if (!insert) stmt.BindInt64(1, e.id);
  stmt.BindInt64(2, Stored(e.child));
  stmt.BindInt64(3, e.user_id);
  stmt.BindText(4, e.organisation);
  stmt.BindText(5, service);
  stmt.BindOptionalText(6, Reveal(e.phone));
  stmt.BindOptionalText(7, Reveal(e.email));
  stmt.BindText(8, start);
  stmt.BindOptionalText(9, end);
  stmt.BindBool(10, e.lead_professional);
  stmt.BindOptionalInt64(11, OptionalMillis(e.lead_marked_at));
  stmt.BindBool(12, e.caf);
  stmt.BindOptionalText(13, Reveal(e.caf_holder_phone));
  stmt.BindOptionalText(14, Reveal(e.caf_holder_email));
  stmt.BindInt64(15, core::ToUnixMillis(e.recorded_at));
  stmt.BindInt64(16, core::ToUnixMillis(e.updated_at));
  stmt.BindOptionalText(17, given_by);
  stmt.BindOptionalText(18, consented);
  RETURN_IF_ERROR(stmt.Run());
  if (insert) return static_cast<std::int64_t>(sqlite3_last_insert_rowid(conn.db()));
  if (stmt.Changes() == 0) {
    return Status(ErrorCode::kInvolvementNotFound,
                  "no involvement " + std::to_string(e.id) + " is recorded on this child");
  }
  return e.id;
}

StatusOr<std::vector<PractitionerInvolvementEntry>> ReadPractitionerInvolvements(
    Connection& conn, ContactPointId child) {
  static const std::string kSql = "SELECT " + std::string(kInvolvementColumns) +
                                  " FROM practitioner_involvements WHERE child_id = ?1 "
                                  "ORDER BY id";
  ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(kSql, "reading a child's involvements"));
  stmt.BindInt64(1, Stored(child));
  std::vector<PractitionerInvolvementEntry> out;
  RETURN_IF_ERROR(stmt.ForEachRow([&](const Statement& row) -> Status {
    ASSIGN_OR_RETURN(PractitionerInvolvementEntry e, InvolvementFromRow(row));
    out.push_back(std::move(e));
    return Status::Ok();
  }));
  return out;
}

Status WriteShield(Connection& conn, const ShieldEntry& s) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("INSERT INTO shields (child_id, state, ground, requested_by, requested_at_ms, "
                   "review_due_at_ms, reviewed_by, reviewed_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, "
                   "?6, ?7, ?8) ON CONFLICT (child_id) DO UPDATE SET state = ?2, ground = ?3, "
                   "requested_by = ?4, requested_at_ms = ?5, review_due_at_ms = ?6, "
                   "reviewed_by = ?7, reviewed_at_ms = ?8",
                   "saving a shield"));
  stmt.BindInt64(1, Stored(s.child));
  stmt.BindText(2, ShieldStateName(s.state));
  stmt.BindText(3, s.ground);
  stmt.BindInt64(4, s.requested_by);
  stmt.BindInt64(5, core::ToUnixMillis(s.requested_at));
  stmt.BindOptionalInt64(6, OptionalMillis(s.review_due_at));
  stmt.BindOptionalInt64(7, s.reviewed_by);
  stmt.BindOptionalInt64(8, OptionalMillis(s.reviewed_at));
  return stmt.Run();
}

StatusOr<std::optional<ShieldEntry>> ReadShield(Connection& conn, ContactPointId child) {
  ASSIGN_OR_RETURN(Statement stmt,
                   conn.Prepare("SELECT child_id, state, ground, requested_by, requested_at_ms, "
                                "review_due_at_ms, reviewed_by, reviewed_at_ms FROM shields "
                                "WHERE child_id = ?1",
                                "reading a shield"));
  stmt.BindInt64(1, Stored(child));
  std::optional<ShieldEntry> out;
  RETURN_IF_ERROR(stmt.ForEachRow([&](const Statement& row) -> Status {
    ASSIGN_OR_RETURN(ShieldEntry s, ShieldFromRow(row));
    out = std::move(s);
    return Status::Ok();
  }));
  return out;
}

StatusOr<std::vector<ShieldEntry>> ReadShieldsInForceFor(Connection& conn,
                                                         const std::string& accountable) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("SELECT s.child_id, s.state, s.ground, s.requested_by, s.requested_at_ms, "
                   "s.review_due_at_ms, s.reviewed_by, s.reviewed_at_ms FROM shields s "
                   "JOIN children c ON c.contactpoint_id = s.child_id "
                   "WHERE s.state = 'in_force' AND c.accountable = ?1 "
                   "ORDER BY s.review_due_at_ms, s.child_id",
                   "listing shields due for review"));
  stmt.BindText(1, accountable);
  std::vector<ShieldEntry> out;
  RETURN_IF_ERROR(stmt.ForEachRow([&](const Statement& row) -> Status {
    ASSIGN_OR_RETURN(ShieldEntry s, ShieldFromRow(row));
    out.push_back(std::move(s));
    return Status::Ok();
  }));
  return out;
}

Status MoveManualRows(Connection& conn, ContactPointId from, ContactPointId to) {
  // One lead at most: when both children have one, the older mark is cleared.
  {
    ASSIGN_OR_RETURN(
        Statement stmt,
        conn.Prepare("UPDATE practitioner_involvements SET lead_professional = 0, "
                     "lead_marked_at_ms = NULL WHERE lead_professional = 1 "
                     "AND child_id IN (?1, ?2) AND id <> (SELECT id FROM "
                     "practitioner_involvements WHERE lead_professional = 1 AND child_id IN "
                     "(?1, ?2) ORDER BY lead_marked_at_ms DESC, id DESC LIMIT 1)",
                     "keeping one lead professional"));
    stmt.BindInt64(1, Stored(from));
    stmt.BindInt64(2, Stored(to));
    RETURN_IF_ERROR(stmt.Run());
  }
  {
    ASSIGN_OR_RETURN(Statement stmt,
                     conn.Prepare("UPDATE practitioner_involvements SET child_id = ?2 "
                                  "WHERE child_id = ?1",
                                  "moving involvements to the surviving record"));
    stmt.BindInt64(1, Stored(from));
    stmt.BindInt64(2, Stored(to));
    RETURN_IF_ERROR(stmt.Run());
  }
  ASSIGN_OR_RETURN(std::optional<ShieldEntry> moving, ReadShield(conn, from));
  if (!moving) return Status::Ok();
  ASSIGN_OR_RETURN(std::optional<ShieldEntry> staying, ReadShield(conn, to));
  {
    ASSIGN_OR_RETURN(Statement del, conn.Prepare("DELETE FROM shields WHERE child_id = ?1",
                                                 "moving a shield to the surviving record"));
    del.BindInt64(1, Stored(from));
    RETURN_IF_ERROR(del.Run());
  }
  if (moving->state != ShieldState::kInForce) return Status::Ok();
  if (staying && staying->state == ShieldState::kInForce) {
    if (moving->review_due_at && staying->review_due_at &&
        *moving->review_due_at < *staying->review_due_at) {
      staying->review_due_at = moving->review_due_at;
      return WriteShield(conn, *staying);
    }
    return Status::Ok();
  }
  moving->child = to;
  return WriteShield(conn, *moving);
}

}  // namespace cp::storage::internal

#include "ingest/receipt.h"

#include <nlohmann/json.hpp>

#include <sstream>

#include "ingest/parser.h"

namespace cp::ingest {

std::string ReceiptToJson(const Receipt& r) {
  nlohmann::json rejections = nlohmann::json::array();
  for (const Rejection& x : r.rejections) {
    rejections.push_back({{"line", x.line},
                          {"field", x.field},
                          {"code", core::ErrorCodeName(x.code)},
                          {"number", static_cast<int>(x.code)},
                          {"reason", x.reason}});
  }
  nlohmann::json j = {
      {"source", r.source.value()},
      {"batch", r.batch.value()},
      {"content_sha256", r.content_digest},
      {"mode", BatchModeName(r.mode)},
      {"sequence", r.sequence ? nlohmann::json(*r.sequence) : nlohmann::json(nullptr)},
      {"sequence_gap", r.expected_sequence
                           ? nlohmann::json({{"expected", *r.expected_sequence}})
                           : nlohmann::json(nullptr)},
      {"extracted_at", core::FormatRfc3339(r.extracted_at)},
      {"received_at", core::FormatRfc3339(r.received_at)},
      {"counts",
       {{"records", r.records},
        {"accepted", r.accepted},
        {"withdrawn", r.withdrawn},
        {"linked", r.linked},
        {"created", r.created},
        {"review", r.review},
        {"rejected", r.rejected}}},
      {"full_withdrawal_skipped", r.full_withdrawal_skipped},
      {"rejections", std::move(rejections)},
  };
  return j.dump();
}

core::StatusOr<Receipt> ReceiptFromJson(const std::string& json) {
  try {
    const nlohmann::json j = nlohmann::json::parse(json);
    Receipt r;
    r.source = domain::SourceId(j.at("source").get<std::string>());
    r.batch = domain::BatchId(j.at("batch").get<std::string>());
    r.content_digest = j.at("content_sha256").get<std::string>();
    r.mode = j.at("mode").get<std::string>() == "full" ? BatchMode::kFull : BatchMode::kDelta;
    if (!j.at("sequence").is_null()) r.sequence = j.at("sequence").get<std::int64_t>();
    if (!j.at("sequence_gap").is_null()) {
      r.expected_sequence = j.at("sequence_gap").at("expected").get<std::int64_t>();
    }
    ASSIGN_OR_RETURN(r.extracted_at,
                     ParseRfc3339Utc("extracted_at", j.at("extracted_at").get<std::string>()));
    ASSIGN_OR_RETURN(r.received_at,
                     ParseRfc3339Utc("received_at", j.at("received_at").get<std::string>()));
    const nlohmann::json& c = j.at("counts");
    r.records = c.at("records");
    r.accepted = c.at("accepted");
    r.withdrawn = c.at("withdrawn");
    r.linked = c.at("linked");
    r.created = c.at("created");
    r.review = c.at("review");
    r.rejected = c.at("rejected");
    r.full_withdrawal_skipped = j.value("full_withdrawal_skipped", false);
    for (const nlohmann::json& x : j.at("rejections")) {
      r.rejections.push_back(Rejection{x.at("line").get<std::int64_t>(),
                                       x.at("field").get<std::string>(),
                                       static_cast<core::ErrorCode>(x.at("number").get<int>()),
                                       x.at("reason").get<std::string>()});
    }
    return r;
  } catch (const nlohmann::json::exception&) {
    return core::Status(core::ErrorCode::kStoreCorrupt, "a stored batch receipt cannot be read");
  }
}

std::string ReceiptToText(const Receipt& r, std::size_t max_rejections) {
  std::ostringstream out;
  out << "Receipt for batch " << r.batch.value() << " from " << r.source.value() << " ("
      << BatchModeName(r.mode) << ", extracted " << core::FormatRfc3339(r.extracted_at)
      << ", received " << core::FormatRfc3339(r.received_at) << ")\n"
      << "  records " << r.records << ", accepted " << r.accepted << ", withdrawn "
      << r.withdrawn << ", linked " << r.linked << ", new children " << r.created
      << ", to review " << r.review << ", rejected " << r.rejected << "\n"
      << "  content SHA-256 " << r.content_digest << "\n";
  if (r.expected_sequence) {
    out << "  sequence gap: this batch is " << *r.sequence << ", the next expected was "
        << *r.expected_sequence << " (batches may be missing)\n";
  }
  if (r.full_withdrawal_skipped) {
    out << "  full mode: nothing was withdrawn because lines were rejected; fix them and resend\n";
  }
  std::size_t shown = 0;
  for (const Rejection& x : r.rejections) {
    if (shown++ == max_rejections) {
      out << "  ... " << (r.rejections.size() - max_rejections)
          << " more rejected lines (all are kept in quarantine)\n";
      break;
    }
    out << "  line " << x.line << ": " << (x.field.empty() ? "(whole line)" : x.field) << ": "
        << x.reason << " [" << core::ErrorCodeName(x.code) << "]\n";
  }
  return out.str();
}

}  // namespace cp::ingest

#include "ingest/csv_import.h"

#include <csv.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

#include "core/json_string.h"
#include "core/sha256.h"
#include "ingest/parser.h"

namespace cp::ingest {
namespace {

constexpr std::size_t kNoColumn = static_cast<std::size_t>(-1);

// The CSV column a JSON path of the child record came from.
std::string ColumnFor(const std::string& json_path) {
  static const std::pair<std::string_view, std::string_view> kMap[] = {
      {"child.given_names", "given_names"},
      {"child.family_name", "family_name"},
      {"child.gender", "gender"},
      {"child.date_of_birth", "date_of_birth"},
      {"child.date_of_death", "date_of_death"},
      {"child.other_names[0].given_names", "other_given_names"},
      {"child.other_names[0].family_name", "other_family_name"},
      {"child.address.postcode", "postcode"},
      {"child.identifiers.nhs_number", "nhs_number"},
      {"child.identifiers.upn", "upn"},
      {"child.identifiers.uln", "uln"},
  };
  for (const auto& [path, column] : kMap) {
    if (json_path == path) return std::string(column);
  }
  static constexpr std::string_view kLines = "child.address.lines[";
  if (json_path.starts_with(kLines) && json_path.size() == kLines.size() + 2) {
    return "address_line_" + std::to_string(json_path[kLines.size()] - '0' + 1);
  }
  return json_path;  // key, op, or a whole-row problem
}

// Collects the cells of one row from libcsv's callbacks and turns each
// complete row into a record. Owned by ImportCsvFile for one file.
class RowBuilder {
 public:
  RowBuilder(const BatchHeader& header, const RecordSink& on_record,
             const RejectionSink& on_rejection, CheckSummary& summary)
      : header_(header), on_record_(on_record), on_rejection_(on_rejection), summary_(summary) {}

  static void OnField(void* data, std::size_t size, void* self) {
    auto* b = static_cast<RowBuilder*>(self);
    b->row_bytes_ += size;
    if (b->row_bytes_ <= kMaxLineBytes) b->cells_.emplace_back(static_cast<char*>(data), size);
    else b->too_long_ = true;
  }
  static void OnRowEnd(int, void* self) { static_cast<RowBuilder*>(self)->EndRow(); }

  const core::Status& status() const { return status_; }
  bool header_done() const { return header_done_; }

 private:
  void EndRow() {
    ++row_;
    if (status_.ok()) {
      if (!header_done_) status_ = ReadColumns();
      else RowToRecord();
    }
    cells_.clear();
    row_bytes_ = 0;
    too_long_ = false;
  }

  core::Status ReadColumns() {
    header_done_ = true;
    columns_.assign(cells_.size(), kNoColumn);
    std::vector<bool> seen(kCsvColumns.size(), false);
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      std::size_t c = 0;
      while (c < kCsvColumns.size() && kCsvColumns[c] != cells_[i]) ++c;
      if (c == kCsvColumns.size()) {
        return core::Status(core::ErrorCode::kInvalidBatchHeader,
                            "row 1 (header): column " + std::to_string(i + 1) +
                                " is not a ContactPoint CSV column; allowed columns are listed "
                                "in docs/data-supply-csv.md (key, op, given_names, family_name, "
                                "...); no free text or case information is accepted");
      }
      if (seen[c]) {
        return core::Status(core::ErrorCode::kInvalidBatchHeader,
                            "row 1 (header): column " + std::string(kCsvColumns[c]) +
                                " appears more than once");
      }
      seen[c] = true;
      columns_[i] = c;
    }
    for (std::string_view required : {"key", "family_name", "date_of_birth"}) {
      std::size_t c = 0;
      while (kCsvColumns[c] != required) ++c;
      if (!seen[c]) {
        return core::Status(core::ErrorCode::kInvalidBatchHeader,
                            "row 1 (header): the required column " + std::string(required) +
                                " is missing");
      }
    }
    return core::Status::Ok();
  }

  void Reject(std::string field, core::ErrorCode code, std::string reason,
              std::string_view raw = {}) {
    ++summary_.rejected;
    on_rejection_(Rejection{row_, std::move(field), code, std::move(reason)}, raw);
  }

  void RowToRecord() {
    ++summary_.records;
    if (too_long_) {
      return Reject("", core::ErrorCode::kInvalidFeedLine, "the row is longer than 1 MiB");
    }
    if (cells_.size() != columns_.size()) {
      return Reject("", core::ErrorCode::kInvalidFeedLine,
                    "the row has " + std::to_string(cells_.size()) + " cells but the header has " +
                        std::to_string(columns_.size()));
    }
    std::array<std::optional<std::string_view>, kCsvColumns.size()> v;
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      if (!cells_[i].empty()) v[columns_[i]] = cells_[i];
    }
    auto put = [](std::string& out, std::string_view name, std::string_view value) {
      if (out.back() != '{' && out.back() != '[') out += ", ";
      core::AppendJsonString(name, out);
      out += ": ";
      core::AppendJsonString(value, out);
    };
    std::string json = "{";
    if (v[0]) put(json, "key", *v[0]);
    put(json, "op", v[1].value_or("upsert"));
    if (v[1].value_or("upsert") == "upsert") {
      json += ", \"child\": {";
      for (std::size_t c : {2u, 3u, 4u, 5u, 6u}) {
        if (v[c]) put(json, kCsvColumns[c], *v[c]);
      }
      if (v[7] || v[8]) {
        json += json.back() == '{' ? "\"other_names\": [{" : ", \"other_names\": [{";
        if (v[7]) put(json, "given_names", *v[7]);
        if (v[8]) put(json, "family_name", *v[8]);
        json += "}]";
      }
      bool any_line = false;
      for (std::size_t c = 9; c <= 14; ++c) any_line = any_line || v[c].has_value();
      if (any_line || v[15]) {
        json += json.back() == '{' ? "\"address\": {\"lines\": [" : ", \"address\": {\"lines\": [";
        for (std::size_t c = 9; c <= 14; ++c) {
          if (!v[c]) continue;
          if (json.back() != '[') json += ", ";
          core::AppendJsonString(*v[c], json);
        }
        json += "]";
        if (v[15]) put(json, "postcode", *v[15]);
        json += "}";
      }
      if (v[16] || v[17] || v[18]) {
        json += json.back() == '{' ? "\"identifiers\": {" : ", \"identifiers\": {";
        for (std::size_t c : {16u, 17u, 18u}) {
          if (v[c]) put(json, kCsvColumns[c], *v[c]);
        }
        json += "}";
      }
      json += "}";
    }
    json += "}";
    auto result = parser_.ParseRecord(json, row_, header_);
    if (auto* rejection = std::get_if<Rejection>(&result)) {
      return Reject(ColumnFor(rejection->field), rejection->code, rejection->reason, json);
    }
    FeedRecord& record = std::get<FeedRecord>(result);
    ++summary_.accepted;
    if (record.op == RecordOp::kWithdraw) ++summary_.withdrawals;
    status_ = on_record_(std::move(record));
  }

  const BatchHeader& header_;
  const RecordSink& on_record_;
  const RejectionSink& on_rejection_;
  CheckSummary& summary_;
  LineParser parser_;
  std::vector<std::string> cells_;
  std::vector<std::size_t> columns_;  // cell index -> kCsvColumns index
  std::size_t row_bytes_ = 0;
  bool too_long_ = false;
  bool header_done_ = false;
  std::int64_t row_ = 0;
  core::Status status_;
};

}  // namespace

core::StatusOr<CheckSummary> ImportCsvFile(const std::string& path, const BatchHeader& header,
                                           const RecordSink& on_record,
                                           const RejectionSink& on_rejection,
                                           const ProgressSink& on_progress) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return core::Status(std::filesystem::exists(path) ? core::ErrorCode::kStoreIo
                                                      : core::ErrorCode::kNotFound,
                        "cannot open CSV file '" + path + "': " + std::strerror(errno));
  }
  const std::uint64_t size = std::filesystem::file_size(path);
  CheckSummary summary;
  summary.header = header;
  RowBuilder builder(header, on_record, on_rejection, summary);
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    return core::Internal("cannot initialise the CSV parser");
  }
  std::vector<char> buffer(1 << 18);
  std::uint64_t done = 0;
  core::Sha256 digest;
  core::Status status;
  while (status.ok() && in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    digest.Update(buffer.data(), n);
    if (csv_parse(&parser, buffer.data(), n, RowBuilder::OnField, RowBuilder::OnRowEnd,
                  &builder) != n) {
      status = core::Status(core::ErrorCode::kInvalidFeedLine,
                            "'" + path + "' is not valid CSV after row " +
                                std::to_string(summary.records + 1) + ": " +
                                csv_strerror(csv_error(&parser)) +
                                " (check the quoting of that row)");
    }
    done += n;
    if (on_progress) on_progress(done, size);
    if (status.ok()) status = builder.status();
  }
  if (status.ok() && in.bad()) {
    status = core::Status(core::ErrorCode::kStoreIo,
                          "cannot read '" + path + "': " + std::strerror(errno));
  }
  if (status.ok() &&
      csv_fini(&parser, RowBuilder::OnField, RowBuilder::OnRowEnd, &builder) != 0) {
    status = core::Status(core::ErrorCode::kInvalidFeedLine,
                          "'" + path + "' ends inside a quoted cell: " +
                              csv_strerror(csv_error(&parser)));
  }
  csv_free(&parser);
  RETURN_IF_ERROR(status);
  RETURN_IF_ERROR(builder.status());
  if (!builder.header_done()) {
    return core::Status(core::ErrorCode::kInvalidBatchHeader,
                        "'" + path + "' is empty: a CSV batch starts with a header row");
  }
  summary.content_digest = digest.HexDigest();
  return summary;
}

}  // namespace cp::ingest

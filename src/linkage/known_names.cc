#include "linkage/known_names.h"

#include <charconv>
#include <fstream>

#include "core/csv_line.h"
#include "linkage/normalise.h"

namespace cp::linkage {
namespace {

core::Status Malformed(const std::filesystem::path& path, std::size_t line,
                       const std::string& rule) {
  return core::Status(core::ErrorCode::kInvalidLinkageData,
                      path.string() + " line " + std::to_string(line) + ": " + rule);
}

// The position of the first of `names` in a header, or npos.
std::size_t ColumnOf(const std::vector<std::string>& header,
                     std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
  }
  return std::string::npos;
}

// "name_upper (or name)".
std::string Alternatives(std::initializer_list<std::string_view> names) {
  std::string out;
  std::size_t i = 0;
  for (std::string_view name : names) {
    out += i == 0 ? "" : i == 1 ? " (or " : " or ";
    out += name;
    ++i;
  }
  return i > 1 ? out + ")" : out;
}

}  // namespace

void KnownNames::Add(std::string_view written, std::uint64_t count) {
  for (std::string& token : AsciiTokens(written)) counts_[std::move(token)] += count;
}

KnownNames KnownNames::FromCounts(
    const std::vector<std::pair<std::string, std::uint64_t>>& names) {
  KnownNames known;
  for (const auto& [name, count] : names) known.Add(name, count);
  return known;
}

std::uint64_t KnownNames::Count(std::string_view normalised_token) const {
  auto it = counts_.find(std::string(normalised_token));
  return it == counts_.end() ? 0 : it->second;
}

bool KnownNames::Contains(std::string_view normalised_token) const {
  return Count(normalised_token) >= kEstablishedCount;
}

core::StatusOr<KnownNames> KnownNames::LoadCsv(const std::filesystem::path& path) {
  KnownNames known;
  RETURN_IF_ERROR(internal::ReadNameTable(
      path, "the list of given names", {"name_upper", "name"}, {"count_2007_2024", "count"},
      [&](std::size_t line, const std::string& name, const std::string& text) -> core::Status {
        std::uint64_t count = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
        if (error != std::errc() || end != text.data() + text.size() || count == 0) {
          return Malformed(path, line, "the count '" + text + "' is not a positive whole number");
        }
        known.Add(name, count);
        return core::Status::Ok();
      }));
  return known;
}

namespace internal {

core::Status ReadNameTable(const std::filesystem::path& path, std::string_view what,
                           std::initializer_list<std::string_view> name_columns,
                           std::initializer_list<std::string_view> value_columns,
                           const NameRowSink& row) {
  std::ifstream in(path);
  if (!in) {
    return core::Status(core::ErrorCode::kLinkageDataNotFound,
                        "cannot open " + std::string(what) + " " + path.string() +
                            ": check --data-dir points at the linkage data directory");
  }
  std::string line;
  std::size_t line_number = 0;
  std::size_t name_column = 0;
  std::size_t value_column = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::vector<std::string> fields = core::SplitCsvLine(line);
    if (line_number == 1) {
      name_column = ColumnOf(fields, name_columns);
      value_column = ColumnOf(fields, value_columns);
      if (name_column == std::string::npos || value_column == std::string::npos) {
        return Malformed(path, 1,
                         "expected a header with a " + Alternatives(name_columns) +
                             " column and a " + Alternatives(value_columns) + " column");
      }
      continue;
    }
    if (line.empty()) continue;
    if (name_column >= fields.size() || value_column >= fields.size()) {
      return Malformed(path, line_number, "the name or its number is missing");
    }
    if (AsciiTokens(fields[name_column]).empty()) {
      return Malformed(path, line_number, "the name has no letters");
    }
    RETURN_IF_ERROR(row(line_number, fields[name_column], fields[value_column]));
  }
  if (in.bad()) {
    return core::Status(core::ErrorCode::kLinkageDataNotFound,
                        "error reading " + std::string(what) + " " + path.string());
  }
  return core::Status::Ok();
}

}  // namespace internal

}  // namespace cp::linkage

#include "synth/synth.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <system_error>

#include "domain/validation.h"
#include "synth/noise.h"
#include "synth/population.h"
#include "synth/sources.h"

#ifndef CP_SYNTH_SOURCE_DATA_DIR
#define CP_SYNTH_SOURCE_DATA_DIR "tools/synth/data"
#endif

namespace cp::synth {
namespace {

core::Status IoError(const std::filesystem::path& path, std::string_view what, int error) {
  return core::Status(core::ErrorCode::kUnavailable,
                      "cannot " + std::string(what) + " " + path.string() + ": " +
                          std::strerror(error) + "; choose a writable --out folder");
}

// A file written through a large buffer. Owns the FILE; not thread-safe.
class OutputFile {
 public:
  static core::StatusOr<std::unique_ptr<OutputFile>> Open(const std::filesystem::path& path) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) return IoError(path, "create", errno);
    return std::unique_ptr<OutputFile>(new OutputFile(path, file));
  }
  ~OutputFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::string& buffer() { return buffer_; }

  core::Status FlushIfFull() { return buffer_.size() >= kFlushAt ? Flush() : core::Status::Ok(); }
  core::Status Flush() {
    if (!buffer_.empty() &&
        std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      return IoError(path_, "write", errno);
    }
    buffer_.clear();
    return core::Status::Ok();
  }
  core::Status Close() {
    RETURN_IF_ERROR(Flush());
    std::FILE* file = file_;
    file_ = nullptr;
    if (std::fclose(file) != 0) return IoError(path_, "write", errno);
    return core::Status::Ok();
  }

 private:
  static constexpr std::size_t kFlushAt = 1 << 20;
  OutputFile(std::filesystem::path path, std::FILE* file) : path_(std::move(path)), file_(file) {}
  std::filesystem::path path_;
  std::FILE* file_;
  std::string buffer_;
};

void CsvField(std::string_view text, std::string& out) {
  if (text.find_first_of(",\"\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string DateOrEmpty(const std::optional<domain::Date>& date) {
  return date ? domain::FormatDate(*date) : std::string();
}

std::string_view EducationName(Education e) {
  switch (e) {
    case Education::kNotSchoolAge:
      return "not_school_age";
    case Education::kStateSchool:
      return "state_school";
    case Education::kIndependent:
      return "independent_school";
    case Education::kHomeEducated:
      return "home_educated";
    case Education::kMissing:
      return "missing_education";
    case Education::kPost16Other:
      return "post16_other";
  }
  return "";
}

constexpr std::string_view kPeopleHeader =
    "person_id,household_id,given_names,family_name,sex,date_of_birth,nhs_number,upn,uln,"
    "address,postcode,la_code,la_name,moved_on,previous_postcode,previous_la_code,"
    "maternity_id,babies_in_maternity,born_abroad,education,school_urn,gp_ods,date_of_death,"
    "left_england,adopted_on,birth_given_names,birth_family_name,birth_nhs_number,"
    "former_family_name,name_changed_on,alias_family_name,child_benefit,social_care,"
    "looked_after,youth_offending,health_visiting,camhs,voluntary\n";

// Writes every record to its batch file and to truth.csv.
class FileSink final : public RecordSink {
 public:
  FileSink(std::array<std::unique_ptr<OutputFile>, kSourceCount>& batches, OutputFile& truth,
           Summary& summary)
      : batches_(batches), truth_(truth), summary_(summary) {}

  core::Status Write(SourceKind source, const FeedRecord& record, const Person& person) override {
    const int s = static_cast<int>(source);
    AppendRecordLine(record, batches_[s]->buffer());
    ++summary_.records[s];
    std::string& t = truth_.buffer();
    t += SourceName(source);
    t += ',';
    t += record.key;
    t += ",P";
    t += std::to_string(person.index + 1);
    t += '\n';
    RETURN_IF_ERROR(batches_[s]->FlushIfFull());
    return truth_.FlushIfFull();
  }

 private:
  std::array<std::unique_ptr<OutputFile>, kSourceCount>& batches_;
  OutputFile& truth_;
  Summary& summary_;
};

void AppendPerson(const ReferenceData& data, const PopulationGenerator& population,
                  const Household& h, const Person& p, std::string& out) {
  auto field = [&out](std::string_view text) {
    CsvField(text, out);
    out += ',';
  };
  auto id = [&out](char prefix, std::uint64_t number) {
    out += prefix;
    out += std::to_string(number);
    out += ',';
  };
  const PostcodeSector& sector = data.sectors()[h.home.sector];
  const LocalAuthority& la = data.authorities()[sector.la];
  id('P', p.index + 1);
  id('H', h.index + 1);
  field(JoinNames(p.given));
  field(p.family);
  field(domain::GenderName(p.sex));
  field(domain::FormatDate(p.dob));
  field(p.nhs_number);
  field(p.upn);
  field(p.uln);
  field(h.home.line1 + ", " + sector.town);
  field(h.home.postcode);
  field(la.code);
  field(la.name);
  field(DateOrEmpty(h.moved_on));
  field(h.previous ? h.previous->postcode : "");
  field(h.previous ? data.authorities()[data.sectors()[h.previous->sector].la].code : "");
  id('M', p.maternity);
  field(std::to_string(p.babies_in_maternity));
  field(p.born_abroad ? "1" : "0");
  field(EducationName(p.education));
  field(p.school ? std::to_string(population.schools()[*p.school].urn) : "");
  field(p.gp ? data.practices()[*p.gp].ods_code : "");
  field(DateOrEmpty(p.died));
  field(DateOrEmpty(p.emigrated));
  field(p.adoption ? domain::FormatDate(p.adoption->date) : "");
  field(p.adoption ? JoinNames(p.adoption->birth_given) : "");
  field(p.adoption ? p.adoption->birth_family : "");
  field(p.adoption ? p.adoption->birth_nhs_number : "");
  field(p.former_family.value_or(""));
  field(DateOrEmpty(p.name_changed));
  field(h.alias_family.value_or(""));
  field(p.child_benefit ? "1" : "0");
  int counts[kSourceCount] = {};
  bool looked_after = false;
  for (const LocalCase& c : p.cases) {
    if (c.pre_adoption) continue;
    ++counts[static_cast<int>(c.source)];
    looked_after = looked_after || c.looked_after;
  }
  field(counts[static_cast<int>(SourceKind::kSocialCare)] > 0 ? "1" : "0");
  field(looked_after ? "1" : "0");
  field(counts[static_cast<int>(SourceKind::kYouthOffending)] > 0 ? "1" : "0");
  field(counts[static_cast<int>(SourceKind::kHealthVisiting)] > 0 ? "1" : "0");
  field(counts[static_cast<int>(SourceKind::kCamhs)] > 0 ? "1" : "0");
  out += counts[static_cast<int>(SourceKind::kVoluntary)] > 0 ? "1" : "0";
  out += '\n';
}

}  // namespace

core::Status ValidateOptions(const Options& options) {
  if (options.children < 1 || options.children > kMaxChildren) {
    return core::InvalidArgument("--children must be between 1 and " +
                                 std::to_string(kMaxChildren));
  }
  const int year = static_cast<int>(options.as_of.year());
  if (!options.as_of.ok() || year < 2000 || year > 2100) {
    return core::InvalidArgument("--as-of must be a real date between 2000 and 2100");
  }
  return core::Status::Ok();
}

core::StatusOr<Summary> Generate(const ReferenceData& data, const Options& options,
                                 const std::filesystem::path& out_dir, const Progress& progress) {
  RETURN_IF_ERROR(ValidateOptions(options));
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return IoError(out_dir, "create the folder", ec.value());

  Summary summary;
  std::array<std::unique_ptr<OutputFile>, kSourceCount> batches;
  const std::string as_of = domain::FormatDate(options.as_of);
  for (int s = 0; s < kSourceCount; ++s) {
    const std::string_view name = SourceName(static_cast<SourceKind>(s));
    ASSIGN_OR_RETURN(batches[s], OutputFile::Open(out_dir / (std::string(name) + ".jsonl")));
    FeedHeader header;
    header.source = std::string(name);
    header.batch = "synth-" + std::to_string(options.seed) + "-" + as_of;
    header.sequence = 1;
    header.extracted_at = as_of + "T02:00:00Z";
    AppendHeaderLine(header, batches[s]->buffer());
  }
  ASSIGN_OR_RETURN(auto truth, OutputFile::Open(out_dir / "truth.csv"));
  truth->buffer() += "source,key,person_id\n";
  ASSIGN_OR_RETURN(auto people, OutputFile::Open(out_dir / "people.csv"));
  people->buffer() += kPeopleHeader;

  PopulationGenerator population(data, options.rates, options.seed, options.as_of,
                                 options.children);
  SourceRenderer renderer(population, options.seed);
  FileSink sink(batches, *truth, summary);
  while (summary.people < options.children) {
    const Household household = population.Next(options.children - summary.people);
    RETURN_IF_ERROR(renderer.Render(household, sink));
    for (const Person& p : household.children) {
      AppendPerson(data, population, household, p, people->buffer());
    }
    RETURN_IF_ERROR(people->FlushIfFull());
    summary.people += household.children.size();
    ++summary.households;
    if (progress) progress(summary.people, options.children);
  }
  for (auto& batch : batches) RETURN_IF_ERROR(batch->Close());
  RETURN_IF_ERROR(truth->Close());
  RETURN_IF_ERROR(people->Close());
  return summary;
}

std::filesystem::path DefaultDataDir(const std::filesystem::path& executable) {
  std::error_code ec;
  const std::filesystem::path beside = executable.parent_path() / "synth-data";
  if (!executable.empty() && std::filesystem::is_directory(beside, ec)) return beside;
  return CP_SYNTH_SOURCE_DATA_DIR;
}

}  // namespace cp::synth

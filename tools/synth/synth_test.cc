// Synthetic England end to end: two small populations (2,000 children with
// the default rates, 1,200 with rare events raised) generated once per test
// process, then the files are read back and checked against the specification,
// the ground truth and the documented rates.
#include "synth/synth.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "domain/validation.h"
#include "ingest/parser.h"
#include "synth/noise.h"
#include "synth/population.h"
#include "synth/sources.h"

namespace cp::synth {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr domain::Date kAsOf{std::chrono::year{2025}, std::chrono::March, std::chrono::day{31}};

const ReferenceData& Data() {
  static const ReferenceData* data = [] {
    auto loaded = ReferenceData::Load(CP_SYNTH_TEST_DATA_DIR);
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().ToString();
      std::abort();
    }
    return loaded->release();
  }();
  return *data;
}

fs::path TempDir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("cp_synth_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  return dir;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const fs::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

using Row = std::map<std::string, std::string>;

std::vector<Row> ReadCsv(const fs::path& path) {
  std::vector<Row> rows;
  const std::vector<std::string> lines = Lines(path);
  const std::vector<std::string> header = SplitCsvLine(lines.at(0));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = SplitCsvLine(lines[i]);
    EXPECT_EQ(f.size(), header.size()) << path << " line " << i + 1;
    Row row;
    for (std::size_t c = 0; c < header.size() && c < f.size(); ++c) row[header[c]] = f[c];
    rows.push_back(std::move(row));
  }
  return rows;
}

// One parsed batch line.
struct Line {
  std::string source;
  std::string text;
  json j;
};

// A generated folder, read back.
struct GeneratedRun {
  fs::path dir;
  Summary summary;
  std::vector<Line> lines;              // every record line of every batch
  std::map<std::string, json> headers;  // per source
  std::map<std::string, std::string> header_text;
  std::map<std::string, Row> people;                                 // by person_id
  std::map<std::pair<std::string, std::string>, std::string> truth;  // (source,key) -> person
  std::vector<Row> truth_rows;
};

GeneratedRun MakeRun(const std::string& name, const Options& options) {
  GeneratedRun run;
  run.dir = TempDir(name);
  auto summary = Generate(Data(), options, run.dir);
  EXPECT_TRUE(summary.ok()) << summary.status().ToString();
  if (!summary.ok()) return run;
  run.summary = *summary;
  for (int s = 0; s < kSourceCount; ++s) {
    const std::string source(SourceName(static_cast<SourceKind>(s)));
    const std::vector<std::string> lines = Lines(run.dir / (source + ".jsonl"));
    EXPECT_FALSE(lines.empty()) << source;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      json j = json::parse(lines[i], nullptr, /*allow_exceptions=*/false);
      EXPECT_FALSE(j.is_discarded()) << source << " line " << i + 1 << " is not JSON";
      if (i == 0) {
        run.headers[source] = j;
        run.header_text[source] = lines[i];
      } else {
        run.lines.push_back({source, lines[i], std::move(j)});
      }
    }
  }
  for (Row& row : ReadCsv(run.dir / "people.csv")) run.people[row["person_id"]] = row;
  run.truth_rows = ReadCsv(run.dir / "truth.csv");
  for (const Row& row : run.truth_rows) {
    run.truth[{row.at("source"), row.at("key")}] = row.at("person_id");
  }
  return run;
}

Options Defaults(std::uint64_t children, std::uint64_t seed) {
  Options options;
  options.children = children;
  options.seed = seed;
  options.as_of = kAsOf;
  return options;
}

// Rare events raised so that a small run holds enough of them to check.
Options Boosted(std::uint64_t children, std::uint64_t seed) {
  Options options = Defaults(children, seed);
  options.rates.died_last_year = 0.03;
  options.rates.emigrated_last_year = 0.03;
  options.rates.adopted = 0.05;
  options.rates.name_change = 0.05;
  options.rates.multi_name_parent = 0.10;
  options.rates.moved_recently = 0.5;
  options.rates.moved_across_la = 0.6;
  options.rates.children_in_need = 0.2;
  return options;
}

class SynthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    main_ = new GeneratedRun(MakeRun("main", Defaults(2000, 42)));
    boosted_ = new GeneratedRun(MakeRun("boosted", Boosted(1200, 7)));
  }
  static void TearDownTestSuite() {
    fs::remove_all(main_->dir);
    fs::remove_all(boosted_->dir);
    delete main_;
    delete boosted_;
  }
  static GeneratedRun* main_;
  static GeneratedRun* boosted_;
};
GeneratedRun* SynthTest::main_ = nullptr;
GeneratedRun* SynthTest::boosted_ = nullptr;

// |observed - expected| within four standard deviations (plus one for tiny
// counts): a binomial tolerance that fails on a wrong rate, not on chance.
void ExpectRate(const std::string& what, std::uint64_t hits, std::uint64_t trials, double p) {
  ASSERT_GT(trials, 0u) << what;
  const double expected = static_cast<double>(trials) * p;
  const double sd = std::sqrt(static_cast<double>(trials) * p * (1 - p));
  EXPECT_NEAR(static_cast<double>(hits), expected, 4 * sd + 1)
      << what << ": " << hits << " of " << trials << ", expected rate " << p;
}

// --- The feed format -----------------------------------------------------

// The fields DATA-SUPPLY.md allows, by object.
const std::set<std::string> kRecordFields = {"key", "op", "child", "carers", "services", "events"};
const std::set<std::string> kChildFields = {"given_names", "family_name",   "other_names",
                                            "gender",      "date_of_birth", "address",
                                            "identifiers", "date_of_death"};
const std::set<std::string> kNameFields = {"given_names", "family_name"};
const std::set<std::string> kAddressFields = {"lines", "postcode"};
const std::set<std::string> kIdentifierFields = {"nhs_number", "upn", "uln"};
const std::set<std::string> kCarerFields = {
    "given_names", "family_name", "relationship", "parental_responsibility",
    "phone",       "email",       "address"};
const std::set<std::string> kServiceFields = {
    "type",       "organisation",      "practitioner",      "start", "end", "lead_professional",
    "caf_holder", "sensitive_consent", "sensitive_override"};
const std::set<std::string> kOrganisationFields = {"name", "code", "phone", "email", "address"};
const std::set<std::string> kPractitionerFields = {"given_names", "family_name", "phone", "email"};
const std::set<std::string> kConsentFields = {"given_by", "date"};
const std::set<std::string> kEventFields = {"type", "date"};

void ExpectOnly(const json& j, const std::set<std::string>& allowed, const std::string& where) {
  ASSERT_TRUE(j.is_object()) << where;
  for (const auto& [name, value] : j.items()) {
    EXPECT_TRUE(allowed.count(name)) << where << " has field " << name;
  }
}

// Checks that every object of a record line holds only specified fields.
void ExpectSpecFields(const json& line) {
  ExpectOnly(line, kRecordFields, "record");
  const json& c = line["child"];
  ExpectOnly(c, kChildFields, "child");
  for (const json& other : c["other_names"]) ExpectOnly(other, kNameFields, "other_names");
  if (!c["address"].is_null()) ExpectOnly(c["address"], kAddressFields, "child.address");
  ExpectOnly(c["identifiers"], kIdentifierFields, "identifiers");
  for (const json& k : line["carers"]) {
    ExpectOnly(k, kCarerFields, "carer");
    if (!k["address"].is_null()) ExpectOnly(k["address"], kAddressFields, "carer.address");
  }
  for (const json& s : line["services"]) {
    ExpectOnly(s, kServiceFields, "service");
    ExpectOnly(s["organisation"], kOrganisationFields, "organisation");
    if (!s["organisation"]["address"].is_null()) {
      ExpectOnly(s["organisation"]["address"], kAddressFields, "organisation.address");
    }
    if (!s["practitioner"].is_null())
      ExpectOnly(s["practitioner"], kPractitionerFields, "practitioner");
    if (!s["sensitive_consent"].is_null()) {
      ExpectOnly(s["sensitive_consent"], kConsentFields, "sensitive_consent");
    }
  }
  for (const json& e : line["events"]) ExpectOnly(e, kEventFields, "event");
}

TEST_F(SynthTest, WritesOneBatchPerSourceWithASpecHeader) {
  ASSERT_EQ(main_->headers.size(), static_cast<std::size_t>(kSourceCount));
  for (const auto& [source, header] : main_->headers) {
    EXPECT_EQ(header["contactpoint_feed"], 1);
    EXPECT_EQ(header["source"], source);
    EXPECT_EQ(header["batch"], "synth-42-2025-03-31");
    EXPECT_EQ(header["extracted_at"], "2025-03-31T02:00:00Z");
    EXPECT_EQ(header["mode"], "delta");
    EXPECT_EQ(header.size(), 6u);
  }
  for (int s = 0; s < kSourceCount; ++s) {
    EXPECT_GT(main_->summary.records[s], 0u) << SourceName(static_cast<SourceKind>(s));
  }
  EXPECT_EQ(main_->summary.people, 2000u);
  EXPECT_EQ(main_->people.size(), 2000u);
}

// The ingest module's parser (the feed validator) accepts every line, and the
// child it reads back passes ValidateChild.
TEST_F(SynthTest, EveryRecordIsSpecJsonThatTheFeedParserAccepts) {
  for (const GeneratedRun* run : {main_, boosted_}) {
    ingest::LineParser parser;
    std::map<std::string, ingest::BatchHeader> headers;
    for (const auto& [source, text] : run->header_text) {
      auto header = parser.ParseHeader(text);
      ASSERT_TRUE(header.ok()) << source << ": " << header.status().ToString();
      headers.emplace(source, *header);
    }
    std::map<std::string, std::set<std::string>> keys;
    std::int64_t number = 0;
    for (const Line& line : run->lines) {
      const std::string key = line.j["key"].get<std::string>();
      EXPECT_LE(key.size(), domain::kMaxSourceKeyLength);
      auto parsed = parser.ParseRecord(line.text, ++number, headers.at(line.source));
      if (const auto* rejection = std::get_if<ingest::Rejection>(&parsed)) {
        ADD_FAILURE() << line.source << " " << key << ": " << rejection->field << ": "
                      << rejection->reason;
        continue;
      }
      const auto& record = std::get<ingest::FeedRecord>(parsed);
      if (record.op == ingest::RecordOp::kWithdraw) {
        EXPECT_EQ(line.j.size(), 2u);
        EXPECT_TRUE(keys[line.source].count(key)) << "withdraws a key it never supplied";
        continue;
      }
      EXPECT_TRUE(keys[line.source].insert(key).second) << line.source << " repeats " << key;
      ExpectSpecFields(line.j);
      const core::Status s = domain::ValidateChild(record.child, kAsOf);
      EXPECT_TRUE(s.ok()) << line.source << " " << key << ": " << s.ToString();
    }
  }
}

TEST_F(SynthTest, TruthCoversEveryRecordAndEveryPerson) {
  for (const GeneratedRun* run : {main_, boosted_}) {
    EXPECT_EQ(run->truth_rows.size(), run->lines.size());
    std::set<std::string> people_seen;
    for (const Line& line : run->lines) {
      auto it = run->truth.find({line.source, line.j["key"].get<std::string>()});
      ASSERT_NE(it, run->truth.end()) << line.source << " " << line.j["key"];
      EXPECT_TRUE(run->people.count(it->second));
      people_seen.insert(it->second);
    }
    // Every person not born abroad appears in the GRO or PDS batch at least.
    EXPECT_EQ(people_seen.size(), run->people.size());
  }
}

TEST_F(SynthTest, SameSeedSameBytesOtherSeedOtherBytes) {
  const fs::path a = TempDir("det_a"), b = TempDir("det_b"), c = TempDir("det_c");
  ASSERT_TRUE(Generate(Data(), Defaults(400, 9), a).ok());
  ASSERT_TRUE(Generate(Data(), Defaults(400, 9), b).ok());
  ASSERT_TRUE(Generate(Data(), Defaults(400, 10), c).ok());
  std::vector<std::string> files = {"truth.csv", "people.csv"};
  for (int s = 0; s < kSourceCount; ++s) {
    files.push_back(std::string(SourceName(static_cast<SourceKind>(s))) + ".jsonl");
  }
  int differ = 0;
  for (const std::string& file : files) {
    const std::string bytes = ReadFile(a / file);
    EXPECT_EQ(bytes, ReadFile(b / file)) << file;
    if (bytes != ReadFile(c / file)) ++differ;
  }
  EXPECT_EQ(differ, static_cast<int>(files.size()));
  fs::remove_all(a);
  fs::remove_all(b);
  fs::remove_all(c);
}

TEST_F(SynthTest, RejectsZeroChildrenAndNamesAnUnwritableFolder) {
  auto zero = Generate(Data(), Defaults(0, 1), TempDir("zero"));
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(zero.status().message().find("--children"), std::string::npos);

  const fs::path file = TempDir("file");
  { std::ofstream(file) << "x"; }
  auto blocked = Generate(Data(), Defaults(10, 1), file / "out");
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.status().code(), core::ErrorCode::kUnavailable);
  EXPECT_NE(blocked.status().message().find((file / "out").string()), std::string::npos);
  fs::remove(file);
}

TEST_F(SynthTest, MissingDataFolderIsNamed) {
  auto data = ReferenceData::Load("/nonexistent/synth-data");
  ASSERT_FALSE(data.ok());
  EXPECT_NE(data.status().message().find("/nonexistent/synth-data"), std::string::npos);
}

// --- People and families ---------------------------------------------------------

TEST_F(SynthTest, TwinsShareBirthAndAddressButNotGivenNames) {
  std::map<std::string, std::vector<const Row*>> maternities;
  for (const auto& [id, row] : main_->people) maternities[row.at("maternity_id")].push_back(&row);
  std::uint64_t multiples = 0;
  for (const auto& [m, rows] : maternities) {
    if (rows.size() < 2) continue;
    ++multiples;
    std::set<std::string> first_names;
    for (const Row* r : rows) {
      EXPECT_EQ(r->at("date_of_birth"), rows[0]->at("date_of_birth"));
      EXPECT_EQ(r->at("postcode"), rows[0]->at("postcode"));
      EXPECT_EQ(r->at("family_name"), rows[0]->at("family_name"));
      EXPECT_EQ(r->at("household_id"), rows[0]->at("household_id"));
      first_names.insert(r->at("given_names").substr(0, r->at("given_names").find(' ')));
    }
    EXPECT_EQ(first_names.size(), rows.size()) << "twins with the same first name";
  }
  // Multiple maternities among all maternities.
  ExpectRate("multiple maternities", multiples, maternities.size(), Rates().multiple_maternity);
  EXPECT_GT(multiples, 0u);
}

TEST_F(SynthTest, AgeProfileFollowsOnsBirthsAndIncludesSomeJustTurned18) {
  std::map<int, std::uint64_t> by_age;
  for (const auto& [id, row] : main_->people) {
    const auto dob = *domain::ParseDate("dob", row.at("date_of_birth"));
    ++by_age[AgeOn(dob, kAsOf)];
  }
  EXPECT_EQ(by_age.begin()->first, 0);
  EXPECT_EQ(by_age.rbegin()->first, 18);
  // 91 days of 18-year-olds out of ~18.25 years of births.
  ExpectRate("just turned 18", by_age[18], 2000, 91.0 / (18 * 365.25 + 91));
  // Fewer births lately than a decade ago (ONS): ages 0-4 hold less than a
  // proportional 5/18 share, ages 10-14 more.
  std::uint64_t young = 0, older = 0;
  for (int a = 0; a <= 4; ++a) young += by_age[a];
  for (int a = 10; a <= 14; ++a) older += by_age[a];
  EXPECT_LT(young, older);
}

TEST_F(SynthTest, SiblingsShareAHomeAndHouseholdsSpreadOverAuthorities) {
  std::map<std::string, std::set<std::string>> postcodes;
  std::set<std::string> authorities;
  for (const auto& [id, row] : main_->people) {
    postcodes[row.at("household_id")].insert(row.at("postcode"));
    authorities.insert(row.at("la_code"));
    auto normalised = domain::NormalisePostcode("postcode", row.at("postcode"));
    ASSERT_TRUE(normalised.ok());
    EXPECT_EQ(*normalised, row.at("postcode"));
  }
  for (const auto& [h, codes] : postcodes) EXPECT_EQ(codes.size(), 1u) << h;
  EXPECT_GT(postcodes.size(), 1000u);  // ~1.8 children per family
  EXPECT_LT(postcodes.size(), 1400u);
  EXPECT_GT(authorities.size(), 100u);  // 2,000 children reach most of the 153
}

// --- Services ----------------------------------------------------------------

TEST_F(SynthTest, EducationRatesMatchTheDefaults) {
  const Rates rates;
  std::uint64_t school_age = 0, missing = 0, home = 0, independent = 0, state = 0;
  for (const auto& [id, row] : main_->people) {
    const std::string& e = row.at("education");
    if (e == "not_school_age" || e == "post16_other") continue;
    ++school_age;
    missing += e == "missing_education";
    home += e == "home_educated";
    independent += e == "independent_school";
    if (e == "state_school") {
      ++state;
      EXPECT_FALSE(row.at("school_urn").empty());
      EXPECT_TRUE(domain::ValidateUpn("upn", row.at("upn")).ok());
    }
  }
  ExpectRate("missing education", missing, school_age, rates.missing_education);
  ExpectRate("home educated", home, school_age, rates.home_educated);
  ExpectRate("independent school", independent, school_age, rates.independent_school);
  EXPECT_GT(missing, 0u);
  // Every state-school pupil alive and in England is on the school census.
  std::uint64_t census = 0;
  for (const Line& line : main_->lines) census += line.source == "dcsf-school-census";
  std::uint64_t expected = 0;
  for (const auto& [id, row] : main_->people) {
    expected += row.at("education") == "state_school" && row.at("date_of_death").empty() &&
                row.at("left_england").empty();
  }
  EXPECT_EQ(census, expected);
}

TEST_F(SynthTest, SchoolsSitInTheChildsAuthority) {
  std::map<std::string, std::string> school_la;
  for (const auto& [id, row] : main_->people) {
    if (row.at("school_urn").empty()) continue;
    auto [it, inserted] = school_la.emplace(row.at("school_urn"), row.at("la_code"));
    EXPECT_EQ(it->second, row.at("la_code")) << "school " << row.at("school_urn");
  }
  EXPECT_GT(school_la.size(), 100u);
}

TEST_F(SynthTest, GpRegistrationAndNhsNumbersFollowTheRates) {
  const Rates rates;
  std::uint64_t pds = 0, with_gp = 0;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> nhs;  // source -> (with, all)
  for (const Line& line : main_->lines) {
    if (line.j["op"] != "upsert") continue;
    auto& [with, all] = nhs[line.source];
    ++all;
    if (line.j["child"]["identifiers"].contains("nhs_number")) ++with;
    if (line.source != "nhs-pds") continue;
    ++pds;
    for (const json& s : line.j["services"]) {
      if (s["type"] == "gp") {
        ++with_gp;
        EXPECT_EQ(s["organisation"]["code"].get<std::string>().rfind("ODS:", 0), 0u);
      }
    }
  }
  const std::uint64_t emigrated =
      std::count_if(main_->people.begin(), main_->people.end(),
                    [](const auto& p) { return !p.second.at("left_england").empty(); });
  // Registration is per household, so allow for the clustering: households
  // of ~1.8 children widen the spread by about sqrt(1.8).
  ExpectRate("no GP", (pds - emigrated - with_gp) * 10 / 18, (pds - emigrated) * 10 / 18,
             rates.no_gp);
  EXPECT_EQ(nhs["nhs-pds"].first, nhs["nhs-pds"].second);
  EXPECT_EQ(nhs["dwp-child-benefit"].first, 0u);
  EXPECT_EQ(nhs["dcsf-school-census"].first, 0u);
  ExpectRate("GRO NHS number", nhs["gro-births"].first, nhs["gro-births"].second,
             rates.For(SourceKind::kGroBirths).nhs_number);
  ExpectRate("social care NHS number", nhs["la-social-care"].first, nhs["la-social-care"].second,
             rates.For(SourceKind::kSocialCare).nhs_number);
}

TEST_F(SynthTest, PracticesAreNearTheChild) {
  std::map<std::string, std::string> practice_postcode;
  for (const GpPractice& p : Data().practices()) practice_postcode[p.ods_code] = p.postcode;
  std::uint64_t with_gp = 0, same_area = 0;
  for (const auto& [id, row] : main_->people) {
    if (row.at("gp_ods").empty()) continue;
    ++with_gp;
    auto area = [](const std::string& postcode) {
      std::size_t n = 0;
      while (n < postcode.size() && std::isalpha(static_cast<unsigned char>(postcode[n]))) ++n;
      return postcode.substr(0, n);
    };
    same_area += area(practice_postcode.at(row.at("gp_ods"))) == area(row.at("postcode"));
  }
  EXPECT_GT(same_area, with_gp * 97 / 100);
}

TEST_F(SynthTest, ChildBenefitAndLocalServicesFollowTheRates) {
  const Rates rates;
  std::uint64_t under16 = 0, claimed = 0, under5 = 0, hv = 0, cin = 0, camhs_age = 0, camhs = 0;
  std::uint64_t eligible_cases = 0;
  for (const auto& [id, row] : main_->people) {
    const auto dob = *domain::ParseDate("dob", row.at("date_of_birth"));
    const int age = AgeOn(dob, kAsOf);
    const bool alive = row.at("date_of_death").empty();
    const bool here = row.at("left_england").empty();
    if (age < 16 && alive) {
      ++under16;
      claimed += row.at("child_benefit") == "1";
    }
    if (!alive || !here || age >= 18) continue;
    ++eligible_cases;
    cin += row.at("social_care") == "1";
    if (age < 5) {
      ++under5;
      hv += row.at("health_visiting") == "1";
    }
    if (age >= 5) {
      ++camhs_age;
      camhs += row.at("camhs") == "1";
    }
  }
  // Take-up is per family: allow for the clustering as above.
  ExpectRate("child benefit", claimed * 10 / 18, under16 * 10 / 18, rates.child_benefit);
  ExpectRate("health visiting", hv, under5, rates.health_visiting);
  ExpectRate("children in need", cin, eligible_cases, rates.children_in_need);
  ExpectRate(
      "CAMHS recorded", camhs, camhs_age,
      rates.camhs * (rates.camhs_override + (1 - rates.camhs_override) * rates.camhs_consent));
}

TEST_F(SynthTest, SensitiveServicesCarryConsentOrAnOverride) {
  std::uint64_t camhs = 0;
  for (const Line& line : main_->lines) {
    if (line.source != "camhs") continue;
    ++camhs;
    const json& s = line.j["services"][0];
    EXPECT_EQ(s["type"], "mental_health");
    EXPECT_TRUE(!s["sensitive_consent"].is_null() || s.contains("sensitive_override"));
  }
  EXPECT_GT(camhs, 15u);
}

// --- Life events (boosted rates) ----------------------------------------------

TEST_F(SynthTest, AdoptionsCarryTheEventAndWithdrawThePreAdoptionRecords) {
  std::map<std::string, std::vector<const Line*>> by_person;
  for (const Line& line : boosted_->lines) {
    by_person[boosted_->truth.at({line.source, line.j["key"].get<std::string>()})].push_back(&line);
  }
  std::uint64_t adopted = 0;
  for (const auto& [id, row] : boosted_->people) {
    if (row.at("adopted_on").empty()) continue;
    ++adopted;
    std::set<std::string> withdrawn, upserted_before;
    const Line* post = nullptr;
    for (const Line* line : by_person[id]) {
      if (line->source != "gro-births" && line->source != "nhs-pds") continue;
      const std::string key = line->j["key"].get<std::string>();
      if (line->j["op"] == "withdraw") {
        withdrawn.insert(line->source + " " + key);
        continue;
      }
      bool has_event = false;
      for (const json& e : line->j["events"]) has_event = has_event || e["type"] == "adoption";
      if (line->source == "gro-births" && has_event) {
        post = line;
      } else if (line->j["child"]["family_name"] == row.at("birth_family_name") &&
                 line->j["child"]["identifiers"].value("nhs_number", "") != row.at("nhs_number")) {
        upserted_before.insert(line->source + " " + key);
      }
    }
    ASSERT_NE(post, nullptr) << id << " has no post-adoption GRO record";
    std::uint64_t social_care_withdrawn = 0;
    for (const Line* line : by_person[id]) {
      social_care_withdrawn += line->source == "la-social-care" && line->j["op"] == "withdraw";
    }
    EXPECT_GE(social_care_withdrawn, 1u) << id << ": the pre-adoption care case stays open";
    EXPECT_EQ(withdrawn.size(), 2u) << id;  // GRO and PDS birth identities
    for (const std::string& w : withdrawn) EXPECT_TRUE(upserted_before.count(w)) << w;
    EXPECT_NE(post->j["key"].get<std::string>().find("GRO-ACR-"), std::string::npos);
    EXPECT_NE(row.at("birth_nhs_number"), row.at("nhs_number"));
  }
  ExpectRate("adopted (boosted)", adopted, boosted_->people.size(), 0.05 * 0.9);
}

TEST_F(SynthTest, DeathsAndEmigrationAreReportedWithEvents) {
  std::uint64_t died = 0, emigrated = 0, gro_deaths = 0, pds_left = 0;
  for (const auto& [id, row] : boosted_->people) {
    died += !row.at("date_of_death").empty();
    emigrated += !row.at("left_england").empty();
  }
  for (const Line& line : boosted_->lines) {
    if (line.j["op"] != "upsert") continue;
    for (const json& e : line.j["events"]) {
      if (line.source == "gro-births" && e["type"] == "death") {
        ++gro_deaths;
        EXPECT_EQ(line.j["child"]["date_of_death"], e["date"]);
      }
      if (line.source == "nhs-pds" && e["type"] == "left_england") ++pds_left;
    }
  }
  ExpectRate("died (boosted)", died, boosted_->people.size(), 0.03);
  EXPECT_GT(gro_deaths, died * 8 / 10);  // all but those born abroad
  EXPECT_EQ(pds_left, emigrated);
  EXPECT_GT(emigrated, 0u);
}

TEST_F(SynthTest, MovesLeaveOldAddressesAndOldAreaRecords) {
  std::uint64_t moved_la = 0, old_area_records = 0, stale_gro = 0;
  std::map<std::string, const Row*> people = {};
  for (const auto& [id, row] : boosted_->people) {
    if (row.at("previous_la_code").empty()) continue;
    if (row.at("previous_la_code") != row.at("la_code")) ++moved_la;
  }
  for (const Line& line : boosted_->lines) {
    if (line.j["op"] != "upsert") continue;
    const Row& row =
        boosted_->people.at(boosted_->truth.at({line.source, line.j["key"].get<std::string>()}));
    if (row.at("previous_postcode").empty() || line.j["child"]["address"].is_null()) continue;
    const json& postcode = line.j["child"]["address"]["postcode"];
    if (postcode.is_null() || postcode != row.at("previous_postcode")) continue;
    if (line.source == "gro-births") ++stale_gro;
    if (line.source == "la-social-care" &&
        line.j["key"].get<std::string>().find(row.at("previous_la_code")) != std::string::npos) {
      ++old_area_records;
    }
  }
  EXPECT_GT(moved_la, 60u);
  EXPECT_GT(stale_gro, 30u);        // born before the move: registered at the old address
  EXPECT_GT(old_area_records, 5u);  // social care in the area they left
}

TEST_F(SynthTest, AParentGivesDifferentFamilyNamesInDifferentAreas) {
  std::uint64_t alias_records = 0;
  for (const Line& line : boosted_->lines) {
    if (line.j["op"] != "upsert") continue;
    const Row& row =
        boosted_->people.at(boosted_->truth.at({line.source, line.j["key"].get<std::string>()}));
    if (!row.at("alias_family_name").empty() &&
        line.j["child"]["family_name"] == row.at("alias_family_name")) {
      ++alias_records;
      EXPECT_NE(line.source, "gro-births");
    }
  }
  EXPECT_GT(alias_records, 10u);
}

TEST_F(SynthTest, NoiseVariesBySourceAndNamesChange) {
  // Share of upserts whose family name differs from the truth: the voluntary
  // organisation's records are noisier than the GRO's.
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> differs;
  std::uint64_t former_in_other_names = 0;
  for (const Line& line : main_->lines) {
    if (line.j["op"] != "upsert") continue;
    const Row& row =
        main_->people.at(main_->truth.at({line.source, line.j["key"].get<std::string>()}));
    auto& [d, all] = differs[line.source];
    ++all;
    const std::string expected =
        line.source == "gro-births" && !row.at("former_family_name").empty()
            ? row.at("former_family_name")
            : row.at("family_name");
    if (row.at("adopted_on").empty() && line.j["child"]["family_name"] != expected) ++d;
    for (const json& other : line.j["child"]["other_names"]) {
      former_in_other_names += other["family_name"] == row.at("former_family_name");
    }
  }
  const double gro =
      static_cast<double>(differs["gro-births"].first) / differs["gro-births"].second;
  const double social =
      static_cast<double>(differs["la-social-care"].first) / differs["la-social-care"].second;
  EXPECT_LT(gro, 0.01);
  EXPECT_GT(social, gro);
  EXPECT_GT(former_in_other_names, 0u);
}

TEST_F(SynthTest, NicknamesAndSurnameFormsComeFromTheVariantTables) {
  core::SeededRandom random(3);
  std::set<std::string> nicknames;
  for (int i = 0; i < 200; ++i) nicknames.insert(Nickname("William", Data(), random));
  EXPECT_TRUE(nicknames.count("Bill") || nicknames.count("Will"));
  EXPECT_EQ(Nickname("Zzyzx", Data(), random), "Zzyzx");
  std::set<std::string> forms;
  for (int i = 0; i < 200; ++i) forms.insert(SurnameForm("Smith-Jones", Data(), random));
  EXPECT_TRUE(forms.count("Smith Jones"));
  EXPECT_TRUE(forms.count("Smithjones"));
  EXPECT_TRUE(forms.count("Smith"));
  EXPECT_TRUE(forms.count("Jones"));
}

}  // namespace
}  // namespace cp::synth

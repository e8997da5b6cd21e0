// The sources of Synthetic England: how each one sees a household.
//
// SourceRenderer turns one true Household into the records each source would
// supply (GRO births, DWP child benefit, the school census, NHS PDS, and the
// local sources), with that source's carers, services, identifiers, address
// lag and noise (rates.h). Every upsert is built as a domain::Child and
// checked with domain::ValidateChild before it is handed on; a record that
// fails is a bug and stops the run with an internal error naming the field.
#ifndef CP_SYNTH_SOURCES_H_
#define CP_SYNTH_SOURCES_H_

#include <cstdint>
#include <string_view>

#include "core/status.h"
#include "synth/feed_json.h"
#include "synth/population.h"
#include "synth/rates.h"

namespace cp::synth {

// The registered source ID, e.g. "gro-births"; also the batch file's stem.
std::string_view SourceName(SourceKind kind);

// Receives every record in order. Implementations say whether they are
// thread-safe.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual core::Status Write(SourceKind source, const FeedRecord& record, const Person& person) = 0;
};

// Renders households. Borrows the generator (for the school list, reference
// data, rates and date), which must outlive it. Not thread-safe.
class SourceRenderer {
 public:
  SourceRenderer(const PopulationGenerator& population, std::uint64_t seed);

  core::Status Render(const Household& household, RecordSink& sink);

 private:
  struct View;
  core::Status Emit(SourceKind source, const View& view, const Household& household,
                    const Person& person, RecordSink& sink, core::SeededRandom& random);
  core::Status RenderGro(const Household& h, const Person& p, RecordSink& sink,
                         core::SeededRandom& random);
  core::Status RenderDwp(const Household& h, const Person& p, RecordSink& sink,
                         core::SeededRandom& random);
  core::Status RenderSchool(const Household& h, const Person& p, RecordSink& sink,
                            core::SeededRandom& random);
  core::Status RenderPds(const Household& h, const Person& p, RecordSink& sink,
                         core::SeededRandom& random);
  core::Status RenderCase(const Household& h, const Person& p, const LocalCase& c, RecordSink& sink,
                          core::SeededRandom& random);

  const PopulationGenerator& population_;
  const ReferenceData& data_;
  const Rates& rates_;
  std::uint64_t seed_;
  domain::Date as_of_;
};

}  // namespace cp::synth

#endif  // CP_SYNTH_SOURCES_H_

#include "ingest/cluster.h"

#include <algorithm>
#include <tuple>


namespace cp::ingest {

bool IsCurrent(const storage::SourceRecord& record) {
  return record.state == storage::LinkState::kLinked ||
         record.state == storage::LinkState::kReview;
}

std::vector<const storage::SourceRecord*> CurrentNewestFirst(
    const std::vector<storage::SourceRecord>& records) {
  std::vector<const storage::SourceRecord*> current;
  for (const storage::SourceRecord& r : records) {
    if (IsCurrent(r)) current.push_back(&r);
  }
  std::stable_sort(current.begin(), current.end(), [](const auto* a, const auto* b) {
    return std::tie(a->extracted_at, a->received_at) > std::tie(b->extracted_at, b->received_at);
  });
  return current;
}

core::StatusOr<SourcePriorities> SourcePriorities::Read(storage::Transaction& tx) {
  ASSIGN_OR_RETURN(std::vector<storage::SourceEntry> sources, tx.ListSources());
  SourcePriorities out;
  for (const storage::SourceEntry& s : sources) out.Set(s.id, s.priority);
  return out;
}

int SourcePriorities::Of(const domain::SourceId& source) const {
  auto it = by_source_.find(source.value());
  return it == by_source_.end() ? kLocalSourcePriority : it->second;
}

SourceView ViewOf(const storage::SourceRecord& record, const SourcePriorities& priorities) {
  return SourceView{&record.data,        record.source,      record.key,
                    record.batch,        record.extracted_at, record.received_at,
                    priorities.Of(record.source)};
}

std::optional<domain::Child> BestViewOf(domain::ContactPointId child,
                                        const std::vector<storage::SourceRecord>& records,
                                        const SourcePriorities& priorities) {
  std::vector<SourceView> views;
  for (const storage::SourceRecord& r : records) {
    if (IsCurrent(r)) views.push_back(ViewOf(r, priorities));
  }
  if (views.empty()) return std::nullopt;
  return MergeSourceViews(child, views);
}

std::optional<domain::Child> MergedBestView(const Linker& linker,
                                            const SourcePriorities& priorities,
                                            domain::ContactPointId child,
                                            const std::vector<storage::SourceRecord>& records) {
  std::optional<domain::Child> merged = BestViewOf(child, records, priorities);
  if (merged) linker.AssignAuthority(*merged);
  return merged;
}

core::Status WriteBestView(storage::Transaction& tx, domain::ContactPointId child,
                           const std::optional<domain::Child>& merged) {
  if (merged) return tx.PutChild(*merged);
  ASSIGN_OR_RETURN(domain::Child last, tx.GetChild(child));
  return tx.PutChild(last);
}

core::StatusOr<std::optional<domain::Child>> RebuildBestView(
    storage::Transaction& tx, const Linker& linker, const SourcePriorities& priorities,
    domain::ContactPointId child, const std::vector<storage::SourceRecord>& records) {
  std::optional<domain::Child> merged = MergedBestView(linker, priorities, child, records);
  RETURN_IF_ERROR(WriteBestView(tx, child, merged));
  return merged;
}

std::string VectorText(const linkage::ComparisonVector& vector) {
  std::string out;
  for (std::size_t i = 0; i < linkage::kFieldCount; ++i) {
    const linkage::Field field = linkage::FieldAt(i);
    if (!out.empty()) out += ';';
    out += linkage::FieldName(field);
    out += '=';
    const auto names = linkage::LevelNames(field);
    const std::uint8_t level = vector.level(field);
    out += level < names.size() ? names[level] : std::string_view("?");
  }
  return out;
}

}  // namespace cp::ingest

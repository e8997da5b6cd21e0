// One line of a small reference CSV file (RFC 4180 quoting, no embedded
// newlines), for the data files shipped with the product. Feed CSV files
// go through libcsv in ingest instead.
#ifndef CP_CORE_CSV_LINE_H_
#define CP_CORE_CSV_LINE_H_

#include <string>
#include <string_view>
#include <vector>

namespace cp::core {

// Splits one CSV line into its fields, unquoting them.
std::vector<std::string> SplitCsvLine(std::string_view line);

}  // namespace cp::core

#endif  // CP_CORE_CSV_LINE_H_

// libFuzzer target for the batch parser: any bytes, split into lines, go
// through ParseHeader and ParseRecord. The parser must answer every input with
// a value or a rejection — never crash, hang, leak or read out of bounds
// (AddressSanitizer and UBSan are on in the fuzz build).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "ingest/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static cp::ingest::LineParser parser;
  static const cp::ingest::BatchHeader header = [] {
    auto h = parser.ParseHeader(
        R"({"contactpoint_feed": 1, "source": "fuzz", "batch": "b1",)"
        R"( "extracted_at": "2026-11-21T02:00:00Z", "mode": "full"})");
    return *h;
  }();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::int64_t line_number = 0;
  while (!input.empty()) {
    const std::size_t nl = input.find('\n');
    const std::string_view line = input.substr(0, nl);
    if (++line_number == 1) {
      (void)parser.ParseHeader(line);
    }
    auto result = parser.ParseRecord(line, line_number, header);
    if (auto* rejection = std::get_if<cp::ingest::Rejection>(&result)) {
      if (rejection->reason.empty()) __builtin_trap();  // every rejection says why
    }
    if (nl == std::string_view::npos) break;
    input.remove_prefix(nl + 1);
  }
  return 0;
}

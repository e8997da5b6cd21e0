#include "core/json_string.h"

#include <gtest/gtest.h>

#include <string>

namespace cp::core {
namespace {

std::string Json(std::string_view text) {
  std::string out = "prefix:";
  AppendJsonString(text, out);
  return out;
}

TEST(JsonStringTest, EscapesQuotesBackslashesAndControlCharactersOnly) {
  using namespace std::string_literals;
  const struct {
    std::string in;
    std::string out;
  } cases[] = {
      {"", "prefix:\"\""},
      {"plain", "prefix:\"plain\""},
      {"a\"b", "prefix:\"a\\\"b\""},
      {"\\", "prefix:\"\\\\\""},
      {"line\nnext\r\tend", "prefix:\"line\\nnext\\r\\tend\""},
      {"\x01\x1f", "prefix:\"\\u0001\\u001f\""},
      {"nul\0in"s, "prefix:\"nul\\u0000in\""},
      {"\"quoted\" at both ends\"", "prefix:\"\\\"quoted\\\" at both ends\\\"\""},
      {"Zoë — 𝄞 / <x>", "prefix:\"Zoë — 𝄞 / <x>\""},  // UTF-8 and '/' pass as they are
      {"\x7f", "prefix:\"\x7f\""},
  };
  for (const auto& c : cases) EXPECT_EQ(Json(c.in), c.out) << c.in;
}

}  // namespace
}  // namespace cp::core

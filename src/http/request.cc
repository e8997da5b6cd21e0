#include "http/server.h"

namespace cp::http {

std::string_view BearerToken(const Request& request) {
  auto header = request.headers.find("authorization");
  if (header == request.headers.end()) return {};
  std::string_view value = header->second;
  constexpr std::string_view kScheme = "Bearer ";
  if (!value.starts_with(kScheme)) return {};
  return value.substr(kScheme.size());
}

}  // namespace cp::http

// Compiled by ctest, never linked: each CP_MISUSE_* case must fail to compile.
#include <iostream>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/sensitive.h"

int main() {
  cp::core::Sensitive<std::string> name("Amelia Smith");
#ifdef CP_MISUSE_STREAM
  std::cout << name;
#endif
#ifdef CP_MISUSE_FMT
  std::cout << fmt::format("{}", name);
#endif
#ifdef CP_MISUSE_SPDLOG
  spdlog::info("child {}", name);
#endif
  return static_cast<int>(name.Reveal().size());
}

# Embeds the page templates into the binary.
#
# Run in script mode at build time (see src/web/CMakeLists.txt):
#   cmake -DTEMPLATES_DIR=<dir> -DOUTPUT=<file.cc> -P embed_templates.cmake
# Writes a .cc defining cp::web::internal::Template() and TemplateNames()
# with each <dir>/<name>.mustache as a raw string literal. The output is
# rewritten only when its content changes.

if(NOT TEMPLATES_DIR OR NOT OUTPUT)
  message(FATAL_ERROR "embed_templates.cmake needs -DTEMPLATES_DIR and -DOUTPUT")
endif()

file(GLOB files "${TEMPLATES_DIR}/*.mustache")
list(SORT files)
set(entries "")
set(names "")
foreach(file IN LISTS files)
  get_filename_component(name "${file}" NAME_WE)
  if(NOT name MATCHES "^[a-z0-9_]+$")
    message(FATAL_ERROR "template '${name}': name it with a-z, 0-9 and _ only")
  endif()
  file(READ "${file}" text)
  string(FIND "${text}" ")cptpl\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "template '${name}' contains the raw-string delimiter )cptpl\"")
  endif()
  string(APPEND entries "    {\"${name}\", R\"cptpl(${text})cptpl\"},\n")
  string(APPEND names "    \"${name}\",\n")
endforeach()

set(content "// Generated from src/web/templates/*.mustache by embed_templates.cmake.
// Do not edit: change or add a .mustache file instead.
#include \"web/internal/templates.h\"

#include <utility>

namespace cp::web::internal {
namespace {

constexpr std::pair<std::string_view, std::string_view> kTemplates[] = {
${entries}};

constexpr std::string_view kNames[] = {
${names}};

}  // namespace

std::string_view Template(std::string_view name) {
  for (const auto& [n, text] : kTemplates) {
    if (n == name) return text;
  }
  return {};
}

std::span<const std::string_view> TemplateNames() { return kNames; }

}  // namespace cp::web::internal
")

file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")

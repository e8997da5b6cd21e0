# Embeds the versioned migration files into the binary.
#
# Run in script mode at build time (see src/storage/CMakeLists.txt):
#   cmake -DMIGRATIONS_DIR=<dir> -DOUTPUT=<file.cc> -P embed_migrations.cmake
# Reads <dir>/NNNN_name.sql in order and writes a .cc defining
# cp::storage::internal::SqliteMigrations() with each file as a raw string
# literal. Numbers must run 1, 2, 3... without gaps, so a missing or
# duplicated file fails the build rather than the first open of a store.
# The output is rewritten only when its content changes.

if(NOT MIGRATIONS_DIR OR NOT OUTPUT)
  message(FATAL_ERROR "embed_migrations.cmake needs -DMIGRATIONS_DIR and -DOUTPUT")
endif()

file(GLOB sql_files "${MIGRATIONS_DIR}/*.sql")
list(SORT sql_files)
if(NOT sql_files)
  message(FATAL_ERROR "no migrations found in ${MIGRATIONS_DIR}")
endif()

set(entries "")
set(expected 1)
foreach(file IN LISTS sql_files)
  get_filename_component(name "${file}" NAME)
  if(NOT name MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)\\.sql$")
    message(FATAL_ERROR
      "migration '${name}': name it NNNN_what_it_does.sql, e.g. 0002_add_index.sql")
  endif()
  string(REGEX REPLACE "^0+" "" version "${CMAKE_MATCH_1}")
  if(NOT version EQUAL expected)
    message(FATAL_ERROR "migration '${name}': expected number ${expected}; "
                        "migrations are numbered 1, 2, 3... without gaps")
  endif()
  file(READ "${file}" sql)
  string(FIND "${sql}" ")cpsql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "migration '${name}' contains the raw-string delimiter )cpsql\"")
  endif()
  string(APPEND entries "    {${version}, \"${name}\", R\"cpsql(${sql})cpsql\"},\n")
  math(EXPR expected "${expected} + 1")
endforeach()

set(content "// Generated from src/storage/sqlite/migrations/*.sql by embed_migrations.cmake.
// Do not edit: change or add a .sql file instead.
#include \"storage/sqlite/internal/migrations.h\"

namespace cp::storage::internal {
namespace {

constexpr SqliteMigration kMigrations[] = {
${entries}};

}  // namespace

std::span<const SqliteMigration> SqliteMigrations() { return kMigrations; }

}  // namespace cp::storage::internal
")

file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")

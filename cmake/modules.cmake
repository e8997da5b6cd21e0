# cp_module(NAME SOURCES ... DEPS ...): one library per folder under src/.
#
# A module's headers are visible only to targets that link it: each module gets
# its own include root in the build tree holding a single link, <name> -> src/<name>,
# so `#include "storage/store.h"` compiles in a module only when that module
# declares storage as a dependency. An upward include fails the build.
function(cp_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  set(root ${CMAKE_BINARY_DIR}/include_roots/${name})
  file(MAKE_DIRECTORY ${root})
  if(NOT EXISTS ${root}/${name})
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/src/${name} ${root}/${name} SYMBOLIC)
  endif()
  add_library(cp_${name} STATIC ${ARG_SOURCES})
  target_include_directories(cp_${name} PUBLIC ${root})
  target_link_libraries(cp_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# cp_test(NAME SOURCES ... DEPS ...): a GoogleTest binary beside the code.
# Labels let `ctest -L` pick unit, contract or pgtest suites.
function(cp_test name)
  if(NOT CP_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  gtest_discover_tests(${name} PROPERTIES LABELS ${ARG_LABEL} DISCOVERY_TIMEOUT 60)
endfunction()

# sluice_cc_library(NAME n SRCS ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
#   Defines target sluice_<n> with alias sluice::<n>. Include paths are rooted at the
#   repository top, so headers are included as "broker/log/segment.h".
# sluice_cc_test(NAME n SRCS ... DEPS ...)
#   A GoogleTest binary registered with ctest.

set(SLUICE_WARNINGS -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(SLUICE_WERROR)
  list(APPEND SLUICE_WARNINGS -Werror)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports false -Wrestrict overlaps inside libstdc++'s std::string at -O3
    # (GCC bug 105329); keep them visible as warnings, not errors.
    list(APPEND SLUICE_WARNINGS -Wno-error=restrict)
  endif()
endif()

if(SLUICE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

function(sluice_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(sluice_${ARG_NAME} STATIC ${ARG_SRCS})
  add_library(sluice::${ARG_NAME} ALIAS sluice_${ARG_NAME})
  target_include_directories(sluice_${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(sluice_${ARG_NAME} PRIVATE ${SLUICE_WARNINGS})
  target_link_libraries(sluice_${ARG_NAME} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

function(sluice_cc_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_compile_options(${ARG_NAME} PRIVATE ${SLUICE_WARNINGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS unit)
endfunction()

# Warnings for the project's own C++ code; -Werror when LABO_WARNINGS_AS_ERRORS is on (CI sets it).
option(LABO_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" OFF)

function(labo_set_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion>)
  if(LABO_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
  endif()
endfunction()

# The CPU kernel is compiled once per instruction set, each copy in its own namespace
# (labo::cpu::<isa>), and the library picks one at run time with __builtin_cpu_supports.
# Nothing in a copy may be shared with another (see native/src/cpu/simd.h), so a machine
# without AVX-512 never executes an AVX-512 instruction.

set(LABO_CPU_FLAGS_scalar "")
set(LABO_CPU_FLAGS_avx2 -mavx2 -mfma -mf16c)
set(LABO_CPU_FLAGS_avx512 -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx2 -mfma -mf16c)
# GCC 12's AVX-512 headers trip its own uninitialized-value analysis (_mm512_undefined_*).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND LABO_CPU_FLAGS_avx512 -Wno-uninitialized -Wno-maybe-uninitialized)
endif()

function(labo_add_cpu_variants target source)
  foreach(isa scalar avx2 avx512)
    set(objects ${target}_cpu_${isa})
    add_library(${objects} OBJECT "${source}")
    string(TOUPPER ${isa} ISA)
    target_compile_definitions(${objects} PRIVATE LABO_CPU_ISA_NS=${isa} LABO_CPU_ISA_${ISA})
    target_include_directories(${objects} PRIVATE
      $<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>)
    set_target_properties(${objects} PROPERTIES
      POSITION_INDEPENDENT_CODE ON
      CXX_VISIBILITY_PRESET hidden
      VISIBILITY_INLINES_HIDDEN ON)
    labo_set_warnings(${objects})
    # after the warning set, so that an ISA's exceptions win
    target_compile_options(${objects} PRIVATE ${LABO_CPU_FLAGS_${isa}})
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:${objects}>)
  endforeach()
endfunction()

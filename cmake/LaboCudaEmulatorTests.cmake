# labo_cuda_emulator_test: the CUDA kernels of native/src/cuda, run on the CPU by the emulator of
# native/tests/cuda_emulator (see emulator.cpp there), tested against an fp64 reference and against
# the CPU kernel. Needs no GPU, no CUDA toolkit and no driver.
#
#   option(LABO_BUILD_CUDA_EMULATOR_TESTS ...)   # native/CMakeLists.txt
#   enable_testing()
#   include(LaboCudaEmulatorTests)
#   labo_add_cuda_emulator_tests(labo)           # after labo_add_cpu_variants(labo ...)
#
# At build time each kernel source is rewritten into ${CMAKE_CURRENT_BINARY_DIR}/cuda_emulator/
# (prepare_cuda_source.cmake) and compiled with the host C++ compiler against the emulator's fake
# CUDA headers, with the project's warnings (labo_set_warnings). The CPU kernel for the parity test
# is the library's own: loss_cpu.cpp, row_scratch.cpp and the per-ISA object libraries <library>_cpu_<isa>.
include_guard(GLOBAL)
include(LaboWarnings)

get_filename_component(_LABO_EMU_NATIVE_DIR "${CMAKE_CURRENT_LIST_DIR}/../native" ABSOLUTE)
set(_LABO_EMU_DIR "${_LABO_EMU_NATIVE_DIR}/tests/cuda_emulator")

function(labo_add_cuda_emulator_tests library)
  if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux" OR NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "LABO_BUILD_CUDA_EMULATOR_TESTS: the CUDA emulator needs Linux (ucontext) and GCC or Clang")
  endif()
  foreach(isa scalar avx2 avx512)
    if(NOT TARGET ${library}_cpu_${isa})
      message(FATAL_ERROR "labo_add_cuda_emulator_tests: ${library}_cpu_${isa} is not a target (call labo_add_cpu_variants first)")
    endif()
  endforeach()

  # The kernel sources, rewritten at build time (never committed).
  set(cuda_dir "${_LABO_EMU_NATIVE_DIR}/src/cuda")
  set(gen_dir "${CMAKE_CURRENT_BINARY_DIR}/cuda_emulator/src/cuda")
  set(generated)
  foreach(source cuda_common.cuh launch.cuh call_readback.cuh target_error_record.cuh label_loss_row_views.cuh
                 label_loss_stats.cuh label_loss_tempered.cuh label_loss_gradient.cuh label_loss_row.cuh
                 label_loss_smem_pipeline.cuh cuda_common.cu call_readback.cu cuda_backend.cu target_check.cu
                 target_error_record.cu label_loss.cu loss_reduce.cu)
    if(source MATCHES "\\.cu$")
      string(REGEX REPLACE "\\.cu$" ".cpp" output "${source}")
    else()
      set(output "${source}")
    endif()
    add_custom_command(
      OUTPUT "${gen_dir}/${output}"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${gen_dir}"
      COMMAND "${CMAKE_COMMAND}" "-DINPUT=${cuda_dir}/${source}" "-DOUTPUT=${gen_dir}/${output}"
              -P "${_LABO_EMU_DIR}/prepare_cuda_source.cmake"
      DEPENDS "${cuda_dir}/${source}" "${_LABO_EMU_DIR}/prepare_cuda_source.cmake"
      COMMENT "CUDA emulator: preparing ${source}"
      VERBATIM)
    list(APPEND generated "${gen_dir}/${output}")
  endforeach()

  # The emulator runtime: its own (non-pedantic) warnings, ucontext fibers.
  add_library(labo_cuda_emulator_runtime STATIC "${_LABO_EMU_DIR}/emulator.cpp")
  target_include_directories(labo_cuda_emulator_runtime
    PUBLIC "${_LABO_EMU_DIR}"
    SYSTEM PUBLIC "${_LABO_EMU_DIR}/include")
  target_compile_options(labo_cuda_emulator_runtime PRIVATE -Wall -Wextra)
  if(LABO_WARNINGS_AS_ERRORS)
    target_compile_options(labo_cuda_emulator_runtime PRIVATE -Werror)
  endif()

  find_package(OpenMP REQUIRED COMPONENTS CXX)
  add_executable(labo_cuda_emulator_test
    "${_LABO_EMU_DIR}/main.cpp"
    "${_LABO_EMU_DIR}/emulator_selftest.cpp"
    "${_LABO_EMU_DIR}/error_test.cpp"
    "${_LABO_EMU_DIR}/reference_test.cpp"
    "${_LABO_EMU_DIR}/parity_test.cpp"
    "${_LABO_EMU_DIR}/prefetch_test.cpp"
    ${generated}
    "${_LABO_EMU_NATIVE_DIR}/src/cpu/loss_cpu.cpp"
    "${_LABO_EMU_NATIVE_DIR}/src/cpu/row_scratch.cpp"
    $<TARGET_OBJECTS:${library}_cpu_scalar>
    $<TARGET_OBJECTS:${library}_cpu_avx2>
    $<TARGET_OBJECTS:${library}_cpu_avx512>)
  target_include_directories(labo_cuda_emulator_test PRIVATE
    "${_LABO_EMU_NATIVE_DIR}/include"
    "${_LABO_EMU_NATIVE_DIR}/src"
    # the generated sources' #include "../loss_problem.h" resolves against this one
    "${_LABO_EMU_NATIVE_DIR}/src/cuda")
  target_link_libraries(labo_cuda_emulator_test PRIVATE labo_cuda_emulator_runtime OpenMP::OpenMP_CXX)
  labo_set_warnings(labo_cuda_emulator_test)
  # The emulated kernels run one fiber per GPU thread: -O1 keeps the build short at little cost;
  # no FMA contraction (the host compiler's default without -mfma, said explicitly).
  target_compile_options(labo_cuda_emulator_test PRIVATE -O1 -ffp-contract=off)
  # The smem path's L2 prefetch of the next row (off in the shipped library until timed) is on for
  # every loss here: the emulator checks that each prefetched address lies inside device memory.
  # Likewise the blocks sized in whole warps (LABO_SMEM_PATH_FILL_WARPS), so that blocks whose size
  # is not a power of two run here.
  target_compile_definitions(labo_cuda_emulator_test PRIVATE LABO_SMEM_PATH_L2_PREFETCH=2 LABO_SMEM_PATH_FILL_WARPS=1)

  add_test(NAME labo_cuda_emulator_test COMMAND labo_cuda_emulator_test)
  set_tests_properties(labo_cuda_emulator_test PROPERTIES TIMEOUT 600)
endfunction()

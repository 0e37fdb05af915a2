# labo4j's CUDA backend.
#
#   include(${CMAKE_CURRENT_SOURCE_DIR}/../cmake/LaboCuda.cmake)   # from native/CMakeLists.txt
#   labo_add_cuda_backend(labo)
#
# With a CUDA compiler (the caller did check_language(CUDA) / enable_language(CUDA), so that
# CMAKE_CUDA_COMPILER is set) the kernels in native/src/cuda/*.cu are added to the target, compiled
# for LABO_CUDA_ARCHITECTURES, and the CUDA runtime is linked statically (the library then needs
# only the driver at run time: without one, every CUDA call answers LABO_STATUS_NO_CUDA_DEVICE).
# Without a CUDA compiler, native/src/cuda/cuda_unavailable.cpp provides the same symbols.
include_guard(GLOBAL)

# Machine code for sm_80 (it also runs on sm_86 and sm_89) and sm_90, and PTX for sm_90 only, which
# the driver compiles for newer GPUs. PTX for sm_80 as well would serve no GPU and adds ~3 MB.
set(LABO_CUDA_ARCHITECTURES "80-real;90" CACHE STRING
    "CUDA architectures of the labo4j kernels (CMake CUDA_ARCHITECTURES syntax, e.g. 80-real;90 or 90-real)")
option(LABO_CUDA_WERROR "Treat warnings of the labo4j CUDA sources (host and device) as errors" OFF)
option(LABO_CUDA_VERBOSE_PTXAS "Print ptxas register and spill statistics of the labo4j kernels" OFF)

set(_LABO_CUDA_SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/../native/src/cuda")

function(labo_add_cuda_backend target)
    if(NOT TARGET ${target})
        message(FATAL_ERROR "labo_add_cuda_backend: ${target} is not a target")
    endif()
    # CMAKE_CUDA_COMPILER alone is not enough: check_language(CUDA) caches it without enabling
    # the language, and .cu sources of a project without CUDA enabled are silently not compiled.
    get_property(_languages GLOBAL PROPERTY ENABLED_LANGUAGES)
    set(_use_cuda FALSE)
    if(CMAKE_CUDA_COMPILER AND "CUDA" IN_LIST _languages)
        set(_use_cuda TRUE)
    elseif(CMAKE_CUDA_COMPILER)
        message(WARNING "labo4j: a CUDA compiler was found (${CMAKE_CUDA_COMPILER}) but the CUDA language is "
                        "not enabled (enable_language(CUDA)): building without the CUDA backend")
    endif()
    if(_use_cuda)
        target_sources(${target} PRIVATE
            "${_LABO_CUDA_SOURCE_DIR}/cuda_common.cu"
            "${_LABO_CUDA_SOURCE_DIR}/call_readback.cu"
            "${_LABO_CUDA_SOURCE_DIR}/cuda_backend.cu"
            "${_LABO_CUDA_SOURCE_DIR}/cuda_api.cu"
            "${_LABO_CUDA_SOURCE_DIR}/target_check.cu"
            "${_LABO_CUDA_SOURCE_DIR}/target_error_record.cu"
            "${_LABO_CUDA_SOURCE_DIR}/label_loss.cu"
            "${_LABO_CUDA_SOURCE_DIR}/loss_reduce.cu")
        set_target_properties(${target} PROPERTIES
            CUDA_ARCHITECTURES "${LABO_CUDA_ARCHITECTURES}"
            CUDA_RUNTIME_LIBRARY Static
            CUDA_STANDARD 17
            CUDA_STANDARD_REQUIRED ON
            CUDA_EXTENSIONS OFF
            CUDA_SEPARABLE_COMPILATION OFF
            CUDA_VISIBILITY_PRESET hidden
            POSITION_INDEPENDENT_CODE ON)
        set(_flags -Xcompiler=-fPIC -Xcompiler=-Wall,-Wextra -lineinfo)
        if(LABO_CUDA_WERROR)
            list(APPEND _flags -Werror=all-warnings -Xcompiler=-Werror)
        endif()
        if(LABO_CUDA_VERBOSE_PTXAS)
            list(APPEND _flags -Xptxas=-v)
        endif()
        target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CUDA>:${_flags}>")
        target_include_directories(${target} PRIVATE "${_LABO_CUDA_SOURCE_DIR}/../../include")
        target_compile_definitions(${target} PRIVATE LABO_WITH_CUDA=1)
        message(STATUS "labo4j: CUDA backend enabled (${CMAKE_CUDA_COMPILER}, architectures ${LABO_CUDA_ARCHITECTURES})")
    else()
        target_sources(${target} PRIVATE "${_LABO_CUDA_SOURCE_DIR}/cuda_unavailable.cpp")
        target_include_directories(${target} PRIVATE "${_LABO_CUDA_SOURCE_DIR}/../../include")
        message(STATUS "labo4j: building without the CUDA backend (cuda_unavailable.cpp)")
    endif()
endfunction()
